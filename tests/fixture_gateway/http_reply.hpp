#pragma once

#include <string_view>

struct mg_connection;

namespace openclaw::fixture {

// A complete response with Content-Length; for HEAD requests the body is left out (the length is kept).
void reply(mg_connection* conn, int status, std::string_view content_type, std::string_view body);
void reply_json(mg_connection* conn, int status, std::string_view json);

}  // namespace openclaw::fixture
