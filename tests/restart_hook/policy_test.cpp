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

// What the engine measured about the gateway "default".
Observations seen(Busy busy, std::optional<UnitView> unit = std::nullopt, std::optional<bool> healthy = std::nullopt) {
  Observations observed;
  observed.gateways["default"] = GatewayObservation{busy, std::move(unit), healthy};
  return observed;
}
Observations dry_run() {
  Observations observed;
  observed.dry_run = true;
  return observed;
}
UnitView unit(const std::string& active, const std::string& result, int code = 0, int status = 0) {
  return UnitView{active, result, code, status};
}

class PolicyTest : public ::testing::Test {
 protected:
  // Runs decide() and applies every decision, as the hook does for one delivered alert.
  std::vector<Decision> deliver(const Alert& alert, TimePoint now, Observations observed = {}) {
    auto decisions = decide(alert, config, state, now, observed);
    for (const auto& d : decisions) apply_decision(d, d.gateway.empty() ? "" : dedupe_key(d.gateway, alert), state,
                                                   config, now);
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

// In a fleet each host's hook gets only its own host's alerts; a mis-route (or a forged alert) naming another host
// never restarts this one. An alert without a `host` label is this host's.
TEST_F(PolicyTest, AnAlertForAnotherHostIsRefused) {
  config.host = "gw-a";
  Alert other = firing("OpenClawGatewayDown");
  other.labels["host"] = "gw-b";
  const Decision refused = deliver_one(other, t0);
  EXPECT_EQ(refused.action, Action::kNone);
  EXPECT_EQ(refused.reason, "wrong_host");
  EXPECT_EQ(refused.gateway, "");
  EXPECT_TRUE(state.gateways.empty());
  Alert own = firing("OpenClawGatewayDown", "default", "own");
  own.labels["host"] = "gw-a";
  EXPECT_EQ(deliver_one(own, t0).reason, "executed");
  finish();
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "no-host"), t0 + 20min).reason, "executed");
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
  EXPECT_EQ(decide_pending("default", gs, config, utc("2026-03-10T11:59:59Z"), {})->action, Action::kDefer);
  const auto run = decide_pending("default", gs, config, utc("2026-03-10T12:00:00Z"), {});
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->action, Action::kRestart);
  EXPECT_EQ(run->reason, "executed");
  EXPECT_EQ(run->rule, 1U);
  apply_decision(*run, "", state, config, utc("2026-03-10T12:00:00Z"));
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
  const auto d = decide_pending("default", state.gateways["default"], config, utc("2026-03-10T12:00:00Z"), {});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->action, Action::kNone);
  EXPECT_EQ(d->reason, "circuit_open");
  apply_decision(*d, "", state, config, utc("2026-03-10T12:00:00Z"));
  EXPECT_FALSE(state.gateways["default"].pending.has_value());
}

TEST_F(PolicyTest, BusyGatewayDefersAScheduledRestartAtMostMaxDefer) {
  config.policy.busy.max_connections = 10;
  const TimePoint in_window = utc("2026-03-10T12:05:00Z");
  const auto wanted = wanted_observations(firing("OpenClawGatewayUptimeHigh"), config, state, in_window);
  ASSERT_EQ(wanted.size(), 1U);
  EXPECT_TRUE(wanted.at("default").busy);
  EXPECT_TRUE(wanted.at("default").unit);
  EXPECT_FALSE(wanted.at("default").health);  // no confirm: on this rule
  EXPECT_FALSE(wanted_observations(firing("OpenClawGatewayDown"), config, state, in_window).at("default").busy);
  EXPECT_TRUE(wanted_observations(firing("OpenClawGatewayUptimeHigh", "other"), config, state, in_window).empty());
  const Decision d = deliver_one(firing("OpenClawGatewayUptimeHigh"), in_window, seen(Busy::kBusy));
  // Its redeliveries (and other alerts that would only coalesce) measure nothing: a storm never reads /proc.
  EXPECT_TRUE(wanted_observations(firing("OpenClawGatewayUptimeHigh"), config, state, in_window + 1s).empty());
  EXPECT_TRUE(
      wanted_observations(firing("OpenClawGatewayUptimeHigh", "default", "fp9"), config, state, in_window).empty());
  EXPECT_EQ(d.action, Action::kDefer);
  EXPECT_EQ(d.reason, "busy_deferred");
  config.policy.busy.max_defer = 20min;
  const auto& gs = state.gateways["default"];
  EXPECT_EQ(decide_pending("default", gs, config, in_window + 10min, seen(Busy::kBusy))->reason, "busy_deferred");
  EXPECT_EQ(decide_pending("default", gs, config, in_window + 11min, seen(Busy::kIdle))->reason, "executed");
  // Past the window's end it waits for the next window rather than running.
  EXPECT_EQ(decide_pending("default", gs, config, in_window + 25min, seen(Busy::kBusy))->reason, "outside_window");
  config.policy.low_traffic_windows[1].end = std::chrono::minutes(13 * 60);
  const auto forced = decide_pending("default", gs, config, in_window + 20min, seen(Busy::kBusy));
  EXPECT_EQ(forced->action, Action::kRestart);
  EXPECT_EQ(forced->reason, "max_defer_reached");
}

