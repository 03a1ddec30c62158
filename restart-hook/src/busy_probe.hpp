#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config.hpp"
#include "policy.hpp"
#include "process_runner.hpp"

namespace openclaw::hook {

// "Is the gateway doing important work right now?" before a scheduled restart.
class BusyProbe {
 public:
  virtual ~BusyProbe() = default;
  // kFailed when a configured check could not tell: the policy counts that as busy, bounded by max_defer.
  virtual Busy busy(const GatewayConfig& gateway, const BusyConfig& config) = 0;
};

// Every configured check, for this gateway only: established TCP connections to the health_url's port (from
// /proc/net/tcp and tcp6), a PromQL query against Prometheus that is "busy" while it returns any series, and a
// command whose JSON output holds a count (the gateway's own `gateway.restart.preflight`). Busy when any says
// busy; failed when none does and one could not tell.
class SystemBusyProbe final : public BusyProbe {
 public:
  explicit SystemBusyProbe(ProcessRunner& runner, std::string proc_root = "/proc")
      : runner_(runner), proc_root_(std::move(proc_root)) {}
  Busy busy(const GatewayConfig& gateway, const BusyConfig& config) override;

 private:
  std::optional<bool> connections(const GatewayConfig& gateway, const BusyConfig& config) const;
  std::optional<bool> command(const GatewayConfig& gateway, const BusyConfig& config) const;
  ProcessRunner& runner_;
  std::string proc_root_;
};

// The number at `dotted_path` ("counts.totalActive") of a JSON document; nullopt when the text is not JSON or
// the path does not lead to a number. Pure.
std::optional<double> json_number_at(std::string_view json, const std::string& dotted_path);

// Counts ESTABLISHED sockets with local port `port` in /proc/net/tcp-format text. Pure (tested on fixtures).
int count_established(std::string_view proc_net_tcp, int port);
// The port of an http(s) URL (default 80/443); nullopt when unparseable.
std::optional<int> url_port(std::string_view url);
// Number of series in a Prometheus /api/v1/query JSON answer; nullopt unless status is success.
std::optional<std::size_t> promql_result_count(std::string_view json);

}  // namespace openclaw::hook
