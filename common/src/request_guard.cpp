#include "request_guard.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "listen_address.hpp"

namespace openclaw {
namespace {

std::string guard_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view guard_trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

struct HostPort {
  std::string host;  // lower case, no trailing dot; IPv6 without brackets
  int port = 0;      // 0: none given
};

// "name", "name:port", "1.2.3.4:port", "[v6]:port". nullopt when malformed.
std::optional<HostPort> split_host_port(std::string_view text) {
  text = guard_trim(text);
  HostPort out;
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return std::nullopt;
  }
  if (!port.empty()) {
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc{} || ptr != port.data() + port.size() || out.port < 1 || out.port > 65535) return std::nullopt;
  }
  if (host.ends_with('.')) host.remove_suffix(1);
  if (host.empty()) return std::nullopt;
  for (const char c : host) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '.' && c != '_' && c != ':') {
      return std::nullopt;
    }
  }
  out.host = guard_lower(host);
  return out;
}

bool is_ipv4_loopback(const std::string& host) {
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24U) == 127U;
}

// True when `host` is an IP literal assigned to one of this machine's interfaces (asked at the time: addresses come
// and go with DHCP).
bool is_local_interface_address(const std::string& host) {
  std::array<unsigned char, sizeof(in6_addr)> wanted{};
  int family = AF_INET;
  if (inet_pton(AF_INET, host.c_str(), wanted.data()) != 1) {
    if (inet_pton(AF_INET6, host.c_str(), wanted.data()) != 1) return false;
    family = AF_INET6;
  }
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (const ifaddrs* entry = list; entry != nullptr && !found; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != family) continue;
    if (family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
      found = std::memcmp(&a->sin_addr, wanted.data(), sizeof a->sin_addr) == 0;
    } else {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(entry->ifa_addr);
      found = std::memcmp(&a->sin6_addr, wanted.data(), sizeof a->sin6_addr) == 0;
    }
  }
  freeifaddrs(list);
  return found;
}

bool is_ip_literal(const std::string& host) {
  std::array<unsigned char, sizeof(in6_addr)> ignored{};
  return inet_pton(AF_INET, host.c_str(), ignored.data()) == 1 || inet_pton(AF_INET6, host.c_str(), ignored.data()) == 1;
}

}  // namespace

RequestGuard::RequestGuard(std::string_view listen_address, const std::vector<std::string>& extra_hosts,
                           std::string setting)
    : setting_(std::move(setting)) {
  default_names_ = {"localhost"};
  std::array<char, 256> hostname{};
  if (gethostname(hostname.data(), hostname.size() - 1) == 0 && hostname[0] != '\0') {
    std::string name = guard_lower(hostname.data());
    if (name != "localhost") default_names_.push_back(std::move(name));
  }
  std::size_t start = 0;
  while (start <= listen_address.size()) {
    const std::size_t comma = std::min(listen_address.find(',', start), listen_address.size());
    const std::string normalized = normalize_listen_address(listen_address.substr(start, comma - start));
    const std::string ip = normalized.substr(0, normalized.rfind(':'));
    if (ip == "0.0.0.0") {
      all_interfaces_ = true;
    } else {
      listen_ips_.push_back(ip);
    }
    start = comma + 1;
  }
  for (const std::string& entry : extra_hosts) {
    const auto parsed = split_host_port(entry);
    if (!parsed) {
      throw std::invalid_argument(fmt::format("allowed host \"{}\": expected a name or name:port", entry));
    }
    extra_hosts_.push_back({parsed->host, parsed->port});
  }
}

bool RequestGuard::ip_literal_allowed(const std::string& host) const {
  if (is_ipv4_loopback(host) || host == "::1") return true;
  if (std::find(listen_ips_.begin(), listen_ips_.end(), host) != listen_ips_.end()) return true;
  return all_interfaces_ && is_local_interface_address(host);
}

bool RequestGuard::host_allowed(std::string_view host_header, int server_port, bool tls) const {
  const auto parsed = split_host_port(host_header);
  if (!parsed) return false;
  for (const ExtraHost& extra : extra_hosts_) {
    if (extra.name == parsed->host && (extra.port == 0 || extra.port == (parsed->port != 0 ? parsed->port
                                                                                           : (tls ? 443 : 80)))) {
      return true;
    }
  }
  const int port = parsed->port != 0 ? parsed->port : (tls ? 443 : 80);
  if (port != server_port) return false;
  if (is_ip_literal(parsed->host)) return ip_literal_allowed(parsed->host);
  return std::find(default_names_.begin(), default_names_.end(), parsed->host) != default_names_.end();
}

std::optional<std::string> RequestGuard::refusal(std::string_view host, std::string_view sec_fetch_site,
                                                 int server_port, bool tls) const {
  if (guard_lower(guard_trim(sec_fetch_site)) == "cross-site") {
    return std::string(
        "403 forbidden: a request a web page on another site made (Sec-Fetch-Site: cross-site); this server answers "
        "Prometheus, Alertmanager and its own pages only: open its address directly\n");
  }
  if (!host.empty() && !host_allowed(host, server_port, tls)) {
    std::string shown(host.substr(0, 100));
    for (char& c : shown) {
      if (std::isprint(static_cast<unsigned char>(c)) == 0 || c == '"') c = '?';
    }
    return fmt::format(
        "403 forbidden: Host \"{}\" is neither this server's address (its listen address, an address of this machine, "
        "localhost or the machine's hostname, with port {}) nor a name configured in {} (a guard against DNS "
        "rebinding)\n",
        shown, server_port, setting_);
  }
  return std::nullopt;
}

}  // namespace openclaw
