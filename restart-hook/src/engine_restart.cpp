// The engine's worker side: running an action, verifying it, the one retry, and recording all of it.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "engine.hpp"
#include "restart_run.hpp"

namespace openclaw::hook {
namespace {

using SteadyClock = std::chrono::steady_clock;
using nlohmann::json;

json optional_pid(std::optional<int> pid) { return pid ? json(*pid) : json(nullptr); }

bool sleep_unless_stopped(std::chrono::milliseconds d, const std::stop_token& stop) {
  const auto until = SteadyClock::now() + d;
  while (SteadyClock::now() < until && !stop.stop_requested()) {
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(d, std::chrono::milliseconds(50)));
  }
  return !stop.stop_requested();
}

}  // namespace

void Engine::execute(const std::string& name, const RestartJob& job, std::stop_token stop) {
  const GatewayConfig& gw = gateway(name);
  const RuleConfig& rule = config_.rules.at(job.rule);
  bool success = attempt(gw, rule, 1, stop);
  if (!success && sleep_unless_stopped(config_.policy.retry_backoff, stop)) {
    if (begin_retry(name)) {
      success = attempt(gw, rule, 2, stop);
    } else {
      audit({{"event", "retry_refused"}, {"gateway", name}, {"reason", reason::kCircuitOpen}}, true);
    }
  }
  if (!success) {
    audit({{"event", "gave_up"}, {"gateway", name}, {"rule", rule.name},
           {"detail", "the gateway did not become healthy after the restart and its retry; a human is needed"}},
          true);
    spdlog::warn("gateway {}: restart failed, gave up after the retry", name);
  }
  finish(name, success);
}

namespace {

json optional_seconds(std::optional<std::chrono::milliseconds> d) {
  return d ? json(static_cast<double>(d->count()) / 1000.0) : json(nullptr);
}

// systemctl and signal: through the user manager, following drain, new process and health (restart_run.hpp).
RestartOutcome restart_through_manager(UnitControl& units, HealthChecker& health, std::chrono::milliseconds poll,
                                       const GatewayConfig& gw, const RuleConfig& rule,
                                       std::chrono::milliseconds verify_timeout, const std::stop_token& stop) {
  RestartRequest request;
  request.unit = gw.unit;
  request.health_url = gw.health_url;
  request.action = rule.action;
  request.signal = rule.signal;
  request.timeout = rule.timeout;
  request.verify_timeout = verify_timeout;
  return RestartRun(units, health, poll).run(request, stop);
}

}  // namespace

// Returns false only for a failed attempt. An interrupted one (the hook is stopping) is not a failure: the manager
// finishes the restart by itself, and nothing must retry it or give up on it.
bool Engine::attempt(const GatewayConfig& gw, const RuleConfig& rule, int number, std::stop_token stop) {
  const auto started = SteadyClock::now();
  spdlog::info("gateway {}: restarting ({} via {}, attempt {})", gw.name, rule.name, to_string(rule.action), number);
  json record = {{"event", "restart"},        {"gateway", gw.name},
                 {"rule", rule.name},         {"action", to_string(rule.action)},
                 {"urgency", to_string(rule.urgency)}, {"attempt", number}};
  bool success = false;
  bool interrupted = false;
  std::string detail;
  if (rule.action == ActionKind::kCommand) {
    const ActionResult action = actions_.run(rule, gw);
    VerifyResult verified;
    if (action.ok) verified = verifier_.verify(gw, rule.action, std::nullopt, config_.policy.verify_timeout, stop);
    success = action.ok && verified.healthy;
    detail = action.ok && !verified.healthy ? action.detail + " (not healthy within verify_timeout)" : action.detail;
    record.update({{"exit_code", action.process.exit_code},
                   {"output", action.process.output},
                   {"healthy", verified.healthy},
                   {"time_to_healthy_seconds",
                    verified.healthy ? optional_seconds(verified.time_to_healthy) : json(nullptr)},
                   {"main_pid_before", nullptr},
                   {"main_pid_after", nullptr},
                   {"main_pid_changed", false}});
  } else {
    const RestartOutcome out = restart_through_manager(deps_.units, deps_.health, options_.verify_poll_interval, gw,
                                                       rule, config_.policy.verify_timeout, stop);
    success = out.ok;
    interrupted = out.interrupted;
    detail = out.detail;
    const bool changed = out.pid_before && out.pid_after && *out.pid_before != *out.pid_after;
    record.update({{"job_result", out.job_result.empty() ? json(nullptr) : json(out.job_result)},
                   {"healthy", out.ok},
                   {"time_to_healthy_seconds", optional_seconds(out.phases.ready)},
                   {"drain_seconds", optional_seconds(out.phases.drain)},
                   {"start_seconds", optional_seconds(out.phases.start)},
                   {"ready_seconds", optional_seconds(out.phases.ready)},
                   {"downtime_seconds", optional_seconds(out.phases.downtime)},
                   {"drain_cut_off", out.phases.drain_cut_off},
                   {"deadline_seconds", optional_seconds(out.deadline)},
                   {"deadline_from", out.deadline_derived ? "unit" : "rule"},
                   {"main_pid_before", optional_pid(out.pid_before)},
                   {"main_pid_after", optional_pid(out.pid_after)},
                   {"main_pid_changed", changed}});
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  record.update({{"result", interrupted ? "interrupted" : success ? "success" : "failed"},
                 {"interrupted", interrupted},
                 {"detail", detail},
                 {"duration_seconds", seconds}});
  if (!interrupted) {
    metrics_.restart(gw.name, to_string(rule.urgency), success, seconds);
    metrics_.last_restart(gw.name, static_cast<double>(to_unix_ms(deps_.clock.now())) / 1000.0);
  }
  audit(std::move(record), true);
  if (interrupted) {
    spdlog::warn("gateway {}: attempt {} interrupted: {}", gw.name, number, detail);
    return true;
  }
  if (!success) spdlog::warn("gateway {}: attempt {} failed: {}", gw.name, number, detail);
  return success;
}

// The retry is a restart too: it counts towards cooldown and circuit, and the circuit can refuse it.
bool Engine::begin_retry(const std::string& name) {
  std::lock_guard lock(mutex_);
  const TimePoint now = deps_.clock.now();
  PolicyState next = state_;
  GatewayState& gs = next.gateways[name];
  if (circuit_open(gs, config_.policy, now)) return false;
  if (restarts_in_window(gs, config_.policy, now) >= config_.policy.max_restarts) {
    gs.circuit_opened_at = now;
    if (store_.save(next)) state_ = std::move(next);
    update_circuit_gauges();
    return false;
  }
  gs.restarts.push_back(now);
  gs.last_restart = now;
  if (auto saved = store_.save(next); !saved) {
    spdlog::error("gateway {}: cannot persist the retry, not retrying: {}", name, saved.error());
    return false;
  }
  state_ = std::move(next);
  return true;
}

void Engine::finish(const std::string& name, bool success) {
  std::lock_guard lock(mutex_);
  PolicyState next = state_;
  next.gateways[name].in_progress = false;
  if (auto saved = store_.save(next); !saved) spdlog::error("gateway {}: {}", name, saved.error());
  state_ = std::move(next);
  spdlog::info("gateway {}: restart finished: {}", name, success ? "success" : "failed");
}

}  // namespace openclaw::hook
