#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "policy_state.hpp"
#include "webhook.hpp"

namespace openclaw::hook {

enum class Action {
  kRestart,  // run the rule's action now (in the worker)
  kDefer,    // remember a pending scheduled restart
  kNone,     // record only
};
const char* to_string(Action action);

// Stable snake_case reasons: metric label values and audit log fields.
namespace reason {
inline constexpr const char* kExecuted = "executed";
inline constexpr const char* kResolved = "resolved";
inline constexpr const char* kNoMatchingRule = "no_matching_rule";
inline constexpr const char* kNoMatchingGateway = "no_matching_gateway";
inline constexpr const char* kDuplicate = "duplicate";
inline constexpr const char* kInProgressCoalesced = "in_progress_coalesced";
inline constexpr const char* kPendingCoalesced = "pending_coalesced";
inline constexpr const char* kCooldown = "cooldown";
inline constexpr const char* kCircuitOpen = "circuit_open";
inline constexpr const char* kOutsideWindow = "outside_window";
inline constexpr const char* kBusyDeferred = "busy_deferred";
inline constexpr const char* kMaxDeferReached = "max_defer_reached";
inline constexpr const char* kDryRun = "dry_run";
}  // namespace reason

struct Decision {
  std::string gateway;              // "" when no gateway matched
  std::optional<std::size_t> rule;  // index into Config::rules
  Action action = Action::kNone;
  std::string reason;
  bool opens_circuit = false;       // this refusal is the one that opens the circuit
  bool records_dedupe = false;      // the alert has been served: later deliveries are duplicates
  bool releases_dedupe = false;     // the alert resolved: its dedupe entry only needs to outlive late deliveries
  std::optional<TimePoint> not_before;  // kDefer outside a window: when the next window opens
};

// What the caller observed about load before a scheduled restart; nullopt: not measured (or not configured).
struct Observations {
  std::optional<bool> busy;
  bool dry_run = false;
};

// The policy for one alert: one decision per gateway the alert targets (or one "ignored" decision). Pure.
std::vector<Decision> decide(const Alert& alert, const Config& config, const PolicyState& state, TimePoint now,
                             const Observations& observed);

// A pending scheduled restart, re-checked by the worker: kRestart when it may run now, kDefer with the
// reason it still waits, kNone when it is dropped (circuit open). nullopt: nothing pending or in progress. Pure.
std::optional<Decision> decide_pending(const std::string& gateway, const GatewayState& state,
                                       const PolicyConfig& policy, TimePoint now, const Observations& observed);

// The gateway whose load the caller should measure before calling decide() for this alert, or nullptr: only
// when a scheduled rule would restart a gateway inside a window with a busy check configured — never for a
// duplicate, a coalesced or a resolved alert, so a storm of redeliveries never reads /proc or asks Prometheus. Pure.
const GatewayConfig* wants_busy_observation(const Alert& alert, const Config& config, const PolicyState& state,
                                            TimePoint now);

// The persisted dedupe map is bounded: beyond this many entries the one closest to expiry is forgotten first
// (cooldown and circuit still stand behind a forgotten entry).
inline constexpr std::size_t kMaxDedupeEntries = 10'000;
// How long a resolved alert's entry is still kept: an HA peer's late copy of the firing notification.
inline constexpr std::chrono::milliseconds kResolvedDedupeGrace{3600'000};
// kResolvedDedupeGrace, or a quarter of dedupe_ttl when that is shorter.
std::chrono::milliseconds resolved_dedupe_grace(const PolicyConfig& policy);

// How a decision changes the state (the only writer of PolicyState besides finishing a restart and a circuit
// reset). `key` is dedupe_key(gateway, alert), or "" for a decision about a pending restart. Pure.
void apply_decision(const Decision& decision, const std::string& key, PolicyState& state, const PolicyConfig& policy,
                    TimePoint now);
// True when applying the decision changes PolicyState (and so must be persisted before anyone is told).
bool changes_state(const Decision& decision);
// An operator's reset: the circuit closes and earlier restarts stop counting towards max_restarts.
void reset_circuit(GatewayState& state, TimePoint now);

bool circuit_open(const GatewayState& state, const PolicyConfig& policy, TimePoint now);
// Restarts that count towards max_restarts at `now`.
int restarts_in_window(const GatewayState& state, const PolicyConfig& policy, TimePoint now);

std::string dedupe_key(const std::string& gateway, const Alert& alert);

}  // namespace openclaw::hook
