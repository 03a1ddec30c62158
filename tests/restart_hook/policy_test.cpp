// The policy is pure: every test passes `now` explicitly; nothing sleeps.
#include "policy.hpp"

#include <gtest/gtest.h>

#include "hook_test_util.hpp"
#include "state_store.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
using testing::example_config;
using testing::firing;
using testing::utc;

class PolicyTest : public ::testing::Test {
 protected:
  // Runs decide() and applies every decision, as the hook does for one delivered alert.
  std::vector<Decision> deliver(const Alert& alert, TimePoint now, Observations observed = {}) {
    auto decisions = decide(alert, config, state, now, observed);
    for (const auto& d : decisions) apply_decision(d, d.gateway.empty() ? "" : dedupe_key(d.gateway, alert), state,
                                                   config.policy, now);
    return decisions;
  }
  Decision deliver_one(const Alert& alert, TimePoint now, Observations observed = {}) {
    auto decisions = deliver(alert, now, observed);
    EXPECT_EQ(decisions.size(), 1U);
    return decisions.at(0);
  }
  void finish(const std::string& gateway = "default") { state.gateways[gateway].in_progress = false; }
  void prune_like_the_worker(TimePoint now) { prune_state(state, now, config.policy.window); }
  int restarts_started(const std::string& gateway = "default") {
    return static_cast<int>(state.gateways[gateway].restarts.size());
  }

  Config config = example_config();
  PolicyState state;
  const TimePoint t0 = utc("2026-03-10T10:00:00Z");  // outside every low-traffic window
};

TEST_F(PolicyTest, ImmediateFiringAlertForThisGatewayRestarts) {
  const Decision d = deliver_one(firing("OpenClawGatewayDown"), t0);
  EXPECT_EQ(d.action, Action::kRestart);
  EXPECT_EQ(d.reason, "executed");
  EXPECT_EQ(d.gateway, "default");
  EXPECT_EQ(d.rule, 0U);
  EXPECT_TRUE(state.gateways["default"].in_progress);
  EXPECT_EQ(state.gateways["default"].last_restart, t0);
}

TEST_F(PolicyTest, AlertMatchingNoRuleIsRecordedAndIgnored) {
  const Decision d = deliver_one(firing("SomethingElse"), t0);
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(d.reason, "no_matching_rule");
  EXPECT_EQ(d.gateway, "");
  EXPECT_FALSE(d.rule.has_value());
  EXPECT_TRUE(state.gateways.empty());
}

TEST_F(PolicyTest, ResolvedAlertsOnlyRecord) {
  Alert alert = firing("OpenClawGatewayDown");
  alert.status = "resolved";
  const Decision d = deliver_one(alert, t0);
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(d.reason, "resolved");
  EXPECT_EQ(restarts_started(), 0);
}

TEST_F(PolicyTest, AlertForAnotherGatewayNeverRestartsThisOne) {
  const Decision d = deliver_one(firing("OpenClawGatewayDown", "staging"), t0);
  EXPECT_EQ(d.reason, "no_matching_gateway");
  EXPECT_EQ(d.action, Action::kNone);
  Alert no_label = firing("OpenClawGatewayDown");
  no_label.labels.erase("gateway");
  EXPECT_EQ(deliver_one(no_label, t0).reason, "no_matching_gateway");
  EXPECT_EQ(restarts_started(), 0);
}

TEST_F(PolicyTest, OnlyTheMatchingGatewayOfSeveralIsRestarted) {
  GatewayConfig other = config.gateways[0];
  other.name = "second";
  other.match = Matchers{{LabelMatcher::equal("gateway", "second"), LabelMatcher::equal("instance", "host-b")}};
  config.gateways.push_back(other);
  Alert alert = firing("OpenClawGatewayDown", "second");
  EXPECT_EQ(deliver_one(alert, t0).reason, "no_matching_gateway");  // instance label missing
  alert.labels["instance"] = "host-b";
  const Decision d = deliver_one(alert, t0);
  EXPECT_EQ(d.gateway, "second");
  EXPECT_EQ(d.action, Action::kRestart);
  EXPECT_EQ(restarts_started("default"), 0);
}

TEST_F(PolicyTest, RegexRuleMatchersAreAnchored) {
  config.rules[0].match = Matchers{{LabelMatcher::regex("alertname", "OpenClaw(GatewayDown|Unresponsive)").value()}};
  EXPECT_EQ(deliver_one(firing("OpenClawUnresponsive"), t0).reason, "executed");
  EXPECT_EQ(deliver_one(firing("OpenClawUnresponsiveX", "default", "fp2"), t0).reason, "no_matching_rule");
}

