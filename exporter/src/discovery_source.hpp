#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <string>

#include "process_finder.hpp"
#include "source.hpp"

namespace openclaw::exporter {

// Finds the gateway's current main process (pid file, cmdline regex, or the unit's MainPID) and reports
// openclaw_gateway_up — only when it knows: 1 when the process runs, 0 when the authority says it does not (no pid
// file or a dead PID in it, no matching process, a unit with no main process). When the authority cannot be asked
// (systemd source failed, unit not found, pid file unreadable) `up` is absent and the source fails: a blind
// exporter must never look like a down gateway. Counts changes of the main process's identity (PID, start time).
class DiscoverySource final : public Source {
 public:
  explicit DiscoverySource(std::shared_ptr<const ProcessFinder> finder) : finder_(std::move(finder)) {}
  std::string_view name() const override { return "discovery"; }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  Status collect(GatewayContext& context, MetricSet& out) override;
  bool keeps_output_on_failure() const override { return true; }  // the restart counter stays

 private:
  Result<std::optional<ProcessIdentity>> locate(const GatewayContext& context);

  struct History {
    std::optional<ProcessIdentity> last;
    std::uint64_t restarts = 0;
  };
  std::shared_ptr<const ProcessFinder> finder_;
  std::mutex mutex_;  // guards the maps' structure: each gateway's chain runs this source for its own gateway
  std::map<std::string, History> history_;
  std::map<std::string, std::regex> regexes_;
};

// Pure: what the unit's state says about its main process. nullopt = "not running"; a failure = the state does not
// say (an active unit without a main process).
Result<std::optional<int>> main_pid_of(const UnitState& unit);

}  // namespace openclaw::exporter
