#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config.hpp"

namespace openclaw::hook {

// "Is the gateway doing important work right now?" before a scheduled restart.
class BusyProbe {
 public:
  virtual ~BusyProbe() = default;
  // nullopt when it could not tell (the restart then proceeds: a broken probe must not block restarts forever).
  virtual std::optional<bool> busy(const GatewayConfig& gateway, const BusyConfig& config) = 0;
};

// Established TCP connections to the health_url's port (from /proc/net/tcp and tcp6), and/or a PromQL query
// against Prometheus that is "busy" while it returns any series.
class SystemBusyProbe final : public BusyProbe {
 public:
  explicit SystemBusyProbe(std::string proc_root = "/proc") : proc_root_(std::move(proc_root)) {}
  std::optional<bool> busy(const GatewayConfig& gateway, const BusyConfig& config) override;

 private:
  std::string proc_root_;
};

// Counts ESTABLISHED sockets with local port `port` in /proc/net/tcp-format text. Pure (tested on fixtures).
int count_established(std::string_view proc_net_tcp, int port);
// The port of an http(s) URL (default 80/443); nullopt when unparseable.
std::optional<int> url_port(std::string_view url);
// Number of series in a Prometheus /api/v1/query JSON answer; nullopt unless status is success.
std::optional<std::size_t> promql_result_count(std::string_view json);

}  // namespace openclaw::hook
