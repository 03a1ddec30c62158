#include "discovery_source.hpp"

namespace openclaw::exporter {

Result<std::optional<int>> main_pid_of(const UnitState& unit) {
  if (unit.main_pid > 0) return std::optional<int>(unit.main_pid);
  // Active or reloading without a main process is not a state a gateway service has (Type=oneshot would be):
  // say so rather than call it down.
  if (unit.active_state == "active" || unit.active_state == "reloading") {
    return Result<std::optional<int>>::failure("unit is " + unit.active_state + " but has no main process");
  }
  return std::optional<int>();  // inactive, failed, activating (auto-restart), deactivating after the process ended
}

Result<std::optional<ProcessIdentity>> DiscoverySource::locate(const GatewayContext& context) {
  using Found = Result<std::optional<ProcessIdentity>>;
  const GatewayTarget& target = context.target;
  if (!target.pid_file.empty()) return finder_->from_pid_file(target.pid_file);
  if (!target.cmdline_regex.empty()) {
    const std::regex* regex = nullptr;
    {
      std::lock_guard lock(mutex_);
      auto [it, inserted] = regexes_.try_emplace(target.name);
      if (inserted) it->second = compile_cmdline_regex(target.cmdline_regex);
      regex = &it->second;  // map nodes stay put; a const regex may be searched by several threads
    }
    return finder_->from_cmdline(*regex);
  }
  if (!context.unit) return Found::failure("cannot tell whether the gateway runs: no state of unit " + target.unit);
  const auto pid = main_pid_of(*context.unit);
  if (!pid) return Found::failure(pid.error());
  if (!pid->has_value()) return std::optional<ProcessIdentity>();
  return finder_->alive(**pid);
}

Status DiscoverySource::collect(GatewayContext& context, MetricSet& out) {
  auto found = locate(context);
  const auto labels = context.labels();
  History* entry = nullptr;
  {
    std::lock_guard lock(mutex_);
    entry = &history_[context.target.name];  // only this gateway's chain touches its entry
  }
  History& history = *entry;
  if (found && found->has_value()) {
    const ProcessIdentity& process = **found;
    if (history.last && *history.last != process) ++history.restarts;
    history.last = process;
    context.pid = process.pid;
    context.pid_start_ticks = process.start_ticks;
    out.add("openclaw_gateway_pid", labels, process.pid);
  }
  if (found) out.add("openclaw_gateway_up", labels, found->has_value() ? 1 : 0);
  // Emitted from the first scrape on, so that rate() sees the first restart as an increase from 0.
  out.add("openclaw_gateway_process_restarts_total", labels, static_cast<double>(history.restarts));
  if (!found) return Status::failure(found.error());
  return Ok{};
}

}  // namespace openclaw::exporter
