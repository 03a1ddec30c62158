#include "listen_address.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace openclaw {

std::string normalize_listen_address(std::string_view address) {
  std::string_view host;
  std::string_view port = address;
  if (const auto colon = address.rfind(':'); colon != std::string_view::npos) {
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  int value = -1;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value < 0 || value > 65535) {
    throw std::invalid_argument(fmt::format("listen address \"{}\": expected host:port with a port 0-65535", address));
  }
  if (host.starts_with('[')) {
    throw std::invalid_argument(fmt::format("listen address \"{}\": IPv6 is not supported by this civetweb build",
                                            address));
  }
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  return fmt::format("{}:{}", host, value);
}

bool is_loopback_listen_address(std::string_view address) {
  std::size_t start = 0;
  while (start <= address.size()) {
    const std::size_t comma = std::min(address.find(',', start), address.size());
    if (!normalize_listen_address(address.substr(start, comma - start)).starts_with("127.")) return false;
    start = comma + 1;
  }
  return true;
}

}  // namespace openclaw
