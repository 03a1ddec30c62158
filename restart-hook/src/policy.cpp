#include "policy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace openclaw::hook {
namespace {

constexpr int kExitedCode = 1;  // CLD_EXITED: ExecMainStatus is an exit status

const RuleConfig* first_matching_rule(const Alert& alert, const Config& config, std::size_t& index) {
  for (index = 0; index < config.rules.size(); ++index) {
    if (config.rules[index].match.matches(alert.labels)) return &config.rules[index];
  }
  return nullptr;
}

bool in_cooldown(const GatewayState& state, const PolicyConfig& policy, TimePoint now) {
  return state.last_restart && now < *state.last_restart + policy.cooldown;
}

Decision make(const std::string& gateway, std::optional<std::size_t> rule, Action action, const char* why) {
  Decision decision;
  decision.gateway = gateway;
  decision.rule = rule;
  decision.action = action;
  decision.reason = why;
  return decision;
}

// Refusals read from the gateway itself, before anything else: they are facts, not limits.
std::optional<Decision> refused_by_gateway(const std::string& gateway, std::size_t rule, const RuleConfig& config,
                                           const GatewayObservation& seen) {
  if (seen.unit) {
    const UnitView& unit = *seen.unit;
    if (unit.active_state == "failed" && unit.exec_main_code == kExitedCode && unit.exec_main_status == 78) {
      return make(gateway, rule, Action::kNone, reason::kConfigInvalid);
    }
    if (unit.active_state == "inactive" && unit.result == "success") {
      return make(gateway, rule, Action::kNone, reason::kOperatorStopped);
    }
  }
  // An unknown unit state does not overrule a gateway that answers: the hook's own bus may be what is broken.
  if (config.confirm == Confirm::kUnhealthy && seen.healthy.value_or(false) &&
      (!seen.unit || seen.unit->active_state == "active")) {
    return make(gateway, rule, Action::kNone, reason::kConfirmedHealthy);
  }
  return std::nullopt;
}

// Circuit, then cooldown. nullopt: they allow a restart now.
std::optional<Decision> refused_by_limits(const std::string& gateway, std::size_t rule, const GatewayState& state,
                                          const PolicyConfig& policy, TimePoint now) {
  if (circuit_open(state, policy, now)) return make(gateway, rule, Action::kNone, reason::kCircuitOpen);
  if (restarts_in_window(state, policy, now) >= policy.max_restarts) {
    Decision opens = make(gateway, rule, Action::kNone, reason::kCircuitOpen);
    opens.opens_circuit = true;
    return opens;
  }
  if (in_cooldown(state, policy, now)) return make(gateway, rule, Action::kNone, reason::kCooldown);
  return std::nullopt;
}

// Where in a window this gateway's scheduled restarts run: its offset (GatewayConfig::schedule_offset), at most
// half the window so that the notice and a busy gateway still leave time inside it.
TimePoint scheduled_moment(const WindowSpan& window, std::chrono::milliseconds offset) {
  return window.open + std::min<std::chrono::milliseconds>(offset, window.length / 2);
}

std::chrono::milliseconds schedule_offset(const Config& config, const std::string& gateway) {
  for (const auto& gw : config.gateways) {
    if (gw.name == gateway) return gw.schedule_offset;
  }
  return std::chrono::milliseconds{0};
}

// A scheduled restart waits for a window, then for its moment in it (per-host offset) and its notice lead, then for
// the gateway to be idle (max_defer bounds the time observed busy). `pending` is nullptr for a new alert. nullopt:
// it may run now.
std::optional<Decision> scheduled_wait(const std::string& gateway, std::size_t rule, const PendingRestart* pending,
                                       const PolicyConfig& policy, TimePoint now, Busy busy,
                                       std::chrono::milliseconds offset) {
  const std::optional<WindowSpan> window = current_window(policy.low_traffic_windows, now);
  if (!window) {
    Decision wait = make(gateway, rule, Action::kDefer, reason::kOutsideWindow);
    const auto next = next_window(policy.low_traffic_windows, now);
    wait.not_before = std::max(next ? scheduled_moment(*next, offset) : now, now + policy.notice_lead);
    return wait;
  }
  const std::optional<TimePoint> announced = pending != nullptr ? pending->not_before : std::nullopt;
  if (!announced) {
    const TimePoint at = std::max(now + policy.notice_lead, scheduled_moment(*window, offset));
    if (at > now) {
      Decision wait = make(gateway, rule, Action::kDefer, reason::kNotice);
      wait.not_before = at;
      return wait;
    }
  }
  if (announced && now < *announced) {
    Decision wait = make(gateway, rule, Action::kDefer, reason::kNotice);
    wait.not_before = announced;
    return wait;
  }
  if (busy != Busy::kBusy && busy != Busy::kFailed) return std::nullopt;
  const auto observed_busy = pending == nullptr ? std::chrono::milliseconds{0} : busy_time(*pending, now);
  if (observed_busy >= policy.busy.max_defer) return std::nullopt;  // the caller runs it, reason max_defer_reached
  Decision wait = make(gateway, rule, Action::kDefer, busy == Busy::kBusy ? reason::kBusyDeferred
                                                                           : reason::kBusyCheckFailed);
  wait.not_before = announced;
  wait.busy_observed = true;
  return wait;
}

Decision run_now(const std::string& gateway, std::size_t rule, const Observations& observed, const char* why) {
  return make(gateway, rule, observed.dry_run ? Action::kNone : Action::kRestart,
              observed.dry_run ? reason::kDryRun : why);
}

// Every check a restart passes, whether it arrives with an alert, was pending, or is the retry. nullopt: it may run.
std::optional<Decision> gate(const std::string& gateway, std::size_t rule, const Config& config,
                             const GatewayState& state, TimePoint now, const Observations& observed,
                             const PendingRestart* pending) {
  const RuleConfig& rc = config.rules[rule];
  if (auto refused = refused_by_gateway(gateway, rule, rc, observed.of(gateway))) return refused;
  if (auto refused = refused_by_limits(gateway, rule, state, config.policy, now)) return refused;
  if (rc.urgency == Urgency::kScheduled) {
    return scheduled_wait(gateway, rule, pending, config.policy, now, observed.of(gateway).busy,
                          schedule_offset(config, gateway));
  }
  return std::nullopt;
}

Decision decide_for_gateway(const Alert& alert, const GatewayConfig& gateway, std::size_t rule_index,
                            const Config& config, const PolicyState& state, TimePoint now,
                            const Observations& observed) {
  static const GatewayState kFresh;
  const PolicyConfig& policy = config.policy;
  const auto found = state.gateways.find(gateway.name);
  const GatewayState& gs = found == state.gateways.end() ? kFresh : found->second;
  const std::string key = dedupe_key(gateway.name, alert);
  const auto seen = state.dedupe.find(key);
  const bool known = seen != state.dedupe.end() && now < seen->second;
  const auto grace = resolved_dedupe_grace(policy);
  if (alert.status != "firing") {
    Decision resolved = make(gateway.name, rule_index, Action::kNone, reason::kResolved);
    resolved.releases_dedupe = known && seen->second > now + grace;
    if (gs.pending && std::find(gs.pending->triggers.begin(), gs.pending->triggers.end(), key) !=
                          gs.pending->triggers.end()) {
      resolved.cancels_pending = true;
      if (gs.pending->triggers.size() == 1) resolved.reason = reason::kResolvedCancelled;
    }
    return resolved;
  }
  if (known) {
    // Alertmanager re-sends a firing alert every repeat_interval for as long as it fires: a delivery in the
    // second half of the entry's life extends it, so a long-firing alert stays a duplicate (persisted at most
    // twice per ttl, not per delivery). An entry within `grace` of expiry was released by its resolution (or
    // not seen for most of a ttl): a late copy does not bring it back.
    const auto left = seen->second - now;
    Decision duplicate = make(gateway.name, rule_index, Action::kNone, reason::kDuplicate);
    duplicate.records_dedupe = left < policy.dedupe_ttl / 2 && left > grace;
    return duplicate;
  }
  Decision decision = make(gateway.name, rule_index, Action::kNone, reason::kInProgressCoalesced);
  decision.records_dedupe = true;
  if (gs.in_progress) return decision;  // the running restart serves this alert too
  if (config.rules[rule_index].urgency == Urgency::kScheduled && gs.pending) {
    decision.reason = reason::kPendingCoalesced;
    decision.joins_pending = true;
    return decision;
  }
  if (auto refused = gate(gateway.name, rule_index, config, gs, now, observed, nullptr)) {
    // A deferred restart is remembered: the alert is served once it runs. The gateway's own refusals are not:
    // a later delivery of the same alert asks the gateway again.
    refused->records_dedupe = refused->action != Action::kNone;
    return *refused;
  }
  Decision run = run_now(gateway.name, rule_index, observed, reason::kExecuted);
  run.records_dedupe = true;  // served (or, in dry-run mode, decided): later deliveries are duplicates
  return run;
}

}  // namespace

