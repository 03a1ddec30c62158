// openclaw-restart-hook on the real gateway: a firing Alertmanager alert -> the configured action -> verified healthy
// with a new MainPID. `systemctl --user restart` and SIGUSR2 are both measured (downtime and time to ready) so the
// operator guidance in docs/real-gateway.md rests on numbers. SIGUSR1 is refused by --check-config.
#include <gtest/gtest.h>
#include <signal.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "real_gateway.hpp"

using namespace openclaw::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string hook_path() { return binary_dir() + "/restart-hook/openclaw-restart-hook"; }

std::string iso8601_now() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

// What Alertmanager 0.25 POSTs for one firing alert (version 4).
std::string alertmanager_payload(const std::string& alertname, const std::string& fingerprint) {
  const json labels = {{"alertname", alertname},
                       {"gateway", "default"},
                       {"instance", "127.0.0.1:9789"},
                       {"job", "openclaw-gateway"},
                       {"severity", "critical"}};
  const json alert = {{"status", "firing"},
                      {"labels", labels},
                      {"annotations", {{"summary", "test alert against the real gateway"}}},
                      {"startsAt", iso8601_now()},
                      {"endsAt", "0001-01-01T00:00:00Z"},
                      {"generatorURL", "http://127.0.0.1:9090/graph?g0.expr=up"},
                      {"fingerprint", fingerprint}};
  return json{{"receiver", "openclaw-restart-hook"},
              {"status", "firing"},
              {"alerts", json::array({alert})},
              {"groupLabels", {{"alertname", alertname}}},
              {"commonLabels", labels},
              {"commonAnnotations", {{"summary", "test alert against the real gateway"}}},
              {"externalURL", "http://127.0.0.1:9093"},
              {"version", "4"},
              {"groupKey", "{}/{}:{alertname=\"" + alertname + "\"}"},
              {"truncatedAlerts", 0}}
      .dump();
}

// The hook with two rules: OpenClawGatewayDown -> systemctl restart, OpenClawGatewayEventLoopLag -> SIGUSR2.
class HookOnRealGateway : public RealGatewayTest {
 protected:
  void SetUp() override {
    RealGatewayTest::SetUp();
    if (HasFatalFailure()) return;
    write_file(dir_.file("token"), "hook-token-for-tests\n");
    std::ostringstream config;
    config << "auth: {bearer_token_file: " << dir_.file("token") << "}\n"
           << "state_dir: " << dir_.file("state") << "\n"
           << "gateways:\n"
           << "  - name: default\n"
           << "    unit: openclaw-gateway.service\n"
           << "    health_url: " << gateway().url("/readyz") << "\n"
           << "    match: {gateway: default}\n"
           << "policy:\n"
           << "  cooldown: 0s\n"
           << "  max_restarts: 10\n"
           << "  window: 1h\n"
           << "  verify_timeout: 240s\n"  // the real gateway needs 20-80 s to be ready again on a busy host
           << "  retry_backoff: 5s\n"
           << "rules:\n"
           << "  - match: {alertname: OpenClawGatewayDown}\n"
           << "    action: systemctl\n"
           << "    urgency: immediate\n"
           << "  - match: {alertname: OpenClawGatewayEventLoopLag}\n"
           << "    action: signal\n"
           << "    signal: SIGUSR2\n"
           << "    urgency: immediate\n";
    write_file(dir_.file("config.yml"), config.str());
    const CommandResult check =
        run_command({hook_path(), "--check-config", "--config.file=" + dir_.file("config.yml")});
    ASSERT_EQ(check.exit_code, 0) << check.output;
    hook_port_ = free_tcp_port();
    hook_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{hook_path(), "--config.file=" + dir_.file("config.yml"),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(hook_port_)},
        std::vector<std::string>{}, dir_.file("hook.log"));
    ASSERT_TRUE(wait_until([&] { return http_get(hook_url("/healthz")).status == 200; }, 10s)) << hook_->log();
  }

  std::string hook_url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(hook_port_) + path;
  }

  HttpResponse post_alert(const std::string& alertname, const std::string& fingerprint) {
    return http_request("POST", hook_url("/alerts"), alertmanager_payload(alertname, fingerprint),
                        {"Content-Type: application/json", "Authorization: Bearer hook-token-for-tests"});
  }

  // The hook's audit record of the finished restart attempt (event "restart"), once it is written.
  std::optional<json> wait_restart_record(std::chrono::milliseconds timeout) {
    std::optional<json> found;
    wait_until(
        [&] {
          std::string text;
          try {
            text = read_file(dir_.file("state") + "/audit.log");
          } catch (const std::exception&) {
            return false;
          }
          std::istringstream lines(text);
          std::string line;
          while (std::getline(lines, line)) {
            const json record = json::parse(line, nullptr, false);
            if (record.is_object() && record.value("event", "") == "restart") found = record;
          }
          return found.has_value();
        },
        timeout, 250ms);
    return found;
  }

  TempDir dir_{"openclaw-real-hook-"};
  int hook_port_ = 0;
  std::unique_ptr<ChildProcess> hook_;
};

