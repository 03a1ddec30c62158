#pragma once

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>

namespace openclaw::exporter {

// An easy handle set up the way every probe wants it: no signals, no proxies (a probe must reach the gateway
// itself, and the gateway refuses X-Forwarded-For), no redirects, a total timeout, and a descriptive User-Agent.
struct CurlHandleDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlHandleDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

CurlHandle make_probe_handle(const std::string& url, std::chrono::milliseconds timeout);

// The total transfer time curl measured, in seconds.
double transfer_seconds(CURL* handle);

}  // namespace openclaw::exporter
