#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace openclaw::testing {

struct HttpResponse {
  long status = 0;  // 0 when no response arrived (see error)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; of the final response only
  double seconds = 0;                          // total time of the request
  std::string error;                           // libcurl's message when status is 0 ("" otherwise)
};

// One HTTP request through libcurl: no proxy (environment proxies are ignored), no redirects followed,
// `headers` as "Name: value". "HEAD" sends a real HEAD. A body is sent as-is (set Content-Type yourself).
HttpResponse http_request(std::string method, std::string url, std::string body = {},
                          std::vector<std::string> headers = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline HttpResponse http_get(std::string url, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return http_request("GET", std::move(url), {}, {}, timeout);
}

// POST with Content-Type: application/json.
inline HttpResponse http_post_json(std::string url, std::string json,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return http_request("POST", std::move(url), std::move(json), {"Content-Type: application/json"}, timeout);
}

}  // namespace openclaw::testing
