#pragma once

#include <map>
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
inline constexpr const char* kWrongHost = "wrong_host";  // the alert's `host` label names another host
inline constexpr const char* kDuplicate = "duplicate";
inline constexpr const char* kInProgressCoalesced = "in_progress_coalesced";
inline constexpr const char* kPendingCoalesced = "pending_coalesced";
inline constexpr const char* kCooldown = "cooldown";
inline constexpr const char* kCircuitOpen = "circuit_open";
inline constexpr const char* kOutsideWindow = "outside_window";
inline constexpr const char* kBusyDeferred = "busy_deferred";
inline constexpr const char* kMaxDeferReached = "max_defer_reached";
inline constexpr const char* kDryRun = "dry_run";
inline constexpr const char* kNotice = "notice";                      // announced, runs after policy.notice_lead
inline constexpr const char* kBusyCheckFailed = "busy_check_failed";  // counts as busy
inline constexpr const char* kResolvedCancelled = "resolved_cancelled";  // its last trigger resolved: not run
inline constexpr const char* kOperatorStopped = "operator_stopped";   // inactive after a stop job: never started
inline constexpr const char* kConfigInvalid = "config_invalid";       // failed with exit 78: `openclaw doctor --fix`
inline constexpr const char* kConfirmedHealthy = "confirmed_healthy"; // confirm: unhealthy, and it is healthy
inline constexpr const char* kRetry = "retry";                        // the one retry after a failed attempt
}  // namespace reason

struct Decision {
  std::string gateway;              // "" when no gateway matched
  std::optional<std::size_t> rule;  // index into Config::rules
  Action action = Action::kNone;
  std::string reason;
  bool opens_circuit = false;       // this refusal is the one that opens the circuit
  bool records_dedupe = false;      // the alert has been served: later deliveries are duplicates
  bool releases_dedupe = false;     // the alert resolved: its dedupe entry only needs to outlive late deliveries
  bool joins_pending = false;       // a scheduled alert served by the restart already pending
  bool cancels_pending = false;     // the alert resolved: it no longer asks for the pending restart
  std::optional<TimePoint> not_before;  // kDefer: the earliest time the restart may run
  bool busy_observed = false;       // kDefer for busy: the observation counts towards max_defer
};

// The busy check's answer before a scheduled restart. kFailed (the check could not tell) counts as busy.
enum class Busy { kNotMeasured, kIdle, kBusy, kFailed };

// The unit as the user manager reports it right before acting.
struct UnitView {
  std::string active_state;  // active, inactive, failed, activating, deactivating, reloading
  std::string result;        // success, exit-code, signal, …
  int exec_main_code = 0;    // 1 (CLD_EXITED): exec_main_status is an exit status
  int exec_main_status = 0;
};

// What the caller measured about one gateway right before acting; each part only when the policy asked for it
// (wanted_observations) — a redelivery storm measures nothing.
struct GatewayObservation {
  Busy busy = Busy::kNotMeasured;
  std::optional<UnitView> unit;  // nullopt: not read, or the user manager could not be asked
  std::optional<bool> healthy;   // the health_url answered 2xx (confirm: unhealthy rules only)
};

struct Observations {
  std::map<std::string, GatewayObservation> gateways;
  bool dry_run = false;
  const GatewayObservation& of(const std::string& gateway) const;
};

// What to measure about a gateway before a decision that would run its restart.
struct ObservationWanted {
  bool unit = false;
  bool health = false;
  bool busy = false;
};

// The policy for one alert: one decision per gateway the alert targets (or one "ignored" decision). Pure.
std::vector<Decision> decide(const Alert& alert, const Config& config, const PolicyState& state, TimePoint now,
                             const Observations& observed);

// A pending scheduled restart, re-checked by the worker: kRestart when it may run now, kDefer with the
// reason it still waits, kNone when it is dropped (circuit open, operator stop, exit 78, confirmed healthy).
// nullopt: nothing pending or in progress. Pure.
std::optional<Decision> decide_pending(const std::string& gateway, const GatewayState& state, const Config& config,
                                       TimePoint now, const Observations& observed);

// The one retry after a failed attempt (the worker still holds the gateway): kRestart (reason retry) unless the
// circuit refuses it or the unit shows an operator's stop or exit 78. Pure.
Decision decide_retry(const std::string& gateway, std::size_t rule, const GatewayState& state, const Config& config,
                      TimePoint now, const Observations& observed);

// What the caller should measure before deciding `alert` (or a pending restart): for each gateway whose restart
// would run now — never for a duplicate, a coalesced, a deferred or a resolved alert. Pure.
std::map<std::string, ObservationWanted> wanted_observations(const Alert& alert, const Config& config,
                                                             const PolicyState& state, TimePoint now);
std::optional<ObservationWanted> wanted_for_pending(const std::string& gateway, const GatewayState& state,
                                                    const Config& config, TimePoint now);

// The persisted dedupe map is bounded: beyond this many entries the one closest to expiry is forgotten first
// (cooldown and circuit still stand behind a forgotten entry).
inline constexpr std::size_t kMaxDedupeEntries = 10'000;
// How long a resolved alert's entry is still kept: an HA peer's late copy of the firing notification.
inline constexpr std::chrono::milliseconds kResolvedDedupeGrace{3600'000};
// kResolvedDedupeGrace, or a quarter of dedupe_ttl when that is shorter.
std::chrono::milliseconds resolved_dedupe_grace(const PolicyConfig& policy);

// How a decision changes the state (the only writer of PolicyState besides finishing a restart and a circuit
// reset). `key` is dedupe_key(gateway, alert), or "" for a decision about a pending restart. Pure.
void apply_decision(const Decision& decision, const std::string& key, PolicyState& state, const Config& config,
                    TimePoint now);
// The time a pending restart has been observed busy, counting up to `now` when the last observation said busy.
std::chrono::milliseconds busy_time(const PendingRestart& pending, TimePoint now);
// True when applying the decision changes PolicyState (and so must be persisted before anyone is told).
bool changes_state(const Decision& decision);
// An operator's reset: the circuit closes and earlier restarts stop counting towards max_restarts.
void reset_circuit(GatewayState& state, TimePoint now);

// Fits a state loaded from disk to the configuration: a pending or in-progress restart names its rule, and one
// whose rule no longer exists (a config edit) is dropped. Returns a warning per drop. Pure.
std::vector<std::string> reconcile_with_config(PolicyState& state, const Config& config);
std::optional<std::size_t> rule_index(const Config& config, const std::string& name);

bool circuit_open(const GatewayState& state, const PolicyConfig& policy, TimePoint now);
// Restarts that count towards max_restarts at `now`.
int restarts_in_window(const GatewayState& state, const PolicyConfig& policy, TimePoint now);

std::string dedupe_key(const std::string& gateway, const Alert& alert);

}  // namespace openclaw::hook
