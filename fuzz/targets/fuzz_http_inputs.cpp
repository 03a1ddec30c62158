// What an unauthenticated HTTP client controls in both programs (common/src): the Authorization header (bearer,
// basic with its base64), Content-Type, Host and Sec-Fetch-Site (the browser guard), and the duration and listen
// address strings the command lines and configs take.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "credentials.hpp"
#include "duration.hpp"
#include "http_request.hpp"
#include "listen_address.hpp"
#include "request_guard.hpp"

using namespace openclaw;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string a = in.ConsumeRandomLengthString(256);
  const std::string b = in.ConsumeRandomLengthString(256);
  const int port = in.ConsumeIntegralInRange(0, 65535);
  const bool tls = in.ConsumeBool();
  const std::string rest = in.ConsumeRemainingBytesAsString();

  (void)parse_bearer_authorization(a);
  if (const auto basic = parse_basic_authorization(a)) {
    if (basic->first.find(':') != std::string::npos) std::abort();  // the user name ends at the first colon
  }
  (void)is_json_content_type(a);
  (void)constant_time_equals(a, b);

  // A duration that parses formats to a spelling that parses to the same value.
  if (const auto d = parse_duration(a)) {
    const auto again = parse_duration(format_duration(*d));
    if (!again || *again != *d) std::abort();
  }

  try {
    (void)normalize_listen_address(b);
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)is_loopback_listen_address(b);
  } catch (const std::invalid_argument&) {  // as normalize_listen_address; the hook's CLI reports it
  }

  static const RequestGuard guard("127.0.0.1:9789", {"hook.example.org", "proxy.example.org:8443"}, "--fuzz");
  (void)guard.refusal(a, b, port, tls);
  try {
    const RequestGuard configured(b, {rest}, "--fuzz");
    (void)configured.refusal(a, "same-origin", port, tls);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
