#include "http_request.hpp"

#include <civetweb.h>

#include <algorithm>
#include <cctype>

namespace openclaw {

std::string_view request_header(mg_connection* conn, const char* name) {
  const char* value = mg_get_header(conn, name);
  return value == nullptr ? std::string_view{} : std::string_view{value};
}

bool is_json_content_type(std::string_view content_type) {
  const std::string_view media_type = content_type.substr(0, content_type.find(';'));
  std::string_view trimmed = media_type;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) trimmed.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  return trimmed.size() == kJson.size() &&
         std::equal(trimmed.begin(), trimmed.end(), kJson.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

BodyResult read_request_body(mg_connection* conn, std::size_t limit) {
  const mg_request_info* info = mg_get_request_info(conn);
  if (info->content_length > 0 && static_cast<unsigned long long>(info->content_length) > limit) {
    return {std::nullopt, BodyError::kTooLarge};
  }
  std::string body;
  char buffer[16384];
  for (;;) {
    const int n = mg_read(conn, buffer, sizeof buffer);
    if (n < 0) return {std::nullopt, BodyError::kReadFailed};
    if (n == 0) break;
    if (body.size() + static_cast<std::size_t>(n) > limit) return {std::nullopt, BodyError::kTooLarge};
    body.append(buffer, static_cast<std::size_t>(n));
  }
  return {std::move(body), BodyError::kReadFailed};
}

}  // namespace openclaw
