#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openclaw {

// What a web browser must not be able to do to a server meant for Prometheus, Alertmanager and an operator's curl:
// - a page on another site making requests (Sec-Fetch-Site: cross-site, sent by every current browser);
// - DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 becomes "same-origin" with this
//   server, but its requests still say `Host: evil.example:PORT`. Only a Host that is this server's own address
//   (listen IP, loopback, an address of this machine when listening on all interfaces, `localhost`, the machine's
//   hostname — each with the port the connection arrived on) or a configured name passes. A request without Host
//   passes: browsers always send one.
// An IP literal can never be a rebinding vector (the attacker's page would have to be served from that address).
class RequestGuard {
 public:
  // `listen_address` as the server was given it (comma list allowed). `extra_hosts`: configured names, "name" (any
  // port: a reverse proxy's public name) or "name:port". `setting` names where extra names are configured (for the
  // refusal message). Throws std::invalid_argument for a malformed extra host.
  RequestGuard(std::string_view listen_address, const std::vector<std::string>& extra_hosts, std::string setting);

  // The reason (a sentence for a 403 body) when a request with these header values (empty when absent), arriving on
  // `server_port` over TLS or not, must be refused; nullopt when it may proceed.
  std::optional<std::string> refusal(std::string_view host, std::string_view sec_fetch_site, int server_port,
                                     bool tls) const;

  // The names allowed on the server's own port besides IP literals (for the start-up log).
  const std::vector<std::string>& default_names() const { return default_names_; }

 private:
  struct ExtraHost {
    std::string name;
    int port = 0;  // 0: any
  };
  bool host_allowed(std::string_view host_header, int server_port, bool tls) const;
  bool ip_literal_allowed(const std::string& host) const;

  std::vector<std::string> default_names_;
  std::vector<std::string> listen_ips_;
  bool all_interfaces_ = false;
  std::vector<ExtraHost> extra_hosts_;
  std::string setting_;
};

}  // namespace openclaw
