#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct mg_connection;

namespace openclaw {

// Writes a complete response with Content-Length and Cache-Control: no-store; Connection: close semantics left to
// civetweb unless a header says otherwise.
void send_response(mg_connection* conn, int status, std::string_view content_type, std::string_view body,
                   const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace openclaw
