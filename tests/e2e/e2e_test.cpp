// The whole loop, for real (issue 5, docs/e2e.md). Run through tests/lib/with-user-manager.sh, in two shards
// (tests/e2e/CMakeLists.txt: e2e.restarts, e2e.policy) that run side by side; the tests of one shard share one stack
// (scenario.hpp) and run in the order written here. 1e comes first so that its shard starts with no recent restart
// in RestartLoop's window.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "scenario.hpp"

using namespace openclaw::e2e;
using namespace openclaw::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// The person's messages (the Slack text the shipped template renders) that contain every one of `parts`, received
// since `since`.
std::size_t person_messages(const Stack& s, const std::vector<std::string>& parts, double since) {
  std::size_t n = 0;
  for (const auto& message : s.person().received()) {
    if (message.received_at < since) continue;
    if (std::all_of(parts.begin(), parts.end(),
                    [&](const std::string& part) { return message.body.find(part) != std::string::npos; })) {
      ++n;
    }
  }
  return n;
}

bool person_gets(const Stack& s, const std::vector<std::string>& parts, double since,
                 std::chrono::milliseconds timeout) {
  return wait_until([&] { return person_messages(s, parts, since) > 0; }, timeout, 250ms);
}

std::string person_log(const Stack& s, double since) {
  std::string out;
  for (const auto& message : s.person().received()) {
    if (message.received_at >= since) out += message.body.substr(0, 400) + "\n";
  }
  return out.empty() ? "(nothing received)" : out;
}

// The truth about systemd's NRestarts: it counts only systemd's own automatic restarts (Restart=always after a
// crash), and a `systemctl restart` (what the hook runs) resets it to 0.
TEST(E2e, UnitRestartsCountCrashesAndAManualRestartResetsThem) {
  Stack& s = shared_stack();
  ASSERT_TRUE(wait_until_quiet(s, 90s));
  // This scenario adds two restarts back to back (the crash, then the hook's). Let the previous scenarios' restarts
  // leave the e2e profile's 1-minute RestartLoop window first, or the loop alert (which inhibits restart alerts in
  // Alertmanager) can fire and swallow the MemoryHigh resolved notice this scenario waits for.
  ASSERT_TRUE(wait_until(
      [&] {
        return s.prometheus().value("round(increase(openclaw_gateway_process_restarts_total[1m]))").value_or(1) == 0;
      },
      90s, 1s));
  const int pid = s.main_pid();
  const double process_before = process_restarts(s).value_or(-1);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  const int crashed_pid = s.manager().wait_for_new_main_pid(kUnit, pid, 30s);
  ASSERT_GT(crashed_pid, 0);
  EXPECT_TRUE(wait_until([&] { return unit_restarts(s) == 1.0; }, 15s)) << unit_restarts(s).value_or(-1);
  EXPECT_TRUE(wait_until([&] { return process_restarts(s) == process_before + 1; }, 15s));
  EXPECT_EQ(s.manager().n_restarts(kUnit), 1U);
  ASSERT_TRUE(wait_until([&] { return http_get(s.gateway_url("/readyz"), 1s).status == 200; }, 20s));
  // Now the hook's restart (memory, as in 1b): unit_restarts_total goes back to 0, process restarts +1.
  run_restart_scenario(s, "1e memory, after a crash (NRestarts 1 -> 0)", "OpenClawGatewayMemoryHigh",
                       [&] { ASSERT_EQ(s.fixture("memory", {{"add_mib", 220}}), 200); });
}

// Scenario 1: one degradation at a time; each must end in exactly one automated restart.
TEST(E2e, SlowResponseRestartsOnce) {
  Stack& s = shared_stack();
  // 6 s per answer (> the 5 s threshold; the exporter's probe timeout is 8 s, so the probe measures it).
  run_restart_scenario(s, "1a slow responses (6 s)", "OpenClawGatewaySlowResponse",
                       [&] { ASSERT_EQ(s.fixture("delay", {{"ms", 6000}}), 200); });
}

TEST(E2e, MemoryPast80PercentRestartsOnce) {
  Stack& s = shared_stack();
  // 220 MiB in a 256M unit: 86 % of MemoryMax.
  run_restart_scenario(s, "1b memory > 80 % of MemoryMax", "OpenClawGatewayMemoryHigh",
                       [&] { ASSERT_EQ(s.fixture("memory", {{"add_mib", 220}}), 200); });
}

