#pragma once

// The phases of one restart, kept from status snapshots and timestamps (pure: no clock, no I/O).
//
//   action sent ──drain──▶ old main process gone ──start──▶ new main process ──ready──▶ health_url 2xx
//   └──────────────────────────────── downtime (/readyz answers 503 through the drain) ───────────────┘
#include <chrono>
#include <optional>

#include "unit_control.hpp"

namespace openclaw::hook {

struct RestartPhases {
  std::optional<std::chrono::milliseconds> drain, start, ready, downtime;
  bool drain_cut_off = false;  // the drain ran into the gateway's budget, or systemd SIGKILLed it (Result=timeout)
};

class RestartPhaseTracker {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // `before`: the unit just before the action; `sent`: when the action went out.
  RestartPhaseTracker(UnitStatus before, Time sent);

  // A snapshot taken at `now`. The old process is gone once the unit's main process is another one (or none); a new
  // one has started once ExecMainStartTimestamp (or MainPID) differs from before's.
  void observe(const UnitStatus& status, Time now);
  // The restart job finished "done": the new process was started (even if it was too short-lived to be seen).
  void job_done(Time now);
  void healthy(Time now);

  bool old_gone() const { return old_gone_at_.has_value(); }
  bool started() const { return started_at_.has_value(); }
  bool ready() const { return ready_at_.has_value(); }
  // When verification time began: the new process's start (or the job's end), nullopt before.
  std::optional<Time> started_at() const { return started_at_; }
  std::optional<int> pid_after() const { return pid_after_; }
  const UnitStatus& before() const { return before_; }

  // `drain_budget`: the gateway's (gateway_drain_budget); a drain within 1 s of it counts as cut off.
  RestartPhases phases(std::chrono::milliseconds drain_budget) const;

 private:
  void mark_old_gone(Time now);

  UnitStatus before_;
  Time sent_;
  std::optional<Time> old_gone_at_, started_at_, ready_at_;
  std::optional<int> pid_after_;
  bool killed_at_timeout_ = false;
};

}  // namespace openclaw::hook
