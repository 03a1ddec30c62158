#include "systemd_source.hpp"

#include <algorithm>
#include <array>

#include "bounded_label.hpp"

namespace openclaw::exporter {
namespace {

constexpr std::array<std::string_view, 6> kActiveStates = {"active",   "reloading", "inactive",
                                                           "failed",   "activating", "deactivating"};
// systemd's service Result values (systemd.exec(5) $SERVICE_RESULT); anything newer is reported as "other".
constexpr std::array<std::string_view, 11> kResults = {"success",  "protocol",        "timeout",   "exit-code",
                                                       "signal",   "core-dump",       "watchdog",  "start-limit-hit",
                                                       "resources", "oom-kill",       "other"};
// A service's sub-states (systemd 252 src/basic/unit-def.c); anything else is "other".
constexpr std::array<std::string_view, 20> kSubStates = {
    "dead",          "condition",     "start-pre",     "start",        "start-post",   "running",   "exited",
    "reload",        "stop",          "stop-watchdog", "stop-sigterm", "stop-sigkill", "stop-post", "final-watchdog",
    "final-sigterm", "final-sigkill", "failed",        "auto-restart", "cleaning",     "other"};

}  // namespace

Status SystemdSource::collect(GatewayContext& context, MetricSet& out) {
  auto state = manager_->unit(context.target.unit);
  if (!state) return Status::failure(state.error());
  const UnitState& unit = *state;
  auto labels = context.labels();
  labels["unit"] = context.target.unit;
  out.add("openclaw_gateway_unit_active", labels, unit.active_state == "active" ? 1 : 0);
  for (std::string_view s : kActiveStates) {
    auto state_labels = labels;
    state_labels["state"] = std::string(s);
    out.add("openclaw_gateway_unit_state", state_labels, unit.active_state == s ? 1 : 0);
  }
  const std::string_view result = bounded_label(unit.result, kResults);
  for (std::string_view r : kResults) {
    auto result_labels = labels;
    result_labels["result"] = std::string(r);
    out.add("openclaw_gateway_unit_result", result_labels, result == r ? 1 : 0);
  }
  auto sub_labels = labels;
  sub_labels["sub_state"] = std::string(bounded_label(unit.sub_state, kSubStates));
  out.add("openclaw_gateway_unit_sub_state", sub_labels, 1);
  out.add("openclaw_gateway_unit_exec_main_code", labels, unit.exec_main_code);
  out.add("openclaw_gateway_unit_exec_main_status", labels, unit.exec_main_status);
  // A stop job that ran to completion leaves the unit inactive with result success; a crash leaves it failed or
  // restarting, an exit 0 under Restart=always activating (auto-restart).
  const bool deliberate = unit.active_state == "inactive" && unit.result == "success";
  out.add("openclaw_gateway_unit_stopped_deliberately", labels, deliberate ? 1 : 0);
  out.add("openclaw_gateway_unit_restarts_total", labels, unit.n_restarts);
  if (exits_) {
    exits_->note(context.target.unit, unit);  // the exit this scrape sees, if the watcher missed it
    for (const auto& [key, count] : exits_->exits(context.target.unit)) {
      auto exit_labels = labels;
      exit_labels["result"] = std::string(bounded_label(std::get<0>(key), kResults));
      exit_labels["code"] = std::get<1>(key);
      exit_labels["status"] = std::get<2>(key);
      out.add("openclaw_gateway_unit_exits_total", exit_labels, static_cast<double>(count));
    }
  }
  context.unit = std::move(state).value();
  return Ok{};
}

}  // namespace openclaw::exporter