TEST(E2e, CloseWaitPileupRestartsOnce) {
  Stack& s = shared_stack();
  run_restart_scenario(s, "1c 30 sockets in CLOSE_WAIT", "OpenClawGatewayCloseWaitPileup",
                       [&] { ASSERT_EQ(s.fixture("close_wait", {{"add", 30}}), 200); });
}

TEST(E2e, HangRestartsOnce) {
  Stack& s = shared_stack();
  // Gateway paths stop answering: the probe times out (success 0), which is OpenClawGatewayDown; it also inhibits
  // the SlowResponse alert the 8 s timeout produces.
  run_restart_scenario(s, "1d process hangs (probe times out)", "OpenClawGatewayDown",
                       [&] { ASSERT_EQ(s.fixture("hang"), 200); });
}

// Scenario 3: both Alertmanagers of the HA pair deliver (peer timeout 0s): the hook sees the alert twice and still
// restarts once.
TEST(E2e, HaPairBothDeliverStillOneRestart) {
  Stack& s = shared_stack();
  ASSERT_EQ(s.alertmanager_urls().size(), 2U);
  std::vector<double> sent_before;
  for (const auto& url : s.alertmanager_urls()) {
    sent_before.push_back(
        metric_value(http_get(url + "/metrics").body, "alertmanager_notifications_total{integration=\"webhook\"}")
            .value_or(0));
  }
  run_restart_scenario(s, "3 HA pair, both deliver", "OpenClawGatewayMemoryHigh",
                       [&] { ASSERT_EQ(s.fixture("memory", {{"add_mib", 220}}), 200); });
  // Both members notified, and the hook saw the same alert at least twice: once acted on, then served as a duplicate
  // (or coalesced into the running restart).
  for (std::size_t i = 0; i < s.alertmanager_urls().size(); ++i) {
    const double sent = metric_value(http_get(s.alertmanager_urls()[i] + "/metrics").body,
                                     "alertmanager_notifications_total{integration=\"webhook\"}")
                            .value_or(0);
    EXPECT_GT(sent, sent_before[i]) << "Alertmanager " << i << " did not deliver";
  }
  const auto audit = s.audit();
  const auto firing = std::count_if(audit.begin(), audit.end(), [](const json& r) {
    return r.value("event", "") == "decision" && r.contains("alert") && r["alert"].value("status", "") == "firing" &&
           r["alert"]["labels"].value("alertname", "") == "OpenClawGatewayMemoryHigh";
  });
  EXPECT_GE(firing, 2) << dump(audit);
  EXPECT_GE(count_decisions(audit, "none", "duplicate") + count_decisions(audit, "none", "in_progress_coalesced"), 1)
      << dump(audit);
}

// "HH:MM" of a unix time, UTC.
std::string clock_time(double unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", tm.tm_hour, tm.tm_min);
  return text;
}

