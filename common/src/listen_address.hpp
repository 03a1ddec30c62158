#pragma once

#include <string>
#include <string_view>

namespace openclaw {

// ":9789" -> "0.0.0.0:9789"; "9789" -> "0.0.0.0:9789"; "localhost:9789" -> "127.0.0.1:9789"; "host:port" unchanged.
// Throws std::invalid_argument.
std::string normalize_listen_address(std::string_view address);
// True when every interface the address names is loopback (127.0.0.0/8, "localhost"). A comma list is what civetweb
// listens on: every entry must be loopback. Throws std::invalid_argument for a malformed entry.
bool is_loopback_listen_address(std::string_view address);

}  // namespace openclaw