TEST_F(PolicyTest, HaPairDuplicateDeliveriesRestartOnce) {
  // Two Alertmanagers deliver the same alert (same fingerprint and startsAt), then each retries.
  int restarts = 0;
  for (int delivery = 0; delivery < 4; ++delivery) {
    const Decision d = deliver_one(firing("OpenClawGatewayDown"), t0 + std::chrono::milliseconds(delivery * 30));
    if (d.action == Action::kRestart) ++restarts;
    if (delivery > 0) {
      EXPECT_EQ(d.reason, "duplicate");
    }
  }
  finish();
  // Still a duplicate long after the restart finished: Alertmanager re-sends every repeat_interval.
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0 + 4h).reason, "duplicate");
  EXPECT_EQ(restarts, 1);
  EXPECT_EQ(restarts_started(), 1);
}

TEST_F(PolicyTest, HundredDeliveriesOfOneAlertRestartOnce) {
  int restarts = 0;
  for (int i = 0; i < 100; ++i) {
    for (const auto& d : deliver(firing("OpenClawGatewayDown"), t0 + std::chrono::milliseconds(i))) {
      restarts += d.action == Action::kRestart ? 1 : 0;
    }
  }
  EXPECT_EQ(restarts, 1);
}

TEST_F(PolicyTest, DedupeEntryExpiresTtlAfterTheLastDelivery) {
  deliver_one(firing("OpenClawGatewayDown"), t0);
  finish();
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0 + 20h).reason, "duplicate");  // extends it to 44h
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0 + 40h).reason, "duplicate");  // to 64h
  // Within the last hour an entry is not extended (it may have been released by a resolution).
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0 + 64h - 1ms).reason, "duplicate");
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0 + 64h).reason, "executed");
}

TEST_F(PolicyTest, LongFiringAlertResentEveryRepeatIntervalActsOnlyOnce) {
  int restarts = 0;
  for (auto at = t0; at < t0 + 7 * 24h; at += 4h) {  // Alertmanager's default repeat_interval, for a week
    const Decision d = deliver_one(firing("OpenClawGatewayDown"), at);
    restarts += d.action == Action::kRestart ? 1 : 0;
    finish();
  }
  EXPECT_EQ(restarts, 1);
}

TEST_F(PolicyTest, DuplicatesExtendTheEntryOnlyTwicePerTtlSoAStormWritesNothing) {
  deliver_one(firing("OpenClawGatewayDown"), t0);
  EXPECT_FALSE(deliver_one(firing("OpenClawGatewayDown"), t0 + 1s).records_dedupe);
  EXPECT_FALSE(deliver_one(firing("OpenClawGatewayDown"), t0 + 12h - 1ms).records_dedupe);
  EXPECT_TRUE(deliver_one(firing("OpenClawGatewayDown"), t0 + 12h + 1ms).records_dedupe);
  EXPECT_FALSE(deliver_one(firing("OpenClawGatewayDown"), t0 + 12h + 2ms).records_dedupe);
}

TEST_F(PolicyTest, ResolvedAlertKeepsItsEntryOnlyForLateCopies) {
  const Alert alert = firing("OpenClawGatewayDown");
  deliver_one(alert, t0);
  finish();
  Alert resolved = alert;
  resolved.status = "resolved";
  const Decision r = deliver_one(resolved, t0 + 10min);
  EXPECT_EQ(r.reason, "resolved");
  EXPECT_TRUE(r.releases_dedupe);
  EXPECT_EQ(state.dedupe.at(dedupe_key("default", alert)), t0 + 10min + 1h);
  EXPECT_EQ(deliver_one(alert, t0 + 40min).reason, "duplicate");  // an HA peer's late firing copy
  EXPECT_EQ(state.dedupe.at(dedupe_key("default", alert)), t0 + 10min + 1h);  // not extended again
  prune_like_the_worker(t0 + 10min + 1h);
  EXPECT_TRUE(state.dedupe.empty());
  // A resolved alert that was never served changes nothing.
  EXPECT_FALSE(deliver_one(resolved, t0 + 2h).releases_dedupe);
  EXPECT_TRUE(state.dedupe.empty());
}

TEST_F(PolicyTest, DedupeMapIsBoundedDroppingTheEntryClosestToExpiry) {
  for (std::size_t i = 0; i <= kMaxDedupeEntries; ++i) {
    deliver(firing("OpenClawGatewayDown", "default", "fp" + std::to_string(i)),
            t0 + std::chrono::milliseconds(i));
  }
  EXPECT_EQ(state.dedupe.size(), kMaxDedupeEntries);
  EXPECT_FALSE(state.dedupe.contains(dedupe_key("default", firing("OpenClawGatewayDown", "default", "fp0"))));
  EXPECT_TRUE(state.dedupe.contains(dedupe_key("default", firing("OpenClawGatewayDown", "default", "fp1"))));
  EXPECT_EQ(restarts_started(), 1);  // the first restarted; the rest coalesced into it
}

