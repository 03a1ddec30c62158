#include "shutdown.hpp"

#include <string>

#include "fixture.hpp"

namespace openclaw::fixture {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kStillDrainingEvery{30};

std::string counts(int active_tasks) { return "activeTasks=" + std::to_string(active_tasks); }

}  // namespace

bool drain_active_work(Fixture& fixture, const sigset_t& signals, DrainAction action, const ShutdownBudget& budget) {
  fixture.behaviour.set_draining();
  fixture.write_state_file();
  const std::string what = action == DrainAction::kStop ? "stop" : "restart";
  const std::string drain_ms = std::to_string(budget.drain.count()) + "ms";
  const auto start = Clock::now();
  const auto deadline = start + budget.drain;
  const bool busy_at_start = fixture.work.count() > 0;
  if (busy_at_start) {
    fixture.log.info("draining active work before " + what + " with timeout " + drain_ms + ": " +
                     counts(fixture.work.count()));
  }
  auto last_warning = start;
  const timespec tick{0, 50 * 1000 * 1000};
  bool drained = true;
  bool stop_requested = false;
  while (fixture.work.count() > 0 && fixture.exit_code.load() < 0) {
    const auto now = Clock::now();
    if (now >= deadline) {
      drained = false;
      break;
    }
    if (now - last_warning >= kStillDrainingEvery) {
      last_warning = now;
      fixture.log.warn("still draining active work before " + what + ": " + counts(fixture.work.count()));
    }
    siginfo_t info{};
    const int sig = sigtimedwait(&signals, &info, &tick);
    if (sig == SIGCHLD) fixture.child.reap();
    if (sig == SIGTERM || sig == SIGINT) stop_requested = true;
  }
  if (action == DrainAction::kStop) {
    if (!drained) {
      fixture.log.warn("gateway active-work drain timeout reached; proceeding with shutdown: " +
                       counts(fixture.work.count()));
    }
    fixture.log.info("active-work drain settled; beginning server close");
  } else if (!drained) {
    fixture.log.warn("restart drain budget " + drain_ms + " exhausted; cutting short " + counts(fixture.work.count()));
  } else if (busy_at_start) {
    fixture.log.info("all active work drained");
  }
  return stop_requested;
}

bool restart_may_proceed(const Fixture& fixture, Clock::time_point requested_at) {
  return fixture.work.count() == 0 || Clock::now() - requested_at >= kRestartDeferralCap;
}

}  // namespace openclaw::fixture
