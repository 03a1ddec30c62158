#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clock.hpp"

namespace openclaw::hook {

// A scheduled restart waiting for a low-traffic window (or for the gateway to stop being busy).
struct PendingRestart {
  TimePoint since{};          // when it was first deferred (max_defer counts from here)
  std::size_t rule = 0;       // index into Config::rules: which action to run
  std::string dedupe_key;     // the alert that asked for it
  std::string last_reason;    // outside_window | busy_deferred: audit only when it changes
};

// What the policy remembers about one gateway. Persisted (see StateStore), so a hook killed with -9 and
// started again still honours cooldown and circuit.
struct GatewayState {
  std::vector<TimePoint> restarts;             // when each restart started, pruned to the window
  std::optional<TimePoint> last_restart;
  std::optional<TimePoint> circuit_opened_at;
  std::optional<TimePoint> circuit_reset_at;   // restarts before this do not count towards the circuit
  bool in_progress = false;
  std::optional<PendingRestart> pending;
};

struct PolicyState {
  std::map<std::string, GatewayState> gateways;
  std::map<std::string, TimePoint> dedupe;     // "<gateway>|<fingerprint>|<startsAt>" -> expiry
};

}  // namespace openclaw::hook