TEST_F(HookOnRealGateway, FiringAlertRestartsThroughSystemctlAndVerifiesANewMainPid) {
  UserManager& manager = gateway().manager();
  const int old_pid = manager.main_pid(RealGateway::kUnit);
  const unsigned restarts_before = manager.n_restarts(RealGateway::kUnit);
  const double exporter_restarts_before =
      gateway().scrape_exporter().get("openclaw_gateway_process_restarts_total{gateway=\"default\"}").value_or(-1);
  ASSERT_GT(old_pid, 0);

  ReadyzRecorder readyz(gateway().url("/readyz"));
  std::this_thread::sleep_for(300ms);
  const double posted_at = readyz.now();
  const HttpResponse response = post_alert("OpenClawGatewayDown", "a1b2c3d4e5f60001");
  ASSERT_EQ(response.status, 200) << response.body << hook_->log();

  const auto record = wait_restart_record(kReadyTimeout + 30s);
  const auto samples = readyz.stop();
  ASSERT_TRUE(record.has_value()) << "no restart record; hook log:\n" << hook_->log();
  EXPECT_EQ(record->value("action", ""), "systemctl") << record->dump();
  EXPECT_EQ(record->value("result", ""), "success") << record->dump();
  EXPECT_TRUE(record->value("healthy", false));
  EXPECT_TRUE(record->value("main_pid_changed", false)) << record->dump();
  EXPECT_EQ(record->value("main_pid_before", 0), old_pid);
  const int new_pid = manager.main_pid(RealGateway::kUnit);
  EXPECT_NE(new_pid, old_pid);
  EXPECT_EQ(record->value("main_pid_after", 0), new_pid);
  // A restart the hook asked for is not one systemd did by itself.
  EXPECT_EQ(manager.n_restarts(RealGateway::kUnit), restarts_before);
  // The verification waited for the real start-up: it was not ready at once.
  EXPECT_GT(record->value("time_to_healthy_seconds", 0.0), 2.0) << record->dump();
  // The gateway took itself for the user unit it is (its cgroup is under user@<uid>.service) and sized its drain
  // from the unit's TimeoutStopSec=330: 315 s, not the 75 s it falls back to when it cannot read the unit.
  const std::string console = gateway().log();
  EXPECT_NE(console.find("shutdown budget at startup: drain=315000ms shutdown=325000ms"), std::string::npos) << console;
  std::smatch stop_budget;
  ASSERT_TRUE(std::regex_search(console, stop_budget, std::regex("shutdown budget at shutdown: drain=([0-9]+)ms")))
      << console;
  EXPECT_GT(std::stol(stop_budget[1]), 300000) << stop_budget[0];
  EXPECT_LE(std::stol(stop_budget[1]), 315000) << stop_budget[0];

  const auto outage = find_outage(samples, posted_at);
  ASSERT_TRUE(outage.has_value()) << "/readyz never failed: was the gateway restarted at all?";
  record_figure("systemctl_action_seconds",
                record->value("duration_seconds", 0.0) - record->value("time_to_healthy_seconds", 0.0), "s");
  record_figure("systemctl_downtime", outage->seconds(), "s");
  record_note("systemctl /readyz after the alert: " + readyz_transitions(samples, posted_at));
  record_figure("systemctl_refused_or_timeout_seconds", static_cast<double>(outage->refused_samples) * 0.1, "s");
  record_figure("systemctl_alert_to_ready", outage->back_ready - posted_at, "s");
  record_figure("systemctl_hook_time_to_healthy", record->value("time_to_healthy_seconds", 0.0), "s");

  // The exporter follows the new MainPID and counts the restart; NRestarts stays.
  EXPECT_TRUE(gateway().wait_exporter_follows(new_pid, 30s)) << gateway().exporter_log();
  const Scrape s = gateway().scrape_exporter();
  EXPECT_EQ(s.get("openclaw_gateway_process_restarts_total{gateway=\"default\"}"), exporter_restarts_before + 1);
  EXPECT_EQ(s.get("openclaw_gateway_unit_restarts_total{gateway=\"default\",unit=\"openclaw-gateway.service\"}"),
            restarts_before);
}

