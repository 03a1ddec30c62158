#pragma once

#include <signal.h>

#include <chrono>

#include "shutdown_budget.hpp"

namespace openclaw::fixture {

struct Fixture;

// Draining active work before a stop or a restart, like openclaw 2026.9.6 (dist/run-*.mjs drainGatewayActiveWork):
// admission closes at once (GatewayBehaviour::set_draining: /readyz 503 "gateway-draining", /startupz 503 "draining",
// WebSocket upgrades and the preflight 503, POST /__fixture/work refused; /healthz stays 200), then it waits until
// the active work ends or `budget.drain` has passed. Log lines (gateway subsystem), with N = active tasks:
//   stop:    "draining active work before stop with timeout <drain>ms: activeTasks=N"   (only when busy)
//            "still draining active work before stop: activeTasks=N"                     (WARN, every 30 s)
//            "gateway active-work drain timeout reached; proceeding with shutdown: activeTasks=N"  (WARN, when cut)
//            "active-work drain settled; beginning server close"                          (always)
//   restart: "draining active work before restart with timeout <drain>ms: activeTasks=N" (only when busy)
//            "all active work drained" | "restart drain budget <drain>ms exhausted; cutting short activeTasks=N"
// The work itself is not cut short (the fixture's work is only a timer): what is left simply stops counting when the
// process ends. While waiting it takes `signals` (blocked in every thread) so SIGCHLD still reaps the child worker;
// an exit requested through the control API ends the wait. Returns true when SIGTERM or SIGINT arrived meanwhile (a
// stop's drain goes on regardless; a restart's caller then stops instead of restarting).
enum class DrainAction { kStop, kRestart };
bool drain_active_work(Fixture& fixture, const sigset_t& signals, DrainAction action, const ShutdownBudget& budget);

// SIGUSR2's deferral: the real gateway polls every 500 ms until active work is 0 (at most 300 s; /readyz stays 200),
// then restarts. True when a restart requested at `requested_at` may go ahead now.
inline constexpr std::chrono::seconds kRestartDeferralCap{300};
bool restart_may_proceed(const Fixture& fixture, std::chrono::steady_clock::time_point requested_at);

}  // namespace openclaw::fixture
