#include "restart_phases.hpp"

namespace openclaw::hook {
namespace {

using std::chrono::milliseconds;

std::optional<milliseconds> between(std::optional<RestartPhaseTracker::Time> from,
                                    std::optional<RestartPhaseTracker::Time> to) {
  if (!from || !to) return std::nullopt;
  return std::chrono::duration_cast<milliseconds>(*to - *from);
}

}  // namespace

RestartPhaseTracker::RestartPhaseTracker(UnitStatus before, Time sent) : before_(std::move(before)), sent_(sent) {
  // Nothing was running: there is nothing to drain.
  if (before_.main_pid == 0) old_gone_at_ = sent;
}

void RestartPhaseTracker::mark_old_gone(Time now) {
  if (!old_gone_at_) old_gone_at_ = now;
}

void RestartPhaseTracker::observe(const UnitStatus& status, Time now) {
  const bool new_start = status.main_start_usec != 0 && status.main_start_usec != before_.main_start_usec;
  const bool other_pid = status.main_pid != 0 && status.main_pid != before_.main_pid;
  if (status.main_pid != before_.main_pid || new_start) mark_old_gone(now);
  // systemd SIGKILLed the old process at TimeoutStopSec: visible between its end and the next start.
  if (old_gone_at_ && !started_at_ && status.result == "timeout") killed_at_timeout_ = true;
  if (new_start || other_pid) {
    if (!started_at_) started_at_ = now;
    if (status.main_pid != 0) pid_after_ = status.main_pid;
  }
}

void RestartPhaseTracker::job_done(Time now) {
  mark_old_gone(now);
  if (!started_at_) started_at_ = now;
}

void RestartPhaseTracker::healthy(Time now) {
  if (!started_at_) return;  // a 2xx before the new process is the old one answering
  if (!ready_at_) ready_at_ = now;
}

RestartPhases RestartPhaseTracker::phases(milliseconds drain_budget) const {
  RestartPhases p;
  p.drain = between(sent_, old_gone_at_);
  p.start = between(old_gone_at_, started_at_);
  p.ready = between(started_at_, ready_at_);
  p.downtime = between(sent_, ready_at_);
  const milliseconds threshold = std::max(milliseconds(0), drain_budget - milliseconds(1000));
  p.drain_cut_off = killed_at_timeout_ || (before_.main_pid != 0 && p.drain && *p.drain >= threshold);
  return p;
}

}  // namespace openclaw::hook