TEST_F(HookOnRealGateway, Sigusr2ActionDrainsExitsZeroAndSystemdStartsANewPid) {
  UserManager& manager = gateway().manager();
  const int old_pid = manager.main_pid(RealGateway::kUnit);
  const unsigned restarts_before = manager.n_restarts(RealGateway::kUnit);
  ASSERT_GT(old_pid, 0);

  ReadyzRecorder readyz(gateway().url("/readyz"));
  std::this_thread::sleep_for(300ms);
  const double posted_at = readyz.now();
  const HttpResponse response = post_alert("OpenClawGatewayEventLoopLag", "a1b2c3d4e5f60002");
  ASSERT_EQ(response.status, 200) << response.body << hook_->log();

  // Between the old process's exit and the new start (RestartSec=2) the unit shows how the old one ended.
  std::string exit_code, exit_status;
  wait_until(
      [&] {
        if (manager.property(RealGateway::kUnit, "MainPID") != "0") return false;
        exit_code = manager.property(RealGateway::kUnit, "ExecMainCode");
        exit_status = manager.property(RealGateway::kUnit, "ExecMainStatus");
        return true;
      },
      60s, 50ms);
  const double exited_at = readyz.now();
  EXPECT_EQ(exit_code, "1") << "ExecMainCode 1 is CLD_EXITED (not killed by a signal)";
  EXPECT_EQ(exit_status, "0");

  const auto record = wait_restart_record(kReadyTimeout + 30s);
  const auto samples = readyz.stop();
  ASSERT_TRUE(record.has_value()) << "no restart record; hook log:\n" << hook_->log();
  EXPECT_EQ(record->value("action", ""), "signal") << record->dump();
  EXPECT_EQ(record->value("result", ""), "success") << record->dump();
  EXPECT_TRUE(record->value("main_pid_changed", false)) << record->dump();
  const int new_pid = manager.main_pid(RealGateway::kUnit);
  EXPECT_NE(new_pid, old_pid);
  EXPECT_EQ(record->value("main_pid_after", 0), new_pid);
  // systemd restarted it (Restart=always after a clean exit): NRestarts + 1.
  EXPECT_EQ(manager.n_restarts(RealGateway::kUnit), restarts_before + 1);
  EXPECT_EQ(manager.property(RealGateway::kUnit, "Result"), "success");

  const auto outage = find_outage(samples, posted_at);
  ASSERT_TRUE(outage.has_value());
  record_figure("sigusr2_signal_to_exit", exited_at - posted_at, "s");
  record_figure("sigusr2_downtime", outage->seconds(), "s");
  record_note("SIGUSR2 /readyz after the alert: " + readyz_transitions(samples, posted_at));
  record_figure("sigusr2_refused_or_timeout_seconds", static_cast<double>(outage->refused_samples) * 0.1, "s");
  record_figure("sigusr2_alert_to_ready", outage->back_ready - posted_at, "s");
  record_figure("sigusr2_hook_time_to_healthy", record->value("time_to_healthy_seconds", 0.0), "s");

  // The exporter: new PID, and systemd's NRestarts as the unit restart counter.
  EXPECT_TRUE(gateway().wait_exporter_follows(new_pid, 30s)) << gateway().exporter_log();
  EXPECT_TRUE(wait_until(
      [&] {
        return gateway().scrape_exporter().get(
                   "openclaw_gateway_unit_restarts_total{gateway=\"default\",unit=\"openclaw-gateway.service\"}") ==
               restarts_before + 1;
      },
      10s));
}

TEST(HookConfigOnRealGateway, Sigusr1IsRefusedByCheckConfig) {
  TempDir dir("openclaw-real-hook-");
  write_file(dir.file("config.yml"),
             "state_dir: " + dir.file("state") +
                 "\n"
                 "gateways:\n"
                 "  - {name: default, unit: openclaw-gateway.service, health_url: http://127.0.0.1:18789/readyz,"
                 " match: {gateway: default}}\n"
                 "rules:\n"
                 "  - {match: {alertname: OpenClawGatewayDown}, action: signal, signal: SIGUSR1}\n");
  const CommandResult check = run_command({hook_path(), "--check-config", "--config.file=" + dir.file("config.yml")});
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find("FAILED"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("rules[0].signal"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("debugger"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("SIGUSR2"), std::string::npos) << check.output;
}

}  // namespace