TEST_F(PolicyTest, AlertsDuringARestartCoalesceIntoIt) {
  deliver_one(firing("OpenClawGatewayDown"), t0);
  const Decision d = deliver_one(firing("OpenClawGatewayDown", "default", "fp-other"), t0 + 1s);
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(d.reason, "in_progress_coalesced");
  finish();
  // It was served by that restart: its redelivery is a duplicate, not a new restart after the cooldown.
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "fp-other"), t0 + 16min).reason, "duplicate");
}

TEST_F(PolicyTest, CooldownBoundary) {
  deliver_one(firing("OpenClawGatewayDown", "default", "a"), t0);
  finish();
  const Decision early = deliver_one(firing("OpenClawGatewayDown", "default", "b"), t0 + 15min - 1ms);
  EXPECT_EQ(early.reason, "cooldown");
  EXPECT_EQ(early.action, Action::kNone);
  // A declined alert is not "served": its redelivery after the cooldown may act.
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "b"), t0 + 15min).reason, "executed");
}

TEST_F(PolicyTest, CircuitOpensBeyondMaxRestartsInWindowAndClosesWhenTheWindowPasses) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "fp" + std::to_string(i)), t0 + i * 16min).reason,
              "executed");
    finish();
  }
  const TimePoint fourth = t0 + 48min;
  const Decision refused = deliver_one(firing("OpenClawGatewayDown", "default", "fp3"), fourth);
  EXPECT_EQ(refused.reason, "circuit_open");
  EXPECT_TRUE(refused.opens_circuit);
  EXPECT_TRUE(circuit_open(state.gateways["default"], config.policy, fourth));
  // Open until one window after it opened, even though the first restart has aged out by then.
  const Decision still = deliver_one(firing("OpenClawGatewayDown", "default", "fp4"), fourth + 1h - 1ms);
  EXPECT_EQ(still.reason, "circuit_open");
  EXPECT_FALSE(still.opens_circuit);
  EXPECT_FALSE(circuit_open(state.gateways["default"], config.policy, fourth + 1h));
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "fp5"), fourth + 1h).reason, "executed");
}

TEST_F(PolicyTest, RestartsOlderThanTheWindowDoNotCount) {
  config.policy.cooldown = 0ms;
  for (int i = 0; i < 3; ++i) {
    deliver_one(firing("OpenClawGatewayDown", "default", "fp" + std::to_string(i)), t0 + i * 1min);
    finish();
  }
  EXPECT_EQ(restarts_in_window(state.gateways["default"], config.policy, t0 + 1h - 1ms), 3);
  EXPECT_EQ(restarts_in_window(state.gateways["default"], config.policy, t0 + 1h), 2);
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "late"), t0 + 1h).reason, "executed");
}

TEST_F(PolicyTest, OperatorResetClosesTheCircuit) {
  config.policy.cooldown = 0ms;
  for (int i = 0; i < 4; ++i) {
    deliver_one(firing("OpenClawGatewayDown", "default", "fp" + std::to_string(i)), t0 + i * 1min);
    finish();
  }
  ASSERT_TRUE(circuit_open(state.gateways["default"], config.policy, t0 + 5min));
  reset_circuit(state.gateways["default"], t0 + 5min);
  EXPECT_FALSE(circuit_open(state.gateways["default"], config.policy, t0 + 5min));
  EXPECT_EQ(restarts_in_window(state.gateways["default"], config.policy, t0 + 5min), 0);
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "after-reset"), t0 + 5min).reason, "executed");
}

TEST_F(PolicyTest, ScheduledOutsideAWindowWaitsForTheNextOne) {
  const Decision d = deliver_one(firing("OpenClawGatewayUptimeHigh"), t0);
  EXPECT_EQ(d.action, Action::kDefer);
  EXPECT_EQ(d.reason, "outside_window");
  EXPECT_EQ(d.not_before, utc("2026-03-10T12:00:00Z"));
  ASSERT_TRUE(state.gateways["default"].pending.has_value());
  EXPECT_EQ(state.gateways["default"].pending->since, t0);
  // The worker re-checks: still outside at 11:59:59, runs at 12:00.
  const auto& gs = state.gateways["default"];
  EXPECT_EQ(decide_pending("default", gs, config.policy, utc("2026-03-10T11:59:59Z"), {})->action, Action::kDefer);
  const auto run = decide_pending("default", gs, config.policy, utc("2026-03-10T12:00:00Z"), {});
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->action, Action::kRestart);
  EXPECT_EQ(run->reason, "executed");
  EXPECT_EQ(run->rule, 1U);
  apply_decision(*run, "", state, config.policy, utc("2026-03-10T12:00:00Z"));
  EXPECT_FALSE(state.gateways["default"].pending.has_value());
  EXPECT_TRUE(state.gateways["default"].in_progress);
}

