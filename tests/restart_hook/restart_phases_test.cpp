// The phase bookkeeping of a restart, fed with snapshots and timestamps (pure: no clock, no manager).
#include <gtest/gtest.h>

#include "restart_phases.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
using Time = RestartPhaseTracker::Time;

const Time t0 = Time{} + 1000s;

UnitStatus running(int pid, std::uint64_t start_usec, std::string result = "success") {
  UnitStatus s;
  s.active_state = "active";
  s.sub_state = "running";
  s.result = std::move(result);
  s.main_pid = pid;
  s.main_start_usec = start_usec;
  return s;
}

UnitStatus draining(int pid, std::uint64_t start_usec) {
  UnitStatus s = running(pid, start_usec);
  s.active_state = "deactivating";
  s.sub_state = "stop-sigterm";
  return s;
}

UnitStatus between_processes(std::uint64_t last_start_usec, std::string result = "success") {
  UnitStatus s = running(0, last_start_usec, std::move(result));
  s.active_state = "activating";
  s.sub_state = "auto-restart";
  return s;
}

TEST(RestartPhases, DrainStartReadyAndDowntimeFromTheSnapshots) {
  RestartPhaseTracker t(running(100, 5'000'000), t0);
  t.observe(draining(100, 5'000'000), t0 + 1s);
  t.observe(draining(100, 5'000'000), t0 + 4s);
  EXPECT_FALSE(t.old_gone());
  t.observe(between_processes(5'000'000), t0 + 4200ms);
  EXPECT_TRUE(t.old_gone());
  EXPECT_FALSE(t.started());
  t.observe(running(200, 9'000'000), t0 + 4700ms);
  ASSERT_TRUE(t.started());
  EXPECT_EQ(*t.started_at(), t0 + 4700ms);
  EXPECT_EQ(t.pid_after(), 200);
  t.healthy(t0 + 6s);
  const RestartPhases p = t.phases(15s);
  EXPECT_EQ(p.drain, 4200ms);
  EXPECT_EQ(p.start, 500ms);
  EXPECT_EQ(p.ready, 1300ms);
  EXPECT_EQ(p.downtime, 6s);
  EXPECT_FALSE(p.drain_cut_off);
}

TEST(RestartPhases, ANewProcessWithTheSamePidIsStillNew) {
  // PIDs are reused: identity is (PID, start time).
  RestartPhaseTracker t(running(100, 5'000'000), t0);
  t.observe(running(100, 5'000'000), t0 + 1s);
  EXPECT_FALSE(t.started());
  t.observe(running(100, 7'000'000), t0 + 2s);
  EXPECT_TRUE(t.old_gone());
  EXPECT_TRUE(t.started());
  EXPECT_EQ(t.phases(15s).drain, 2s);
  EXPECT_EQ(t.phases(15s).start, 0s);
}

TEST(RestartPhases, AShortLivedNewProcessIsSeenThroughItsStartTimestamp) {
  RestartPhaseTracker t(running(100, 5'000'000), t0);
  t.observe(between_processes(8'000'000, "exit-code"), t0 + 1s);  // started and died between two looks
  EXPECT_TRUE(t.started());
  EXPECT_FALSE(t.pid_after().has_value());
}

TEST(RestartPhases, JobDoneEndsTheStartPhaseEvenWhenTheProcessWasMissed) {
  RestartPhaseTracker t(running(100, 5'000'000), t0);
  t.observe(draining(100, 5'000'000), t0 + 1s);
  t.job_done(t0 + 3s);
  EXPECT_TRUE(t.old_gone());
  EXPECT_EQ(t.started_at(), t0 + 3s);
  EXPECT_EQ(t.phases(15s).drain, 3s);
  EXPECT_EQ(t.phases(15s).start, 0s);
}

TEST(RestartPhases, HealthBeforeTheNewProcessIsTheOldOneAndDoesNotCount) {
  RestartPhaseTracker t(running(100, 5'000'000), t0);
  t.healthy(t0 + 1s);
  EXPECT_FALSE(t.ready());
  t.observe(running(200, 9'000'000), t0 + 2s);
  t.healthy(t0 + 3s);
  t.healthy(t0 + 4s);  // the first 2xx counts
  EXPECT_EQ(t.phases(15s).ready, 1s);
  EXPECT_EQ(t.phases(15s).downtime, 3s);
}

TEST(RestartPhases, UnfinishedPhasesAreUnknownNotZero) {
  RestartPhaseTracker t(running(100, 5'000'000), t0);
  t.observe(draining(100, 5'000'000), t0 + 1s);
  const RestartPhases p = t.phases(15s);
  EXPECT_FALSE(p.drain.has_value());
  EXPECT_FALSE(p.start.has_value());
  EXPECT_FALSE(p.ready.has_value());
  EXPECT_FALSE(p.downtime.has_value());
  EXPECT_FALSE(p.drain_cut_off);
}

TEST(RestartPhases, ADrainThatReachedTheGatewaysBudgetWasCutOff) {
  RestartPhaseTracker t(running(100, 5'000'000), t0);
  t.observe(between_processes(5'000'000), t0 + 314500ms);
  EXPECT_TRUE(t.phases(315s).drain_cut_off);   // within 1 s of the 315 s budget: the gateway aborted what was left
  EXPECT_FALSE(t.phases(330s).drain_cut_off);  // the same drain under a longer budget ended on its own
}

TEST(RestartPhases, SystemdKillingItAtTheStopTimeoutIsACutOff) {
  RestartPhaseTracker t(running(100, 5'000'000), t0);
  t.observe(between_processes(5'000'000, "timeout"), t0 + 2s);
  t.observe(running(200, 9'000'000), t0 + 3s);
  EXPECT_TRUE(t.phases(315s).drain_cut_off);
}

TEST(RestartPhases, NothingRunningBeforeMeansNoDrain) {
  RestartPhaseTracker t(between_processes(5'000'000, "exit-code"), t0);
  EXPECT_TRUE(t.old_gone());
  t.observe(running(300, 9'000'000), t0 + 1s);
  const RestartPhases p = t.phases(0s);
  EXPECT_EQ(p.drain, 0s);
  EXPECT_EQ(p.start, 1s);
  EXPECT_FALSE(p.drain_cut_off);
}

}  // namespace
}  // namespace openclaw::hook