const GatewayObservation& Observations::of(const std::string& gateway) const {
  static const GatewayObservation kNothing;
  const auto it = gateways.find(gateway);
  return it == gateways.end() ? kNothing : it->second;
}

std::chrono::milliseconds resolved_dedupe_grace(const PolicyConfig& policy) {
  return std::min(kResolvedDedupeGrace, policy.dedupe_ttl / 4);
}

const char* to_string(Action action) {
  switch (action) {
    case Action::kRestart: return "restart";
    case Action::kDefer: return "defer";
    case Action::kNone: return "none";
  }
  return "none";
}

std::string dedupe_key(const std::string& gateway, const Alert& alert) {
  return gateway + "|" + alert.dedupe_key();
}

bool circuit_open(const GatewayState& state, const PolicyConfig& policy, TimePoint now) {
  if (!state.circuit_opened_at) return false;
  if (state.circuit_reset_at && *state.circuit_reset_at >= *state.circuit_opened_at) return false;
  return now < *state.circuit_opened_at + policy.window;
}

// A restart recorded later than `now` (the wall clock went back) counts: it happened, just now at the latest.
int restarts_in_window(const GatewayState& state, const PolicyConfig& policy, TimePoint now) {
  const TimePoint since = now - policy.window;
  return static_cast<int>(std::count_if(state.restarts.begin(), state.restarts.end(), [&](TimePoint t) {
    return t > since && (!state.circuit_reset_at || t >= *state.circuit_reset_at);
  }));
}

