#include "discovery_source.hpp"

#include <algorithm>
#include <filesystem>

namespace openclaw::exporter {

Result<std::optional<int>> DiscoverySource::locate(const GatewayContext& context) {
  const GatewayTarget& target = context.target;
  using Found = Result<std::optional<int>>;
  if (!target.pid_file.empty()) {
    // A missing pid file means a stopped gateway; anything else (EACCES, garbage) is worth a failure.
    std::error_code ec;
    if (!std::filesystem::exists(target.pid_file, ec) && !ec) return std::optional<int>();
    auto pid = sampler_->read_pid_file(target.pid_file);
    if (pid) return std::optional<int>(*pid);
    // A pid file left behind by a dead process is a stopped gateway too.
    if (pid.error().find("not running") != std::string::npos) return std::optional<int>();
    return Found::failure(pid.error());
  }
  if (!target.cmdline_regex.empty()) {
    auto [it, inserted] = regexes_.try_emplace(target.name);
    if (inserted) it->second = std::regex(target.cmdline_regex);
    const std::vector<int> pids = sampler_->find_by_cmdline(it->second);
    if (pids.empty()) return std::optional<int>();
    // Several matches: the lowest PID is the longest-lived, i.e. the parent of any matching workers.
    return std::optional<int>(*std::min_element(pids.begin(), pids.end()));
  }
  if (context.unit && context.unit->main_pid > 0) return std::optional<int>(context.unit->main_pid);
  return std::optional<int>();
}

Status DiscoverySource::collect(GatewayContext& context, MetricSet& out) {
  auto found = locate(context);
  const auto labels = context.labels();
  History& history = history_[context.target.name];
  const int pid = found && found->has_value() ? **found : 0;
  if (pid > 0) {
    if (history.last_pid != 0 && history.last_pid != pid) ++history.restarts;
    history.last_pid = pid;
    context.pid = pid;
    out.add("openclaw_gateway_pid", labels, pid);
  }
  out.add("openclaw_gateway_up", labels, pid > 0 ? 1 : 0);
  // Emitted from the first scrape on, so that rate() sees the first restart as an increase from 0.
  out.add("openclaw_gateway_process_restarts_total", labels, static_cast<double>(history.restarts));
  if (!found) return Status::failure(found.error());
  return Ok{};
}

}  // namespace openclaw::exporter
