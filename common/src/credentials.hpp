#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace openclaw {

// Compares two secrets in time that depends only on their lengths, never on where they differ.
bool constant_time_equals(std::string_view a, std::string_view b);

// Reads a secret from a file, dropping one trailing newline (as Alertmanager's *_file settings do).
// Throws std::runtime_error naming the file when it cannot be read or is empty.
std::string read_secret_file(const std::string& path);

// "Bearer <token>" -> token (scheme case-insensitive).
std::optional<std::string> parse_bearer_authorization(std::string_view header);
// "Basic base64(user:password)" -> {user, password}.
std::optional<std::pair<std::string, std::string>> parse_basic_authorization(std::string_view header);

// True when `password` matches a bcrypt hash ("$2a$", "$2b$", "$2y$"), as the exporter-toolkit web config stores.
bool bcrypt_matches(std::string_view password, const std::string& hash);

}  // namespace openclaw