std::vector<Decision> decide(const Alert& alert, const Config& config, const PolicyState& state, TimePoint now,
                             const Observations& observed) {
  // A mis-routed alert (another host's, in a fleet) can never restart this host's gateway; an alert without a
  // `host` label (a single host whose rules do not carry one) is this host's.
  if (const auto host = alert.labels.find("host");
      !config.host.empty() && host != alert.labels.end() && host->second != config.host) {
    return {make("", std::nullopt, Action::kNone, reason::kWrongHost)};
  }
  std::size_t rule_index = 0;
  const RuleConfig* rule = first_matching_rule(alert, config, rule_index);
  if (rule == nullptr) return {make("", std::nullopt, Action::kNone, reason::kNoMatchingRule)};
  std::vector<Decision> decisions;
  for (const auto& gateway : config.gateways) {
    if (!gateway.match.matches(alert.labels)) continue;  // right target only
    decisions.push_back(decide_for_gateway(alert, gateway, rule_index, config, state, now, observed));
  }
  if (decisions.empty()) decisions.push_back(make("", rule_index, Action::kNone, reason::kNoMatchingGateway));
  return decisions;
}

std::optional<Decision> decide_pending(const std::string& gateway, const GatewayState& state, const Config& config,
                                       TimePoint now, const Observations& observed) {
  if (!state.pending || state.in_progress) return std::nullopt;
  const PendingRestart& pending = *state.pending;
  if (auto refused = gate(gateway, pending.rule, config, state, now, observed, &pending)) {
    // Cooldown keeps it waiting (it may still run in this or a later window); an open circuit, an operator's
    // stop, exit 78 or a confirmed healthy gateway drop it.
    if (refused->reason == reason::kCooldown) refused->action = Action::kDefer;
    return refused;
  }
  const Busy busy = observed.of(gateway).busy;
  const bool overran = (busy == Busy::kBusy || busy == Busy::kFailed);
  return run_now(gateway, pending.rule, observed, overran ? reason::kMaxDeferReached : reason::kExecuted);
}

Decision decide_retry(const std::string& gateway, std::size_t rule, const GatewayState& state, const Config& config,
                      TimePoint now, const Observations& observed) {
  if (auto refused = refused_by_gateway(gateway, rule, config.rules[rule], observed.of(gateway))) return *refused;
  if (circuit_open(state, config.policy, now)) return make(gateway, rule, Action::kNone, reason::kCircuitOpen);
  if (restarts_in_window(state, config.policy, now) >= config.policy.max_restarts) {
    Decision opens = make(gateway, rule, Action::kNone, reason::kCircuitOpen);
    opens.opens_circuit = true;
    return opens;
  }
  return make(gateway, rule, Action::kRestart, reason::kRetry);
}

namespace {

ObservationWanted wanted_for(const RuleConfig& rule, const PolicyConfig& policy) {
  ObservationWanted wanted;
  wanted.unit = true;
  wanted.health = rule.confirm == Confirm::kUnhealthy;
  wanted.busy = rule.urgency == Urgency::kScheduled && policy.busy.enabled();
  return wanted;
}

}  // namespace

std::map<std::string, ObservationWanted> wanted_observations(const Alert& alert, const Config& config,
                                                             const PolicyState& state, TimePoint now) {
  std::map<std::string, ObservationWanted> wanted;
  if (alert.status != "firing") return wanted;
  for (const Decision& d : decide(alert, config, state, now, Observations{})) {
    if (d.action == Action::kRestart) wanted[d.gateway] = wanted_for(config.rules[*d.rule], config.policy);
  }
  return wanted;
}

std::optional<ObservationWanted> wanted_for_pending(const std::string& gateway, const GatewayState& state,
                                                    const Config& config, TimePoint now) {
  const auto d = decide_pending(gateway, state, config, now, Observations{});
  if (!d || d->action != Action::kRestart) return std::nullopt;
  return wanted_for(config.rules[*d->rule], config.policy);
}

}  // namespace openclaw::hook
