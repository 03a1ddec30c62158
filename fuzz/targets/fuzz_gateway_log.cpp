// One line of the gateway's file log (exporter/src/gateway_log.cpp): the log follower hands every line it reads,
// including partial and corrupt ones, to parse_gateway_log_line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway_log.hpp"

using namespace openclaw::exporter;

namespace {

// The event's string views point into the line: reading them under ASan proves they do.
void touch(const GatewayLogEvent& event) {
  if (event_kind_name(event.kind).empty()) std::abort();
  volatile std::size_t sum = 0;
  for (const char c : event.level) sum = sum + static_cast<unsigned char>(c);
  for (const char c : event.reason) sum = sum + static_cast<unsigned char>(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto parsed = parse_gateway_log_line(text); parsed && *parsed) touch(**parsed);
  if (const auto event = classify_gateway_message(text)) touch(*event);
  return 0;
}