TEST_F(PolicyTest, DryRunDecidesButNeverActs) {
  const Decision d = deliver_one(firing("OpenClawGatewayDown"), t0, dry_run());
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(d.reason, "dry_run");
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0 + 1s, dry_run()).reason, "duplicate");
  EXPECT_EQ(restarts_started(), 0);
}

TEST_F(PolicyTest, CooldownKeepsAPendingRestartWaiting) {
  deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "a"), t0);
  state.gateways["default"].last_restart = utc("2026-03-10T11:55:00Z");
  const auto d = decide_pending("default", state.gateways["default"], config, utc("2026-03-10T12:00:00Z"), {});
  EXPECT_EQ(d->action, Action::kDefer);
  EXPECT_EQ(d->reason, "cooldown");
  apply_decision(*d, "", state, config, utc("2026-03-10T12:00:00Z"));
  EXPECT_TRUE(state.gateways["default"].pending.has_value());
  EXPECT_EQ(decide_pending("default", state.gateways["default"], config, utc("2026-03-10T12:10:00Z"), {})
                ->reason,
            "executed");
}

TEST_F(PolicyTest, AScheduledRestartIsAnnouncedNoticeLeadBeforeItRuns) {
  config.policy.notice_lead = 5min;
  const TimePoint in_window = utc("2026-03-10T12:05:00Z");
  const Decision d = deliver_one(firing("OpenClawGatewayUptimeHigh"), in_window);
  EXPECT_EQ(d.action, Action::kDefer);
  EXPECT_EQ(d.reason, "notice");
  EXPECT_EQ(d.not_before, in_window + 5min);
  const auto& gs = state.gateways["default"];
  EXPECT_EQ(gs.pending->not_before, in_window + 5min);
  EXPECT_EQ(decide_pending("default", gs, config, in_window + 5min - 1ms, {})->reason, "notice");
  const auto run = decide_pending("default", gs, config, in_window + 5min, {});
  EXPECT_EQ(run->action, Action::kRestart);
  EXPECT_EQ(run->reason, "executed");
  // Outside a window the announcement is the window's opening, or later when the lead does not fit before it.
  state = {};
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayUptimeHigh"), t0).not_before, utc("2026-03-10T12:00:00Z"));
  state = {};
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayUptimeHigh"), utc("2026-03-10T11:58:00Z")).not_before,
            utc("2026-03-10T12:03:00Z"));
  EXPECT_EQ(decide_pending("default", state.gateways["default"], config, utc("2026-03-10T12:01:00Z"), {})->reason,
            "notice");
}

// Hosts sharing the windows do not all restart at the window's first second: each gateway runs at its offset into
// the window (at most half of it), announced notice_lead before, whether the alert came inside or before the window.
TEST_F(PolicyTest, AScheduledRestartRunsAtItsHostsOffsetIntoTheWindow) {
  config.policy.notice_lead = 5min;
  config.gateways[0].schedule_offset = 10min;
  const Decision inside = deliver_one(firing("OpenClawGatewayUptimeHigh", "default", "a"), utc("2026-03-10T12:01:00Z"));
  EXPECT_EQ(inside.reason, "notice");
  EXPECT_EQ(inside.not_before, utc("2026-03-10T12:10:00Z"));
  const auto& gs = state.gateways["default"];
  EXPECT_EQ(decide_pending("default", gs, config, utc("2026-03-10T12:09:59Z"), {})->reason, "notice");
  EXPECT_EQ(decide_pending("default", gs, config, utc("2026-03-10T12:10:00Z"), {})->reason, "executed");
  // Late in the window the notice lead is what waits: the offset is a floor, not a fixed time.
  state = {};
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayUptimeHigh"), utc("2026-03-10T12:12:00Z")).not_before,
            utc("2026-03-10T12:17:00Z"));
  state = {};
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayUptimeHigh"), t0).not_before, utc("2026-03-10T12:10:00Z"));
  // An offset beyond half the (30 min) window is cut to half of it.
  state = {};
  config.gateways[0].schedule_offset = 40min;
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayUptimeHigh"), t0).not_before, utc("2026-03-10T12:15:00Z"));
  // No notice lead: the offset alone still holds the restart back, announced as a notice.
  state = {};
  config.policy.notice_lead = 0ms;
  config.gateways[0].schedule_offset = 7min;
  const Decision quiet = deliver_one(firing("OpenClawGatewayUptimeHigh"), utc("2026-03-10T12:00:30Z"));
  EXPECT_EQ(quiet.reason, "notice");
  EXPECT_EQ(quiet.not_before, utc("2026-03-10T12:07:00Z"));
}

