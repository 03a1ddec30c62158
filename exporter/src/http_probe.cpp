#include "curl_request.hpp"
#include "probe.hpp"

namespace openclaw::exporter {
namespace {

constexpr std::size_t kMaxBody = 1 << 20;  // /readyz answers a few hundred bytes; refuse to buffer a flood

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  if (body->size() + n > kMaxBody) return 0;
  body->append(data, n);
  return n;
}

}  // namespace

ProbeResult probe_http(const std::string& url, std::chrono::milliseconds timeout) {
  ProbeResult result;
  CurlHandle handle = make_probe_handle(url, timeout);
  if (!handle) {
    result.error = "curl_easy_init failed";
    result.completed_at = std::chrono::system_clock::now();
    return result;
  }
  std::string body;
  curl_easy_setopt(handle.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(handle.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(handle.get(), CURLOPT_HTTPGET, 1L);
  CurlList headers(curl_slist_append(nullptr, "Accept: application/json"));
  curl_easy_setopt(handle.get(), CURLOPT_HTTPHEADER, headers.get());

  const CURLcode code = curl_easy_perform(handle.get());
  result.completed_at = std::chrono::system_clock::now();
  curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &result.http_status);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    result.duration_seconds = std::chrono::duration<double>(timeout).count();
    result.error = "timeout";
    return result;
  }
  result.duration_seconds = transfer_seconds(handle.get());
  if (code != CURLE_OK) {
    result.error = curl_easy_strerror(code);
    return result;
  }
  if (auto parsed = parse_readyz(body); parsed.ok()) result.readyz = std::move(parsed).value();
  result.success = result.http_status >= 200 && result.http_status < 300;
  if (!result.success) result.error = "status " + std::to_string(result.http_status);
  return result;
}

}  // namespace openclaw::exporter
