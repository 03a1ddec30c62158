#pragma once

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>

#include "config.hpp"
#include "restart_phases.hpp"
#include "unit_control.hpp"
#include "verifier.hpp"

namespace openclaw::hook {

struct RestartRequest {
  std::string unit;
  std::string health_url;
  ActionKind action = ActionKind::kSystemctl;  // kSystemctl or kSignal
  int signal = 12;                             // for kSignal
  std::optional<std::chrono::milliseconds> timeout;  // the rule's; unset: derived from the unit
  std::chrono::milliseconds verify_timeout{60'000};  // counted from the new process's start
};

struct RestartOutcome {
  bool ok = false;
  bool interrupted = false;  // the hook was stopped mid-restart; the manager finishes it on its own
  std::string detail;
  std::string job_result;  // RestartUnit's job: done, canceled, timeout, failed, dependency, skipped; "" unknown/none
  std::optional<int> pid_before, pid_after;
  RestartPhases phases;
  std::chrono::milliseconds deadline{0};  // for a new main process, counted from the action
  bool deadline_derived = false;          // from the unit's TimeoutStopUSec/TimeoutStartUSec (no rule timeout)
  std::chrono::milliseconds drain_budget{0};  // the gateway's, from the unit's TimeoutStopUSec
};

// Restarts one gateway through its user manager and follows it: RestartUnit (and its job) or KillUnit(main,
// signal), then the old process's drain, the new process, and health. Verification time starts when the new
// process does, so a long drain is not a failed restart.
class RestartRun {
 public:
  // `poll_interval`: between health checks; the unit is looked at at least every 200 ms.
  RestartRun(UnitControl& units, HealthChecker& health, std::chrono::milliseconds poll_interval)
      : units_(units), health_(health), poll_interval_(poll_interval) {}
  RestartOutcome run(const RestartRequest& request, const std::stop_token& stop);

 private:
  UnitControl& units_;
  HealthChecker& health_;
  std::chrono::milliseconds poll_interval_;
};

}  // namespace openclaw::hook
