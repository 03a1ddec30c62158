#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

struct mg_connection;

namespace openclaw {

// The value of a request header, or empty.
std::string_view request_header(mg_connection* conn, const char* name);

// True when a Content-Type header value is application/json (parameters such as charset allowed, case-insensitive).
bool is_json_content_type(std::string_view content_type);

enum class BodyError { kTooLarge, kReadFailed };
struct BodyResult {
  std::optional<std::string> body;
  BodyError error = BodyError::kReadFailed;
};
// Reads the request body, refusing more than `limit` bytes (checked against Content-Length first, then while
// reading chunked bodies).
BodyResult read_request_body(mg_connection* conn, std::size_t limit);

}  // namespace openclaw