// Scenario 9: the schedule. A low-traffic window faked to open at the next minute (not the whole day), the gateway
// older than schedule_min_age: Alertmanager delivers the scheduled restart only once the window is open, the hook
// announces it (notice lead 10 s) and the person reads the notice, then the restart runs and the person reads
// "restarted, downtime N s".
TEST(E2e, AScheduledRestartRunsInTheWindowAfterItsNotice) {
  Stack& s = shared_stack();
  ASSERT_TRUE(wait_until_quiet(s, 90s));
  double now = unix_now();
  double opens = std::floor(now / 60) * 60 + 60;
  if (opens - now < 20) opens += 60;  // time to reload and start the hook before it opens
  const std::string start = clock_time(opens);
  const std::string end = start == "23:59" ? "24:00" : clock_time(opens + 120);
  const std::string window = start + "-" + (end == "00:00" ? "24:00" : end);
  HookPolicy policy;
  policy.notice_lead = "10s";
  policy.windows = {window};
  s.start_hook(policy);
  s.reload_alerts({"scheduled_windows=[" + window + "]", "schedule_min_age=30s"});
  const double since = unix_now();
  ASSERT_TRUE(wait_until([&] { return s.prometheus().firing("OpenClawGatewayScheduledRestartDue"); }, 30s, 250ms))
      << s.prometheus().alerts().dump(1);
  const int pid = s.main_pid();
  const auto restarted = [&] {
    const auto records = s.audit();
    return std::any_of(records.begin(), records.end(), [](const json& r) {
      return r.value("event", "") == "restart" && r.value("result", "") == "success";
    });
  };
  ASSERT_TRUE(wait_until(restarted, std::chrono::milliseconds(static_cast<long>((opens - unix_now() + 60) * 1000)),
                         500ms))
      << "window " << window << "\n" << dump(s.audit()) << s.logs();
  const auto audit = s.audit();
  const auto first = first_record(audit, [](const json& r) { return r.value("event", "") == "decision"; });
  ASSERT_TRUE(first.has_value());
  // Nothing reached the hook before the window opened; it announced the restart, and ran it notice_lead later.
  EXPECT_EQ((*first)["reason"], "notice") << dump(audit);
  EXPECT_GE(parse_rfc3339((*first).value("ts", "")).value_or(0), opens) << dump(audit);
  const auto run = first_record(audit, [](const json& r) { return r.value("event", "") == "restart"; });
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ((*run)["urgency"], "scheduled");
  const double invoked = parse_rfc3339((*run).value("ts", "")).value_or(0) - (*run).value("duration_seconds", 0.0);
  EXPECT_GE(invoked, opens + 10 - 1) << "the notice lead was cut short\n" << dump(audit);
  EXPECT_NE(s.main_pid(), pid);
  EXPECT_TRUE(person_gets(s, {"FIRING OpenClawGatewayRestartPlanned", "Gateway: default"}, since, 5s))
      << person_log(s, since);
  const double downtime = (*run)["downtime_seconds"].get<double>();
  EXPECT_GT(downtime, 0.0);
  EXPECT_TRUE(person_gets(s, {"FIRING OpenClawGatewayRestarted", "downtime"}, since, 30s)) << person_log(s, since);
  // Back to the stack's own schedule, so that no later scenario meets a window.
  s.reload_alerts();
  s.start_hook(HookPolicy{});
}

// Scenario 4: the hook is killed with -9 right after a restart and started again on the same state: a new alert
// inside the cooldown does not restart the gateway again, and the audit log keeps the first restart.
TEST(E2e, HookKilledAfterRestartKeepsItsCooldown) {
  Stack& s = shared_stack();
  HookPolicy policy;
  policy.cooldown = "10m";
  run_restart_scenario(s, "4 before the kill -9", "OpenClawGatewayMemoryHigh",
                       [&] { ASSERT_EQ(s.fixture("memory", {{"add_mib", 220}}), 200); }, policy);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  s.kill_hook(SIGKILL);
  s.start_hook(policy, /*fresh_state=*/false);
  const int pid = s.main_pid();
  ASSERT_EQ(s.fixture("memory", {{"add_mib", 220}}), 200);
  ASSERT_TRUE(wait_until([&] { return s.prometheus().firing("OpenClawGatewayMemoryHigh"); }, 60s, 250ms));
  ASSERT_TRUE(wait_until([&] { return count_decisions(s.audit(), "none", "cooldown") >= 1; }, 60s, 250ms))
      << dump(s.audit());
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(s.main_pid(), pid) << "restarted again inside the cooldown";
  const auto audit = s.audit();
  EXPECT_EQ(count_events(audit, "restart"), 1) << dump(audit);
  EXPECT_EQ(count_decisions(audit, "restart"), 1) << dump(audit);
  EXPECT_EQ(hook_restarts(s, "success"), 0.0) << "a fresh process counts from 0; the restart was the previous one's";
  // Clean up: the gateway still holds the memory; restart it by hand.
  s.restart_gateway_by_hand();
}

