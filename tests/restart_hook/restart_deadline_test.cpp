// The restart deadline and the gateway's drain budget, from the unit's timeouts (pure).
#include <gtest/gtest.h>
#include <signal.h>

#include "restart_deadline.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;

UnitStatus unit(std::chrono::microseconds stop, std::chrono::microseconds start, std::chrono::microseconds restart) {
  UnitStatus s;
  s.timeout_stop = stop;
  s.timeout_start = start;
  s.restart_delay = restart;
  return s;
}

TEST(GatewayDrainBudget, IsTheGatewaysOwnFormula) {
  EXPECT_EQ(gateway_drain_budget(330s), 315s);  // the unit openclaw installs: min(325, 325) - 10
  EXPECT_EQ(gateway_drain_budget(90s), 75s);    // min(325, 85) - 10
  EXPECT_EQ(gateway_drain_budget(600s), 315s);  // capped at 325 s of shutdown
  EXPECT_EQ(gateway_drain_budget(UnitStatus::kInfinity), 315s);
  EXPECT_EQ(gateway_drain_budget(30s), 15s);
  EXPECT_EQ(gateway_drain_budget(10s), 0s);  // nothing left to drain with: never negative
  EXPECT_EQ(gateway_drain_budget(std::chrono::microseconds(30'500'000)), 15500ms);
}

TEST(RestartDeadline, SystemctlIsStopPlusStartPlusMargin) {
  EXPECT_EQ(derive_restart_deadline(unit(330s, 30s, 5s), ActionKind::kSystemctl, SIGUSR2), 330s + 30s + kDeadlineMargin);
  EXPECT_EQ(derive_restart_deadline(unit(30s, 5s, 0s), ActionKind::kSystemctl, SIGTERM), 45s);
  // Sub-millisecond parts round up: a deadline is never shorter than the unit's budget.
  EXPECT_EQ(derive_restart_deadline(unit(std::chrono::microseconds(1'000'001), 1s, 0s), ActionKind::kSystemctl, 0),
            1001ms + 1s + kDeadlineMargin);
}

TEST(RestartDeadline, InfinityFallsBackToTheGatewaysCapsNotForever) {
  EXPECT_EQ(derive_restart_deadline(unit(UnitStatus::kInfinity, 30s, 5s), ActionKind::kSystemctl, 0),
            kGatewayShutdownCap + 30s + kDeadlineMargin);
  EXPECT_EQ(derive_restart_deadline(unit(330s, UnitStatus::kInfinity, 5s), ActionKind::kSystemctl, 0),
            330s + kUnboundedStartBudget + kDeadlineMargin);
  EXPECT_EQ(derive_restart_deadline(unit(0s, 0s, 0s), ActionKind::kSystemctl, 0),
            kGatewayShutdownCap + kUnboundedStartBudget + kDeadlineMargin);
}

TEST(RestartDeadline, SignalAddsRestartSecAndSigusr2sDeferral) {
  EXPECT_EQ(derive_restart_deadline(unit(330s, 30s, 5s), ActionKind::kSignal, SIGTERM), 330s + 5s + 30s + 10s);
  EXPECT_EQ(derive_restart_deadline(unit(330s, 30s, 5s), ActionKind::kSignal, SIGUSR2),
            kSigusr2DeferCap + 330s + 5s + 30s + 10s);
  EXPECT_EQ(derive_restart_deadline(unit(330s, 30s, UnitStatus::kInfinity), ActionKind::kSignal, SIGTERM),
            330s + 30s + 10s);
}

}  // namespace
}  // namespace openclaw::hook
