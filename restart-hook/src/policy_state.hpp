#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clock.hpp"

namespace openclaw::hook {

// A scheduled restart waiting for a low-traffic window, for its notice lead, or for the gateway to be idle.
struct PendingRestart {
  TimePoint since{};          // when it was first deferred
  std::size_t rule = 0;       // index into Config::rules: which action to run (resolved from rule_name at load)
  std::string rule_name;      // what is persisted: a config edit may reorder or remove rules
  std::vector<std::string> triggers;  // dedupe keys of the firing alerts it serves; the last to resolve cancels it
  std::string last_reason;    // outside_window | notice | busy_deferred | busy_check_failed: audit when it changes
  std::optional<TimePoint> not_before;  // the earliest time it may run (window opening, notice lead)
  std::chrono::milliseconds busy_for{0};   // time observed busy: what max_defer bounds
  std::optional<TimePoint> busy_seen_at;   // the last observation, when it said busy (or could not tell)
};

// What the policy remembers about one gateway. Persisted (see StateStore), so a hook killed with -9 and
// started again still honours cooldown and circuit.
struct GatewayState {
  std::vector<TimePoint> restarts;             // when each restart started, pruned to the window
  std::optional<TimePoint> last_restart;
  // When the last attempt ended, by result (a retry is an attempt): what RestartFailed is driven by, so kept across
  // hook restarts (a failure just before the hook restarted still pages).
  std::optional<TimePoint> last_success;
  std::optional<TimePoint> last_failure;
  std::optional<TimePoint> circuit_opened_at;
  std::optional<TimePoint> circuit_reset_at;   // restarts before this do not count towards the circuit
  bool in_progress = false;
  std::string in_progress_rule;                // the running restart's rule (by name), for a retry after a resume
  std::optional<PendingRestart> pending;
};

struct PolicyState {
  std::map<std::string, GatewayState> gateways;
  std::map<std::string, TimePoint> dedupe;     // "<gateway>|<fingerprint>|<startsAt>" -> expiry
};

}  // namespace openclaw::hook