TEST_F(PolicyTest, ScheduledInsideAWindowRunsAtOnceAndWindowEndIsExclusive) {
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "a"), utc("2026-03-10T04:29:59Z")).reason,
            "executed");
  state = {};
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "b"), utc("2026-03-10T04:30:00Z")).reason,
            "outside_window");
}

TEST_F(PolicyTest, FurtherScheduledAlertsCoalesceIntoThePendingRestart) {
  deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "a"), t0);
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "b"), t0 + 1min).reason, "pending_coalesced");
  EXPECT_EQ(state.gateways["default"].pending->since, t0);
}

TEST_F(PolicyTest, ImmediateAlertRunsAtOnceAndServesThePendingOne) {
  deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "a"), t0);
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "b"), t0 + 1min).reason, "executed");
  EXPECT_FALSE(state.gateways["default"].pending.has_value());
}

TEST_F(PolicyTest, PendingRestartIsDroppedWhenTheCircuitIsOpen) {
  deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "a"), t0);
  state.gateways["default"].circuit_opened_at = t0 + 90min;
  const auto d = decide_pending("default", state.gateways["default"], config.policy, utc("2026-03-10T12:00:00Z"), {});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->action, Action::kNone);
  EXPECT_EQ(d->reason, "circuit_open");
  apply_decision(*d, "", state, config.policy, utc("2026-03-10T12:00:00Z"));
  EXPECT_FALSE(state.gateways["default"].pending.has_value());
}

TEST_F(PolicyTest, BusyGatewayDefersAScheduledRestartAtMostMaxDefer) {
  config.policy.busy.max_connections = 10;
  const TimePoint in_window = utc("2026-03-10T12:05:00Z");
  EXPECT_EQ(wants_busy_observation(firing("OpenClawGatewayUptimeHigh"), config, state, in_window),
            &config.gateways[0]);
  EXPECT_EQ(wants_busy_observation(firing("OpenClawGatewayDown"), config, state, in_window), nullptr);
  EXPECT_EQ(wants_busy_observation(firing("OpenClawGatewayUptimeHigh", "other"), config, state, in_window), nullptr);
  const Decision d = deliver_one(firing("OpenClawGatewayUptimeHigh"), in_window, {.busy = true});
  // Its redeliveries (and other alerts that would only coalesce) measure nothing: a storm never reads /proc.
  EXPECT_EQ(wants_busy_observation(firing("OpenClawGatewayUptimeHigh"), config, state, in_window + 1s), nullptr);
  EXPECT_EQ(wants_busy_observation(firing("OpenClawGatewayUptimeHigh", "default", "fp9"), config, state, in_window),
            nullptr);
  EXPECT_EQ(d.action, Action::kDefer);
  EXPECT_EQ(d.reason, "busy_deferred");
  config.policy.busy.max_defer = 20min;
  const auto& gs = state.gateways["default"];
  EXPECT_EQ(decide_pending("default", gs, config.policy, in_window + 10min, {.busy = true})->reason, "busy_deferred");
  EXPECT_EQ(decide_pending("default", gs, config.policy, in_window + 11min, {.busy = false})->reason, "executed");
  // Past the window's end it waits for the next window rather than running.
  EXPECT_EQ(decide_pending("default", gs, config.policy, in_window + 25min, {.busy = true})->reason, "outside_window");
  config.policy.low_traffic_windows[1].end = std::chrono::minutes(13 * 60);
  const auto forced = decide_pending("default", gs, config.policy, in_window + 20min, {.busy = true});
  EXPECT_EQ(forced->action, Action::kRestart);
  EXPECT_EQ(forced->reason, "max_defer_reached");
}

TEST_F(PolicyTest, DryRunDecidesButNeverActs) {
  const Decision d = deliver_one(firing("OpenClawGatewayDown"), t0, {.busy = std::nullopt, .dry_run = true});
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(d.reason, "dry_run");
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0 + 1s, {.busy = std::nullopt, .dry_run = true}).reason, "duplicate");
  EXPECT_EQ(restarts_started(), 0);
}

TEST_F(PolicyTest, CooldownKeepsAPendingRestartWaiting) {
  deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "a"), t0);
  state.gateways["default"].last_restart = utc("2026-03-10T11:55:00Z");
  const auto d = decide_pending("default", state.gateways["default"], config.policy, utc("2026-03-10T12:00:00Z"), {});
  EXPECT_EQ(d->action, Action::kDefer);
  EXPECT_EQ(d->reason, "cooldown");
  apply_decision(*d, "", state, config.policy, utc("2026-03-10T12:00:00Z"));
  EXPECT_TRUE(state.gateways["default"].pending.has_value());
  EXPECT_EQ(decide_pending("default", state.gateways["default"], config.policy, utc("2026-03-10T12:10:00Z"), {})
                ->reason,
            "executed");
}

}  // namespace
}  // namespace openclaw::hook
