#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "result.hpp"

namespace openclaw::hook {

// One snapshot of a service unit as the user manager sees it. Times are systemd's: microseconds, with
// kInfinity for "infinity" (TimeoutStopSec=infinity or 0).
struct UnitStatus {
  static constexpr std::chrono::microseconds kInfinity{INT64_MAX};
  std::string load_state, active_state, sub_state, result;  // result: success, exit-code, signal, timeout, …
  int main_pid = 0;                                          // 0: no main process right now
  std::uint64_t main_start_usec = 0;  // ExecMainStartTimestamp (realtime µs) of the last main process; 0: never
  int exec_main_code = 0, exec_main_status = 0;
  std::chrono::microseconds timeout_stop{}, timeout_start{};  // TimeoutStopUSec, TimeoutStartUSec
  std::chrono::microseconds restart_delay{};                  // RestartUSec (Restart= waits this before a start)
  std::uint32_t n_restarts = 0;
  std::uint32_t job_id = 0;  // the unit's pending job, 0 when none
  std::string job_type;      // its JobType (restart, start, stop, …), "" when none
};

// A job the manager queued for us (RestartUnit's answer).
struct JobHandle {
  std::uint32_t id = 0;
  std::string path;  // /org/freedesktop/systemd1/job/<id>
};

// The seam for driving a unit through its user manager; SdBusUnitControl is the real one.
class UnitControl {
 public:
  virtual ~UnitControl() = default;
  virtual Result<UnitStatus> status(const std::string& unit) = 0;
  // ResetFailedUnit (so a unit at its start limit can start again), then RestartUnit(unit, "replace"). The job's
  // JobRemoved is never missed: the subscription is in place before RestartUnit is called.
  virtual Result<JobHandle> start_restart(const std::string& unit) = 0;
  // The job's result (done, canceled, timeout, failed, dependency, skipped) once the manager removed it; nullopt
  // while it is still running after `max_wait`.
  virtual Result<std::optional<std::string>> wait_job(const JobHandle& job, std::chrono::milliseconds max_wait) = 0;
  virtual Status cancel_job(const JobHandle& job) = 0;
  // The caller stops watching `job` without its result (interrupted): its subscription may end.
  virtual void forget_job(const JobHandle& job) = 0;
  // KillUnit(unit, "main", signal): the manager signals the main process it knows, without a MainPID read-then-kill
  // race.
  virtual Status kill_main(const std::string& unit, int signal) = 0;
};

}  // namespace openclaw::hook