TEST_F(PolicyTest, AResolvedAlertCancelsThePendingRestartItAskedFor) {
  const Alert uptime = firing("OpenClawGatewayUptimeHigh", "default", "a");
  deliver_one(uptime, t0);
  Alert resolved = uptime;
  resolved.status = "resolved";
  const Decision d = deliver_one(resolved, t0 + 10min);  // e.g. an operator restarted it by hand
  EXPECT_EQ(d.reason, "resolved_cancelled");
  EXPECT_TRUE(d.cancels_pending);
  EXPECT_FALSE(state.gateways["default"].pending.has_value());
  EXPECT_FALSE(decide_pending("default", state.gateways["default"], config, utc("2026-03-10T12:00:00Z"), {}));
}

TEST_F(PolicyTest, APendingRestartWithTwoTriggersRunsUntilBothResolved) {
  const Alert a = firing("OpenClawGatewayUptimeHigh", "default", "a");
  const Alert b = firing("OpenClawGatewayUptimeHigh", "default", "b");
  deliver_one(a, t0);
  EXPECT_EQ(deliver_one(b, t0 + 1min).reason, "pending_coalesced");
  Alert resolved = a;
  resolved.status = "resolved";
  EXPECT_EQ(deliver_one(resolved, t0 + 2min).reason, "resolved");
  ASSERT_TRUE(state.gateways["default"].pending.has_value());
  EXPECT_EQ(state.gateways["default"].pending->triggers, std::vector<std::string>{dedupe_key("default", b)});
  resolved = b;
  resolved.status = "resolved";
  EXPECT_EQ(deliver_one(resolved, t0 + 3min).reason, "resolved_cancelled");
  EXPECT_FALSE(state.gateways["default"].pending.has_value());
}

TEST_F(PolicyTest, MaxDeferCountsTimeObservedBusyNotWallTime) {
  config.policy.busy.max_connections = 10;
  config.policy.busy.max_defer = 20min;
  const TimePoint noon = utc("2026-03-10T12:00:00Z");
  deliver_one(firing("OpenClawGatewayUptimeHigh"), t0);  // 10:00: waits for the 12:00 window
  auto step = [&](TimePoint at, Busy busy) {
    const auto d = decide_pending("default", state.gateways["default"], config, at, seen(busy));
    apply_decision(*d, "", state, config, at);
    return *d;
  };
  EXPECT_EQ(step(noon, Busy::kBusy).reason, "busy_deferred");
  EXPECT_EQ(step(noon + 10min, Busy::kFailed).reason, "busy_check_failed");  // could not tell: counts as busy
  EXPECT_EQ(busy_time(*state.gateways["default"].pending, noon + 10min), 10min);
  EXPECT_EQ(step(noon + 31min, Busy::kBusy).reason, "outside_window");  // the window closed: not counted
  EXPECT_EQ(busy_time(*state.gateways["default"].pending, utc("2026-03-10T20:00:00Z")), 10min);
  const TimePoint evening = utc("2026-03-10T20:00:00Z");
  EXPECT_EQ(step(evening, Busy::kBusy).reason, "busy_deferred");
  EXPECT_EQ(step(evening + 9min, Busy::kBusy).reason, "busy_deferred");  // 19 min busy in all
  const Decision forced = step(evening + 10min, Busy::kBusy);             // 20 min
  EXPECT_EQ(forced.action, Action::kRestart);
  EXPECT_EQ(forced.reason, "max_defer_reached");
}