// Scenario 5: repeated failures open the circuit after max_restarts; RestartLoop fires; no further restart.
TEST(E2e, RepeatedFailuresOpenTheCircuit) {
  Stack& s = shared_stack();
  HookPolicy policy;
  policy.cooldown = "0s";
  policy.max_restarts = 2;
  policy.window = "10m";
  ASSERT_TRUE(wait_until_quiet(s, 90s));
  s.start_hook(policy);
  for (int round = 1; round <= 2; ++round) {
    ASSERT_TRUE(wait_until_quiet(s, 90s)) << "round " << round;
    const int pid = s.main_pid();
    ASSERT_EQ(s.fixture("memory", {{"add_mib", 220}}), 200);
    ASSERT_GT(s.manager().wait_for_new_main_pid(kUnit, pid, 90s), 0) << "round " << round << "\n" << dump(s.audit());
    ASSERT_TRUE(wait_until([&] { return count_events(s.audit(), "restart") == round; }, 60s)) << dump(s.audit());
  }
  ASSERT_TRUE(wait_until([&] { return http_get(s.gateway_url("/readyz"), 1s).status == 200; }, 20s));
  ASSERT_TRUE(wait_until([&] { return !s.prometheus().firing("OpenClawGatewayMemoryHigh"); }, 60s));
  // The third failure: the circuit refuses and opens.
  const int pid = s.main_pid();
  ASSERT_EQ(s.fixture("memory", {{"add_mib", 220}}), 200);
  ASSERT_TRUE(wait_until([&] { return count_decisions(s.audit(), "none", "circuit_open") >= 1; }, 90s, 250ms))
      << dump(s.audit());
  EXPECT_TRUE(wait_until([&] { return s.hook_metric("openclaw_restart_hook_circuit_open{gateway=\"default\"}") == 1.0; },
                         10s));
  EXPECT_TRUE(wait_until([&] { return s.prometheus().firing("OpenClawGatewayRestartLoop"); }, 30s, 250ms))
      << s.prometheus().alerts().dump(1);
  std::this_thread::sleep_for(10s);
  EXPECT_EQ(s.main_pid(), pid) << "restarted with the circuit open";
  EXPECT_EQ(count_events(s.audit(), "restart"), 2) << dump(s.audit());
  EXPECT_EQ(hook_restarts(s, "success"), 2.0);
  // The operator's reset closes it (documented endpoint).
  const auto reset = http_request("POST", s.hook_url("/api/v1/circuit/reset?gateway=default"), {},
                                  {"Authorization: Bearer " + s.hook_token(), "Content-Type: application/json"}, 5s);
  EXPECT_EQ(reset.status, 200) << reset.body;
  EXPECT_TRUE(wait_until([&] { return s.hook_metric("openclaw_restart_hook_circuit_open{gateway=\"default\"}") == 0.0; },
                         10s));
  EXPECT_EQ(count_events(s.audit(), "circuit_reset"), 1);
  s.restart_gateway_by_hand();
}

