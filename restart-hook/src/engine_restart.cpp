// The engine's worker side: running an action, verifying it, the one retry, and recording all of it.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "engine.hpp"
#include "restart_deadline.hpp"
#include "restart_run.hpp"

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

// A restart and its one retry. A hook told to stop mid-restart records neither a failure nor "gave up": the
// restart stays in progress on disk and the next hook verifies the gateway (Engine::adopt_loaded_state).
void Engine::execute(const std::string& name, const RestartJob& job, std::stop_token stop) {
  const GatewayConfig& gw = gateway(name);
  const RuleConfig& rule = config_.rules.at(job.rule);
  Outcome outcome = job.resume ? resume(gw, stop) : attempt(gw, rule, 1, stop);
  if (outcome == Outcome::kFailed && back_off_unless_stopped(config_.policy.retry_backoff, stop) &&
      begin_retry(name, job.rule)) {
    outcome = attempt(gw, rule, 2, stop);
  }
  if (outcome == Outcome::kInterrupted || stop.stop_requested()) {
    audit({{"event", "interrupted"}, {"gateway", name}, {"rule", rule.name},
           {"detail", "the hook is stopping during a restart; the next start verifies the gateway"}},
          true);
    spdlog::warn("gateway {}: stopping during a restart; left in progress for the next start", name);
    return;
  }
  if (outcome == Outcome::kFailed) {
    audit({{"event", "gave_up"}, {"gateway", name}, {"rule", rule.name},
           {"detail", "the gateway did not become healthy after the restart and its retry; a human is needed"}},
          true);
    spdlog::warn("gateway {}: restart failed, gave up", name);
  }
  finish(name, outcome == Outcome::kSuccess);
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

// An interrupted attempt (the hook is stopping) is not a failure: the manager finishes the restart by itself, and
// nothing must retry it or give up on it; the next hook verifies the gateway.
Engine::Outcome Engine::attempt(const GatewayConfig& gw, const RuleConfig& rule, int number, std::stop_token stop) {
  const auto started = SteadyClock::now();
  spdlog::info("gateway {}: restarting ({} via {}, attempt {})", gw.name, rule.name, to_string(rule.action), number);
  json record = {{"event", "restart"},        {"gateway", gw.name},
                 {"rule", rule.name},         {"action", to_string(rule.action)},
                 {"urgency", to_string(rule.urgency)}, {"attempt", number}};
  bool success = false;
  bool interrupted = false;
  std::string detail;
  if (rule.action == ActionKind::kCommand) {
    const ActionResult action = actions_.run(rule, gw, stop);
    VerifyResult verified;
    if (action.ok) verified = verifier_.verify(gw, rule.action, std::nullopt, config_.policy.verify_timeout, stop);
    success = action.ok && verified.healthy;
    interrupted = action.process.interrupted || (!success && stop.stop_requested());
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
    if (success && out.phases.downtime) {
      metrics_.last_downtime(gw.name, static_cast<double>(out.phases.downtime->count()) / 1000.0);
    }
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
    note_outcome(gw.name, success);
  }
  audit(std::move(record), true);
  if (interrupted) {
    spdlog::warn("gateway {}: attempt {} interrupted: {}", gw.name, number, detail);
    return Outcome::kInterrupted;
  }
  if (!success) spdlog::warn("gateway {}: attempt {} failed: {}", gw.name, number, detail);
  return success ? Outcome::kSuccess : Outcome::kFailed;
}

// The previous hook stopped during this gateway's restart. The user manager may still be running the job (a drain
// takes minutes): wait for the unit to have no job, within the deadline its timeouts allow, then the question is
// the same as after an action: does the gateway become healthy within verify_timeout? Recorded like an attempt.
Engine::Outcome Engine::resume(const GatewayConfig& gw, std::stop_token stop) {
  spdlog::info("gateway {}: verifying the restart the previous hook process did not finish", gw.name);
  const auto started = SteadyClock::now();
  const auto first = deps_.units.status(gw.unit);
  const auto job_deadline =
      started + (first ? derive_restart_deadline(*first, ActionKind::kSystemctl, 0) : std::chrono::minutes(6));
  std::string job = first && first->job_id != 0 ? first->job_type : "";
  for (auto unit = first; unit && unit->job_id != 0 && SteadyClock::now() < job_deadline;
       unit = deps_.units.status(gw.unit)) {
    if (!back_off_unless_stopped(options_.verify_poll_interval, stop)) return Outcome::kInterrupted;
  }
  const VerifyResult verified =
      verifier_.verify(gw, ActionKind::kCommand, std::nullopt, config_.policy.verify_timeout, stop);
  if (!verified.healthy && stop.stop_requested()) return Outcome::kInterrupted;
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  note_outcome(gw.name, verified.healthy);
  audit({{"event", "restart"},
         {"gateway", gw.name},
         {"attempt", "resumed"},
         {"result", verified.healthy ? "success" : "failed"},
         {"detail", "verified after the hook restarted during the restart"},
         {"job_waited_for", job.empty() ? json(nullptr) : json(job)},
         {"duration_seconds", seconds},
         {"healthy", verified.healthy}},
        true);
  return verified.healthy ? Outcome::kSuccess : Outcome::kFailed;
}

// The retry is a restart too: the policy decides it (circuit, cooldown do not apply to the worker's own retry,
// but the circuit, an operator's stop and exit 78 do), and it counts towards the circuit.
bool Engine::begin_retry(const std::string& name, std::size_t rule) {
  const GatewayObservation seen = observe(gateway(name), ObservationWanted{.unit = true});
  std::lock_guard lock(mutex_);
  const TimePoint now = policy_now();
  Observations observed;
  observed.gateways[name] = seen;
  const Decision decision = decide_retry(name, rule, state_.gateways[name], config_, now, observed);
  PolicyState next = state_;
  apply_decision(decision, "", next, config_, now);
  if (auto saved = record({{decision, nullptr}}, std::move(next), true); !saved) {
    spdlog::error("gateway {}: cannot persist the retry, not retrying: {}", name, saved.error());
    return false;
  }
  publish_gauges();
  return decision.action == Action::kRestart;
}

void Engine::finish(const std::string& name, bool success) {
  std::lock_guard lock(mutex_);
  PolicyState next = state_;
  next.gateways[name].in_progress = false;
  next.gateways[name].in_progress_rule.clear();
  if (auto saved = store_.save(next); !saved) spdlog::error("gateway {}: {}", name, saved.error());
  state_ = std::move(next);
  spdlog::info("gateway {}: restart finished: {}", name, success ? "success" : "failed");
}

}  // namespace openclaw::hook