TEST_F(PolicyTest, AnOperatorsStopAndExit78AreNeverRestarted) {
  const Decision stopped = deliver_one(firing("OpenClawGatewayDown"), t0, seen(Busy::kNotMeasured,
                                                                               unit("inactive", "success")));
  EXPECT_EQ(stopped.action, Action::kNone);
  EXPECT_EQ(stopped.reason, "operator_stopped");
  EXPECT_EQ(restarts_started(), 0);
  const Decision broken = deliver_one(firing("OpenClawGatewayDown", "default", "fp2"), t0,
                                      seen(Busy::kNotMeasured, unit("failed", "exit-code", 1, 78)));
  EXPECT_EQ(broken.reason, "config_invalid");
  // A crash (killed by a signal) or another exit code is restarted; so is a unit the hook could not read.
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "fp3"), t0,
                        seen(Busy::kNotMeasured, unit("failed", "signal", 2, 78))).reason,
            "executed");
  finish();
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "fp4"), t0 + 16min, seen(Busy::kNotMeasured))
                .reason,
            "executed");
  // The refusals are not remembered as served: a later delivery of the same alert asks the gateway again.
  finish();
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0 + 40min).reason, "executed");
}

TEST_F(PolicyTest, ConfirmUnhealthyDeclinesWhenTheGatewayAnswersAndItsUnitIsActive) {
  config.rules[0].confirm = Confirm::kUnhealthy;
  const auto wanted = wanted_observations(firing("OpenClawGatewayDown"), config, state, t0);
  EXPECT_TRUE(wanted.at("default").health);
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0, seen(Busy::kNotMeasured, unit("active", "success"), true))
                .reason,
            "confirmed_healthy");
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0, seen(Busy::kNotMeasured, std::nullopt, true)).reason,
            "confirmed_healthy");  // a gateway that answers 2xx is not restarted because the bus is unreadable
  EXPECT_EQ(restarts_started(), 0);
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown"), t0,
                        seen(Busy::kNotMeasured, unit("activating", "success"), true)).reason,
            "executed");
  finish();
  config.rules[0].confirm = Confirm::kNone;  // a slow or bloated gateway may still answer: no confirmation
  EXPECT_EQ(deliver_one(firing("OpenClawGatewayDown", "default", "fp2"), t0 + 16min,
                        seen(Busy::kNotMeasured, unit("active", "success"), true)).reason,
            "executed");
}

TEST_F(PolicyTest, TheRetryIsAPolicyDecision) {
  deliver_one(firing("OpenClawGatewayDown"), t0);
  const GatewayState& gs = state.gateways["default"];
  const Decision retry = decide_retry("default", 0, gs, config, t0 + 2min, seen(Busy::kNotMeasured));
  EXPECT_EQ(retry.action, Action::kRestart);
  EXPECT_EQ(retry.reason, "retry");
  apply_decision(retry, "", state, config, t0 + 2min);
  EXPECT_EQ(restarts_started(), 2);  // counts towards the circuit
  EXPECT_EQ(decide_retry("default", 0, gs, config, t0 + 3min, seen(Busy::kNotMeasured, unit("failed", "exit-code", 1, 78)))
                .reason,
            "config_invalid");
  state.gateways["default"].restarts.push_back(t0 + 3min);
  const Decision refused = decide_retry("default", 0, gs, config, t0 + 4min, seen(Busy::kNotMeasured));
  EXPECT_EQ(refused.reason, "circuit_open");
  EXPECT_TRUE(refused.opens_circuit);
}

TEST_F(PolicyTest, LoadedStateIsFittedToTheConfiguration) {
  deliver_one(firing("OpenClawGatewayUptimeHigh"), t0);
  deliver_one(firing("OpenClawGatewayUptimeHigh", "staging"), t0);  // no such gateway: nothing
  ASSERT_EQ(state.gateways["default"].pending->rule_name, "rule-1");
  PolicyState loaded = state;
  Config edited = config;
  std::swap(edited.rules[0], edited.rules[1]);  // reordered: the pending restart follows its rule by name
  EXPECT_TRUE(reconcile_with_config(loaded, edited).empty());
  EXPECT_EQ(loaded.gateways["default"].pending->rule, 0U);
  edited.rules.erase(edited.rules.begin());  // removed: dropped with a warning, never an out-of-range index
  loaded = state;
  loaded.gateways["default"].in_progress = true;
  loaded.gateways["default"].in_progress_rule = "rule-1";
  const auto warnings = reconcile_with_config(loaded, edited);
  EXPECT_EQ(warnings.size(), 2U);
  EXPECT_FALSE(loaded.gateways["default"].pending.has_value());
  EXPECT_FALSE(loaded.gateways["default"].in_progress);
  // Format 1 named the rule by index.
  loaded = state;
  loaded.gateways["default"].pending->rule_name.clear();
  loaded.gateways["default"].pending->rule = 7;
  EXPECT_EQ(reconcile_with_config(loaded, config).size(), 1U);
}

}  // namespace
}  // namespace openclaw::hook
