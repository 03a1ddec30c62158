// The engine's worker side: running an action, verifying it, the one retry, and recording all of it.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "engine.hpp"

namespace openclaw::hook {
namespace {

using SteadyClock = std::chrono::steady_clock;
using nlohmann::json;

json optional_pid(std::optional<int> pid) { return pid ? json(*pid) : json(nullptr); }

bool back_off_unless_stopped(std::chrono::milliseconds d, const std::stop_token& stop) {
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
  if (!success && back_off_unless_stopped(config_.policy.retry_backoff, stop)) {
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

bool Engine::attempt(const GatewayConfig& gw, const RuleConfig& rule, int number, std::stop_token stop) {
  const auto started = SteadyClock::now();
  const std::optional<int> pid_before =
      rule.action == ActionKind::kCommand ? std::nullopt : actions_.main_pid(gw.unit);
  spdlog::info("gateway {}: restarting ({} via {}, attempt {})", gw.name, rule.name, to_string(rule.action), number);
  const ActionResult action = actions_.run(rule, gw);
  VerifyResult verified;
  verified.main_pid_before = pid_before;
  if (action.ok) verified = verifier_.verify(gw, rule.action, pid_before, config_.policy.verify_timeout, stop);
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  const bool success = action.ok && verified.healthy;
  metrics_.restart(gw.name, to_string(rule.urgency), success, seconds);
  metrics_.last_restart(gw.name, static_cast<double>(to_unix_ms(deps_.clock.now())) / 1000.0);
  audit({{"event", "restart"},
         {"gateway", gw.name},
         {"rule", rule.name},
         {"action", to_string(rule.action)},
         {"urgency", to_string(rule.urgency)},
         {"attempt", number},
         {"result", success ? "success" : "failed"},
         {"detail", action.detail},
         {"exit_code", action.process.exit_code},
         {"output", action.process.output},
         {"duration_seconds", seconds},
         {"healthy", verified.healthy},
         {"time_to_healthy_seconds", verified.healthy ? json(static_cast<double>(verified.time_to_healthy.count()) /
                                                             1000.0)
                                                      : json(nullptr)},
         {"main_pid_before", optional_pid(verified.main_pid_before)},
         {"main_pid_after", optional_pid(verified.main_pid_after)},
         {"main_pid_changed", verified.main_pid_changed()}},
        true);
  if (!success) {
    spdlog::warn("gateway {}: attempt {} failed: {}{}", gw.name, number, action.detail,
                 action.ok ? " (not healthy within verify_timeout)" : "");
  }
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
