// Wall-clock steps (NTP, `date -s`) against cooldown and circuit: the engine with a fake clock whose wall reading
// steps while its monotonic reading does not (FakeClock::step), and the pure parts of clock_step.hpp.
#include "clock_step.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "engine.hpp"
#include "fakes.hpp"
#include "hook_test_util.hpp"
#include "state_store.hpp"
#include "test_support.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
using testing::utc;
namespace t = openclaw::testing;

TEST(WallClockSteps, ReportsOnlyStepsBeyondTheToleranceAndReanchorsEachReading) {
  testing::FakeClock clock(utc("2026-03-10T10:00:00Z"));
  WallClockSteps steps(1s);
  EXPECT_EQ(steps.read(clock).step, 0ms);  // the first reading is the anchor
  clock.advance(10min);
  EXPECT_EQ(steps.read(clock).step, 0ms);
  clock.step(900ms);  // a small step (or a slew) is absorbed...
  EXPECT_EQ(steps.read(clock).step, 0ms);
  clock.step(900ms);  // ...and does not add up with the next one
  EXPECT_EQ(steps.read(clock).step, 0ms);
  clock.advance(1min);
  clock.step(-2h);
  const auto back = steps.read(clock);
  EXPECT_EQ(back.step, -2h);
  EXPECT_EQ(back.wall, clock.now());
  EXPECT_EQ(steps.read(clock).step, 0ms);  // reported once
  clock.step(3h);
  EXPECT_EQ(steps.read(clock).step, 3h);
}

TEST(ClockStep, ShiftMovesEveryRecordedTime) {
  PolicyState state;
  GatewayState& gs = state.gateways["default"];
  const TimePoint t0 = utc("2026-03-10T10:00:00Z");
  gs.restarts = {t0, t0 + 10min};
  gs.last_restart = t0 + 10min;
  gs.circuit_opened_at = t0 + 11min;
  gs.pending = PendingRestart{};
  gs.pending->since = t0;
  gs.pending->not_before = t0 + 1h;
  state.dedupe["k"] = t0 + 24h;
  shift_recorded_times(state, -1h);
  EXPECT_EQ(gs.restarts, (std::vector<TimePoint>{t0 - 1h, t0 - 50min}));
  EXPECT_EQ(gs.last_restart, t0 - 50min);
  EXPECT_EQ(gs.circuit_opened_at, t0 - 49min);
  EXPECT_EQ(gs.pending->since, t0 - 1h);
  EXPECT_EQ(gs.pending->not_before, t0);
  EXPECT_EQ(state.dedupe["k"], t0 + 23h);
}

// After a step back while no hook ran, the latest event becomes "now" and the others keep their distance to it:
// a circuit opened after an operator's reset stays open.
TEST(ClockStep, RebaseKeepsTheOrderOfEventsRecordedInTheFuture) {
  PolicyState state;
  GatewayState& gs = state.gateways["default"];
  const TimePoint now = utc("2026-03-10T10:00:00Z");
  gs.circuit_reset_at = now + 2h;
  gs.restarts = {now + 2h + 5min, now + 2h + 10min, now + 2h + 20min};
  gs.last_restart = gs.restarts.back();
  gs.circuit_opened_at = now + 2h + 25min;
  EXPECT_EQ(rebase_future_records(state, now), -(2h + 25min));
  EXPECT_EQ(gs.circuit_opened_at, now);
  EXPECT_EQ(gs.circuit_reset_at, now - 25min);
  EXPECT_EQ(gs.last_restart, now - 5min);
  PolicyConfig policy;
  policy.window = 1h;
  policy.max_restarts = 3;
  EXPECT_TRUE(circuit_open(gs, policy, now));
  EXPECT_EQ(restarts_in_window(gs, policy, now), 3);
  EXPECT_EQ(rebase_future_records(state, now), 0ms);  // nothing in the future any more
}

TEST(ClockStep, ARestartRecordedInTheFutureCountsTowardsTheCircuit) {
  GatewayState gs;
  const TimePoint now = utc("2026-03-10T10:00:00Z");
  gs.restarts = {now - 10min, now + 30min, now + 50min};
  PolicyConfig policy;
  policy.window = 1h;
  EXPECT_EQ(restarts_in_window(gs, policy, now), 3);
}

class ClockStepEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start() {
    engine.reset();
    config = std::make_unique<Config>(testing::example_config(dir.file("state")));
    metrics = std::make_unique<HookMetrics>(std::vector<std::string>{"default"});
    engine = std::make_unique<Engine>(*config, EngineDeps{clock, runner, health, busy, units}, *metrics,
                                      EngineOptions{.dry_run = false, .tick_interval = 50ms,
                                                    .verify_poll_interval = 10ms});
  }
  // One "gateway down" alert (a new fingerprint each time, so dedupe never answers); the decision's reason.
  std::string deliver() {
    WebhookPayload payload;
    payload.alerts.push_back(testing::firing("OpenClawGatewayDown", "default", "fp" + std::to_string(++alerts)));
    const auto decided = engine->handle(payload);
    EXPECT_TRUE(decided.ok());
    EXPECT_TRUE(t::wait_until([&] { return engine->idle(); }, 10s));
    return decided.ok() ? decided->at(0).value("reason", "") : "";
  }

  t::TempDir dir;
  testing::FakeClock clock{utc("2026-03-10T10:00:00Z")};
  testing::FakeRunner runner;
  testing::FakeHealth health;
  testing::FakeBusy busy;
  testing::FakeUnitControl units;
  std::unique_ptr<Config> config;  // cooldown 15m, max_restarts 3, window 1h
  std::unique_ptr<HookMetrics> metrics;
  std::unique_ptr<Engine> engine;
  int alerts = 0;
};

TEST_F(ClockStepEngineTest, AForwardStepDoesNotShortenTheCooldown) {
  ASSERT_EQ(deliver(), "executed");
  clock.advance(1min);
  clock.step(1h);  // the wall clock jumps an hour ahead; one real minute has passed
  EXPECT_EQ(deliver(), "cooldown");
  clock.advance(13min);
  EXPECT_EQ(deliver(), "cooldown");  // 14 real minutes
  clock.advance(1min + 1s);
  EXPECT_EQ(deliver(), "executed");  // 15 real minutes
  EXPECT_EQ(testing::audit_events(*engine, "clock_step").size(), 1U);
  EXPECT_EQ(testing::audit_events(*engine, "clock_step").at(0)["step_seconds"], 3600.0);
}

TEST_F(ClockStepEngineTest, AForwardStepDoesNotDropRestartsFromTheCircuitWindow) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(deliver(), "executed");
    clock.advance(16min);
  }
  clock.step(2h);  // both restarts would be older than the 1 h window on the new clock
  ASSERT_EQ(deliver(), "executed");  // the third within an hour of real time
  clock.advance(16min);
  EXPECT_EQ(deliver(), "circuit_open");  // a fourth would be one too many
}

TEST_F(ClockStepEngineTest, ABackwardStepKeepsRestartsInTheCircuitWindowAndDoesNotLengthenTheCooldown) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(deliver(), "executed");
    clock.advance(16min);
  }
  clock.step(-2h);  // on the new clock every restart lies in the future
  EXPECT_EQ(deliver(), "circuit_open");  // 48 real minutes after the first: three in the window
  const auto state = engine->state().gateways.at("default");
  ASSERT_EQ(state.restarts.size(), 3U);
  EXPECT_LE(state.restarts.back(), clock.now());
  EXPECT_EQ(clock.now() - *state.last_restart, 16min);  // the cooldown counts from the real restart
}

TEST_F(ClockStepEngineTest, ABackwardStepDoesNotLengthenTheCooldown) {
  ASSERT_EQ(deliver(), "executed");
  clock.step(-1h);
  clock.advance(15min + 1s);
  EXPECT_EQ(deliver(), "executed");
}

// The hook is stopped, the clock goes back, the hook starts: what state.json holds "in the future" just happened.
TEST_F(ClockStepEngineTest, AStepBackWhileTheHookWasDownKeepsCooldownAndCircuit) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(deliver(), "executed");
    if (i < 2) clock.advance(16min);
  }
  engine.reset();
  clock.step(-3h);
  start();
  EXPECT_EQ(testing::audit_events(*engine, "clock_step").size(), 1U);
  EXPECT_EQ(deliver(), "circuit_open");  // the three restarts still count (the last one "now")
  const PolicyState persisted = StateStore(dir.file("state")).load().value();
  EXPECT_EQ(persisted.gateways.at("default").last_restart, clock.now());
  EXPECT_EQ(persisted.gateways.at("default").restarts.front(), clock.now() - 32min);
}

TEST_F(ClockStepEngineTest, AStepBackWhileTheHookWasDownHoldsTheCooldownFromStartOnly) {
  ASSERT_EQ(deliver(), "executed");
  engine.reset();
  clock.step(-3h);
  start();
  EXPECT_EQ(deliver(), "cooldown");
  clock.advance(15min + 1s);
  EXPECT_EQ(deliver(), "executed");  // not three hours later
}

}  // namespace
}  // namespace openclaw::hook
