#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct mg_connection;

namespace openclaw {

// RFC 9110's IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of `t`, for the Date header; thread-safe.
std::string http_date(std::time_t t);

// Writes a complete response with Date, Content-Length and Cache-Control: no-store; Connection: close semantics left
// to civetweb unless a header says otherwise.
void send_response(mg_connection* conn, int status, std::string_view content_type, std::string_view body,
                   const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace openclaw
