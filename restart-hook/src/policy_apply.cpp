// How decisions change the policy's state, and fitting a loaded state to the configuration. Pure.
#include <fmt/format.h>

#include <algorithm>

#include "policy.hpp"

namespace openclaw::hook {
namespace {

// Inserts or extends an entry, then keeps the map within kMaxDedupeEntries by dropping the entry closest to
// expiry (a linear scan, only when the map is full: cheaper than a second index on every insert).
void remember(std::map<std::string, TimePoint>& dedupe, const std::string& key, TimePoint expiry) {
  dedupe[key] = expiry;
  while (dedupe.size() > kMaxDedupeEntries) {
    dedupe.erase(std::min_element(dedupe.begin(), dedupe.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; }));
  }
}

}  // namespace

std::chrono::milliseconds busy_time(const PendingRestart& pending, TimePoint now) {
  auto total = pending.busy_for;
  if (pending.busy_seen_at && now > *pending.busy_seen_at) {
    total += std::chrono::duration_cast<std::chrono::milliseconds>(now - *pending.busy_seen_at);
  }
  return total;
}

bool changes_state(const Decision& decision) {
  return !decision.gateway.empty() &&
         (decision.records_dedupe || decision.releases_dedupe || decision.opens_circuit || decision.joins_pending ||
          decision.cancels_pending || decision.action != Action::kNone);
}

namespace {

void apply_to_pending(const Decision& decision, const std::string& key, GatewayState& gs, const Config& config,
                      TimePoint now) {
  if (decision.joins_pending && gs.pending) gs.pending->triggers.push_back(key);
  if (decision.cancels_pending && gs.pending) {
    std::erase(gs.pending->triggers, key);
    if (gs.pending->triggers.empty()) gs.pending.reset();
  }
  if (decision.action != Action::kDefer) return;
  if (!gs.pending) {
    const std::size_t rule = decision.rule.value_or(0);
    gs.pending = PendingRestart{};
    gs.pending->since = now;
    gs.pending->rule = rule;
    gs.pending->rule_name = rule < config.rules.size() ? config.rules[rule].name : "";
    if (!key.empty()) gs.pending->triggers.push_back(key);
  }
  PendingRestart& pending = *gs.pending;
  pending.last_reason = decision.reason;
  pending.not_before = decision.not_before;
  // Only time observed busy counts towards max_defer: a wait outside a window or for the notice does not.
  pending.busy_for = decision.busy_observed ? busy_time(pending, now) : pending.busy_for;
  pending.busy_seen_at = decision.busy_observed ? std::optional<TimePoint>(now) : std::nullopt;
}

}  // namespace

void apply_decision(const Decision& decision, const std::string& key, PolicyState& state, const Config& config,
                    TimePoint now) {
  if (decision.gateway.empty()) return;
  const PolicyConfig& policy = config.policy;
  if (!key.empty()) {
    if (decision.records_dedupe) remember(state.dedupe, key, now + policy.dedupe_ttl);
    if (decision.releases_dedupe) state.dedupe[key] = now + resolved_dedupe_grace(policy);
  }
  GatewayState& gs = state.gateways[decision.gateway];
  apply_to_pending(decision, key, gs, config, now);
  if (decision.opens_circuit) gs.circuit_opened_at = now;
  switch (decision.action) {
    case Action::kRestart:
      gs.in_progress = true;
      if (decision.rule && *decision.rule < config.rules.size()) gs.in_progress_rule = config.rules[*decision.rule].name;
      gs.restarts.push_back(now);
      gs.last_restart = now;
      gs.pending.reset();  // this restart serves a waiting scheduled one too
      break;
    case Action::kDefer:
      break;
    case Action::kNone:
      // A pending restart refused (circuit, operator stop, exit 78, healthy) or "run" in dry-run mode is done with.
      if (key.empty() && decision.reason != reason::kCooldown) gs.pending.reset();
      break;
  }
}

std::optional<std::size_t> rule_index(const Config& config, const std::string& name) {
  for (std::size_t i = 0; i < config.rules.size(); ++i) {
    if (config.rules[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> reconcile_with_config(PolicyState& state, const Config& config) {
  std::vector<std::string> dropped;
  for (auto& [name, gs] : state.gateways) {
    if (gs.pending) {
      PendingRestart& p = *gs.pending;
      // Format 1 named the rule by index: take the name of the rule at that index today, if any.
      if (p.rule_name.empty() && p.rule < config.rules.size()) p.rule_name = config.rules[p.rule].name;
      if (const auto index = rule_index(config, p.rule_name)) {
        p.rule = *index;
      } else {
        dropped.push_back(fmt::format("gateway {}: the pending restart's rule \"{}\" is not in the configuration; "
                                      "dropped", name, p.rule_name));
        gs.pending.reset();
      }
    }
    if (gs.in_progress && !rule_index(config, gs.in_progress_rule)) {
      dropped.push_back(fmt::format("gateway {}: a restart was in progress when the previous hook stopped, by rule "
                                    "\"{}\", which is not in the configuration; it is not verified again (its "
                                    "cooldown and circuit still count it)", name, gs.in_progress_rule));
      gs.in_progress = false;
      gs.in_progress_rule.clear();
    }
  }
  return dropped;
}

void reset_circuit(GatewayState& state, TimePoint now) {
  state.circuit_opened_at.reset();
  state.circuit_reset_at = now;
}

}  // namespace openclaw::hook
