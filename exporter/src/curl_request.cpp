#include "curl_request.hpp"

#include "build_info.hpp"

namespace openclaw::exporter {

CurlHandle make_probe_handle(const std::string& url, std::chrono::milliseconds timeout) {
  CurlHandle handle(curl_easy_init());
  if (!handle) return handle;
  static const std::string user_agent = std::string("openclaw-gateway-exporter/") + kVersion;
  CURL* h = handle.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  return handle;
}

double transfer_seconds(CURL* handle) {
  curl_off_t micros = 0;
  curl_easy_getinfo(handle, CURLINFO_TOTAL_TIME_T, &micros);
  return static_cast<double>(micros) / 1e6;
}

}  // namespace openclaw::exporter
