#include "policy.hpp"

#include <algorithm>

namespace openclaw::hook {
namespace {

const RuleConfig* first_matching_rule(const Alert& alert, const Config& config, std::size_t& index) {
  for (index = 0; index < config.rules.size(); ++index) {
    if (config.rules[index].match.matches(alert.labels)) return &config.rules[index];
  }
  return nullptr;
}

bool in_cooldown(const GatewayState& state, const PolicyConfig& policy, TimePoint now) {
  return state.last_restart && now < *state.last_restart + policy.cooldown;
}

// Inserts or extends an entry, then keeps the map within kMaxDedupeEntries by dropping the entry closest to
// expiry (a linear scan, only when the map is full: cheaper than a second index on every insert).
void remember(std::map<std::string, TimePoint>& dedupe, const std::string& key, TimePoint expiry) {
  dedupe[key] = expiry;
  while (dedupe.size() > kMaxDedupeEntries) {
    dedupe.erase(std::min_element(dedupe.begin(), dedupe.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; }));
  }
}

Decision make(const std::string& gateway, std::optional<std::size_t> rule, Action action, const char* why) {
  Decision decision;
  decision.gateway = gateway;
  decision.rule = rule;
  decision.action = action;
  decision.reason = why;
  return decision;
}

// The checks a restart must pass whether it arrives with an alert or was waiting for a window:
// circuit, then cooldown, then (scheduled only) window and load. nullopt: it may run.
std::optional<Decision> gate(const std::string& gateway, std::size_t rule, Urgency urgency,
                             const GatewayState& state, const PolicyConfig& policy, TimePoint now,
                             const Observations& observed) {
  if (circuit_open(state, policy, now)) return make(gateway, rule, Action::kNone, reason::kCircuitOpen);
  if (restarts_in_window(state, policy, now) >= policy.max_restarts) {
    Decision opens = make(gateway, rule, Action::kNone, reason::kCircuitOpen);
    opens.opens_circuit = true;
    return opens;
  }
  if (in_cooldown(state, policy, now)) return make(gateway, rule, Action::kNone, reason::kCooldown);
  if (urgency == Urgency::kScheduled) {
    if (!in_any_window(policy.low_traffic_windows, now)) {
      Decision wait = make(gateway, rule, Action::kDefer, reason::kOutsideWindow);
      wait.not_before = next_window_open(policy.low_traffic_windows, now);
      return wait;
    }
    if (observed.busy.value_or(false)) return make(gateway, rule, Action::kDefer, reason::kBusyDeferred);
  }
  return std::nullopt;
}

Decision decide_for_gateway(const Alert& alert, const GatewayConfig& gateway, std::size_t rule_index,
                            const RuleConfig& rule, const PolicyState& state, const PolicyConfig& policy,
                            TimePoint now, const Observations& observed) {
  static const GatewayState kFresh;
  const auto found = state.gateways.find(gateway.name);
  const GatewayState& gs = found == state.gateways.end() ? kFresh : found->second;
  const auto seen = state.dedupe.find(dedupe_key(gateway.name, alert));
  const bool known = seen != state.dedupe.end() && now < seen->second;
  const auto grace = resolved_dedupe_grace(policy);
  if (alert.status != "firing") {
    Decision resolved = make(gateway.name, rule_index, Action::kNone, reason::kResolved);
    resolved.releases_dedupe = known && seen->second > now + grace;
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
  if (rule.urgency == Urgency::kScheduled && gs.pending) {
    decision.reason = reason::kPendingCoalesced;
    return decision;
  }
  if (auto refused = gate(gateway.name, rule_index, rule.urgency, gs, policy, now, observed)) {
    // A deferred restart is remembered: the alert is served once the window opens.
    refused->records_dedupe = refused->action == Action::kDefer;
    return *refused;
  }
  decision.action = observed.dry_run ? Action::kNone : Action::kRestart;
  decision.reason = observed.dry_run ? reason::kDryRun : reason::kExecuted;
  return decision;
}

}  // namespace

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

int restarts_in_window(const GatewayState& state, const PolicyConfig& policy, TimePoint now) {
  const TimePoint since = now - policy.window;
  return static_cast<int>(std::count_if(state.restarts.begin(), state.restarts.end(), [&](TimePoint t) {
    return t > since && t <= now && (!state.circuit_reset_at || t >= *state.circuit_reset_at);
  }));
}

std::vector<Decision> decide(const Alert& alert, const Config& config, const PolicyState& state, TimePoint now,
                             const Observations& observed) {
  std::size_t rule_index = 0;
  const RuleConfig* rule = first_matching_rule(alert, config, rule_index);
  if (rule == nullptr) return {make("", std::nullopt, Action::kNone, reason::kNoMatchingRule)};
  std::vector<Decision> decisions;
  for (const auto& gateway : config.gateways) {
    if (!gateway.match.matches(alert.labels)) continue;  // right target only
    decisions.push_back(decide_for_gateway(alert, gateway, rule_index, *rule, state, config.policy, now, observed));
  }
  if (decisions.empty()) decisions.push_back(make("", rule_index, Action::kNone, reason::kNoMatchingGateway));
  return decisions;
}

std::optional<Decision> decide_pending(const std::string& gateway, const GatewayState& state,
                                       const PolicyConfig& policy, TimePoint now, const Observations& observed) {
  if (!state.pending || state.in_progress) return std::nullopt;
  const PendingRestart& pending = *state.pending;
  if (auto refused = gate(gateway, pending.rule, Urgency::kScheduled, state, policy, now, observed)) {
    // Cooldown keeps it waiting (it may still run in this or a later window); an open circuit drops it.
    if (refused->reason == reason::kCooldown) refused->action = Action::kDefer;
    if (refused->reason == reason::kBusyDeferred && now >= pending.since + policy.busy.max_defer) {
      return make(gateway, pending.rule, observed.dry_run ? Action::kNone : Action::kRestart,
                  observed.dry_run ? reason::kDryRun : reason::kMaxDeferReached);
    }
    return refused;
  }
  return make(gateway, pending.rule, observed.dry_run ? Action::kNone : Action::kRestart,
              observed.dry_run ? reason::kDryRun : reason::kExecuted);
}

bool changes_state(const Decision& decision) {
  return !decision.gateway.empty() && (decision.records_dedupe || decision.releases_dedupe ||
                                       decision.opens_circuit || decision.action != Action::kNone);
}

void apply_decision(const Decision& decision, const std::string& key, PolicyState& state, const PolicyConfig& policy,
                    TimePoint now) {
  if (decision.gateway.empty()) return;
  if (!key.empty()) {
    if (decision.records_dedupe) remember(state.dedupe, key, now + policy.dedupe_ttl);
    if (decision.releases_dedupe) state.dedupe[key] = now + resolved_dedupe_grace(policy);
  }
  // An alert that neither acts nor opens the circuit changes the dedupe map only.
  if (!key.empty() && decision.action == Action::kNone && !decision.opens_circuit) return;
  GatewayState& gs = state.gateways[decision.gateway];
  if (decision.opens_circuit) gs.circuit_opened_at = now;
  switch (decision.action) {
    case Action::kRestart:
      gs.in_progress = true;
      gs.restarts.push_back(now);
      gs.last_restart = now;
      gs.pending.reset();  // this restart serves a waiting scheduled one too
      break;
    case Action::kDefer:
      if (!gs.pending) gs.pending = PendingRestart{now, decision.rule.value_or(0), key, ""};
      gs.pending->last_reason = decision.reason;
      break;
    case Action::kNone:
      // A pending restart refused by the circuit, or "run" in dry-run mode, is done with.
      if (key.empty() && decision.reason != reason::kCooldown) gs.pending.reset();
      break;
  }
}

void reset_circuit(GatewayState& state, TimePoint now) {
  state.circuit_opened_at.reset();
  state.circuit_reset_at = now;
}

const GatewayConfig* wants_busy_observation(const Alert& alert, const Config& config, const PolicyState& state,
                                            TimePoint now) {
  if (!config.policy.busy.enabled() || alert.status != "firing") return nullptr;
  std::size_t index = 0;
  const RuleConfig* rule = first_matching_rule(alert, config, index);
  if (rule == nullptr || rule->urgency != Urgency::kScheduled || !in_any_window(config.policy.low_traffic_windows, now)) {
    return nullptr;
  }
  for (const auto& gateway : config.gateways) {
    if (!gateway.match.matches(alert.labels)) continue;
    const auto seen = state.dedupe.find(dedupe_key(gateway.name, alert));
    if (seen != state.dedupe.end() && now < seen->second) continue;
    const auto gs = state.gateways.find(gateway.name);
    if (gs != state.gateways.end() && (gs->second.in_progress || gs->second.pending)) continue;
    return &gateway;
  }
  return nullptr;
}

}  // namespace openclaw::hook