// Scenario 6: a restart that does not bring the gateway back: the hook retries once, gives up, and
// OpenClawGatewayRestartFailed fires. Meanwhile systemd's own Restart=always attempts move NRestarts.
TEST(E2e, RestartThatFailsFiresRestartFailed) {
  Stack& s = shared_stack();
  const double since = unix_now();
  HookPolicy policy;
  policy.verify_timeout = "6s";
  policy.retry_backoff = "1s";
  ASSERT_TRUE(wait_until_quiet(s, 90s));
  s.start_hook(policy);
  ASSERT_TRUE(wait_until([&] { return s.prometheus().value("up{job=\"openclaw-restart-hook\"}") == 1.0; }, 15s));
  write_file(s.fail_start_file(), "refuse\n");
  const int pid = s.main_pid();
  ASSERT_EQ(s.fixture("memory", {{"add_mib", 220}}), 200);
  ASSERT_TRUE(wait_until([&] { return count_events(s.audit(), "gave_up") == 1; }, 120s, 500ms)) << dump(s.audit());
  const auto audit = s.audit();
  EXPECT_EQ(count_events(audit, "restart"), 2) << "the restart and its one retry\n" << dump(audit);
  for (const auto& r : audit) {
    if (r.value("event", "") == "restart") {
      EXPECT_EQ(r.value("result", ""), "failed") << r.dump();
    }
  }
  EXPECT_EQ(hook_restarts(s, "failed"), 2.0);
  EXPECT_NE(s.main_pid(), pid);
  EXPECT_TRUE(wait_until([&] { return s.prometheus().firing("OpenClawGatewayRestartFailed"); }, 30s, 250ms))
      << s.prometheus().alerts().dump(1);
  // The person hears it: "restart failed", then the "still down" escalation (still_unhealthy_after, 1m in the demo
  // profile, counted from the first failed probe — through the crash loop's moments of life at each start, which the
  // rule does not count as health), and nothing resolves while the gateway stays down (30 s more).
  EXPECT_TRUE(person_gets(s, {"FIRING OpenClawGatewayRestartFailed", "Gateway: default"}, since, 30s))
      << person_log(s, since);
  EXPECT_TRUE(person_gets(s, {"FIRING OpenClawGatewayStillUnhealthy", "Gateway: default"}, since, 90s))
      << person_log(s, since) << s.prometheus().alerts().dump(1);
  std::this_thread::sleep_for(30s);
  EXPECT_TRUE(s.prometheus().firing("OpenClawGatewayRestartFailed")) << "resolved while the gateway is down";
  EXPECT_TRUE(s.prometheus().firing("OpenClawGatewayStillUnhealthy")) << "resolved while the gateway is down";
  EXPECT_EQ(person_messages(s, {"RESOLVED OpenClawGatewayRestartFailed"}, since), 0U) << person_log(s, since);
  EXPECT_EQ(person_messages(s, {"RESOLVED OpenClawGatewayStillUnhealthy"}, since), 0U) << person_log(s, since);
  // systemd's automatic restarts of the failing start are what NRestarts counts.
  EXPECT_GT(s.manager().n_restarts(kUnit), 0U);
  EXPECT_TRUE(wait_until([&] { return s.prometheus().value("max(max_over_time(openclaw_gateway_unit_restarts_total[5m]))")
                                      .value_or(0) > 0; },
                         15s));
  // A person starts it again: after recovered_after (20 s in the demo profile) of health the person hears that the
  // escalation resolved.
  const double recovered = unix_now();
  std::filesystem::remove(s.fail_start_file());
  s.manager().reset_failed(kUnit);
  s.manager().start(kUnit);
  ASSERT_TRUE(wait_until([&] { return http_get(s.gateway_url("/readyz"), 1s).status == 200; }, 30s));
  EXPECT_TRUE(person_gets(s, {"RESOLVED OpenClawGatewayStillUnhealthy", "Gateway: default"}, recovered, 90s))
      << person_log(s, since);
}

// Scenario 8: the exporter loses the user manager (its bus address leads nowhere) while the gateway runs on. It must
// not call that "down": `up` disappears, OpenClawExporterBlind tells a human, and no restart reaches the gateway.
TEST(E2e, ABlindExporterNeverRestartsTheGatewayAndTellsAHuman) {
  Stack& s = shared_stack();
  ASSERT_TRUE(wait_until_quiet(s, 90s));
  s.start_hook(HookPolicy{});  // a fresh hook: no cooldown or open circuit that would hide a wrong restart
  ASSERT_TRUE(wait_until([&] { return s.prometheus().value("up{job=\"openclaw-restart-hook\"}") == 1.0; }, 15s));
  const int pid = s.main_pid();
  s.stop_exporter();
  s.start_exporter({"--systemd.address=unix:path=" + s.dir().file("no-such-user-manager")});
  ASSERT_TRUE(wait_until(
      [&] { return s.prometheus().value("openclaw_exporter_source_success{source=\"discovery\"}") == 0.0; }, 30s));
  EXPECT_FALSE(s.prometheus().value("openclaw_gateway_up").has_value());
  EXPECT_TRUE(wait_until([&] { return s.prometheus().firing("OpenClawExporterBlind"); }, 60s, 250ms))
      << s.prometheus().alerts().dump(1);
  // One full cycle of the restart alert a blind `up 0` used to fire (for + evaluation + delivery): nothing came.
  std::this_thread::sleep_for(alert_cycle(s, "OpenClawGatewayDown"));
  EXPECT_FALSE(s.prometheus().firing("OpenClawGatewayDown"));
  EXPECT_EQ(count_events(s.audit(), "restart"), 0) << dump(s.audit());
  EXPECT_EQ(s.main_pid(), pid);
  s.stop_exporter();
  s.start_exporter();
  ASSERT_TRUE(wait_until([&] { return s.prometheus().value("openclaw_gateway_up") == 1.0; }, 30s));
}

// Scenario 7: every PromQL expression of the shipped rules and dashboards returns data from this Prometheus.
TEST(E2e, EveryShippedExpressionReturnsData) { check_promql_coverage(shared_stack()); }

}  // namespace
