// The policy's refusals and waits against a real systemd user manager and the fixture gateway's model of the real
// drain (run under tests/lib/with-user-manager.sh): a restart that waits out the gateway's drain, a scheduled one
// that waits for idle through the gateway's own preflight command, an operator's stop, exit 78, and `confirm`.
#include <gtest/gtest.h>

#include "busy_probe.hpp"
#include "engine.hpp"
#include "families.hpp"
#include "hook_test_util.hpp"
#include "sd_bus_unit_control.hpp"
#include "test_support.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
namespace t = openclaw::testing;

constexpr const char* kGatewayUnit = "openclaw-gateway.service";
constexpr const char* kFixtureToken = "fixture-token";

class SystemdPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(t::UserManager::available()) << "run under tests/lib/with-user-manager.sh";
    port = t::free_tcp_port();
    t::GatewayUnitOptions unit;
    unit.port = port;
    unit.args = {"--exit-78-file", dir.file("exit-78"), "--token", kFixtureToken};
    unit.restart_sec = 500ms;
    unit.timeout_stop_sec = 20s;  // the fixture, like openclaw, drains for min(325, 20 - 5) - 10 = 5 s at most
    ASSERT_EQ(manager.install_unit(kGatewayUnit, t::render_gateway_unit(unit)).exit_code, 0);
    ASSERT_EQ(manager.start(kGatewayUnit).exit_code, 0);
    ASSERT_TRUE(t::wait_until([&] { return t::http_get(url("/readyz"), 1s).status == 200; }, 20s));
    t::write_file(dir.file("gateway-token"), std::string(kFixtureToken) + "\n");
  }
  void TearDown() override {
    engine.reset();
    manager.stop(kGatewayUnit);
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }
  void add_work(std::chrono::milliseconds ms) {
    ASSERT_EQ(t::http_post_json(url("/__fixture/work"), R"({"ms":)" + std::to_string(ms.count()) + "}").status, 200);
  }

  // The shipped shape: Down confirmed with the gateway; scheduled restarts wait for the preflight's totalActive.
  void start_engine() {
    std::string yaml = "state_dir: " + dir.file("state") + R"(
gateways:
  - name: default
    unit: openclaw-gateway.service
    health_url: )" + url("/readyz") + R"(
    match: {gateway: default}
policy:
  cooldown: 0s
  verify_timeout: 3s
  retry_backoff: 500ms
  notice_lead: 0s
  busy:
    command: [)" + t::fixture_gateway_path() + R"(, gateway, call, gateway.restart.preflight, --json]
    command_json_path: counts.totalActive
    command_timeout: 5s
    command_env_files: {OPENCLAW_GATEWAY_TOKEN: )" + dir.file("gateway-token") + R"(}
    check_interval: 300ms
  low_traffic_windows:
    - {start: "00:00", end: "24:00", location: UTC}
rules:
  - match: {alertname: OpenClawGatewayDown}
    confirm: unhealthy
  - match: {alertname: OpenClawGatewayMemoryHigh}
  - match: {alertname: OpenClawGatewayUptimeHigh}
    urgency: scheduled
)";
    config = std::make_unique<Config>(parse_config(yaml));
    metrics = std::make_unique<HookMetrics>(std::vector<std::string>{"default"});
    engine = std::make_unique<Engine>(*config, EngineDeps{clock, runner, health, busy, units}, *metrics,
                                      EngineOptions{.dry_run = false, .tick_interval = 100ms,
                                                    .verify_poll_interval = 100ms});
  }
  std::string deliver(const std::string& alertname, const std::string& fingerprint) {
    WebhookPayload payload;
    payload.alerts.push_back(testing::firing(alertname, "default", fingerprint));
    const auto decisions = engine->handle(payload);
    EXPECT_TRUE(decisions.ok());
    return decisions.ok() ? (*decisions)[0]["reason"].get<std::string>() : "";
  }
  std::vector<nlohmann::json> records(const std::string& event) const { return testing::audit_events(*engine, event); }

  t::TempDir dir;
  t::UserManager manager;
  int port = 0;
  SystemClock clock;
  ForkExecRunner runner;
  CurlHealthChecker health;
  SystemBusyProbe busy{runner};
  SdBusUnitControl units;
  std::unique_ptr<Config> config;
  std::unique_ptr<HookMetrics> metrics;
  std::unique_ptr<Engine> engine;
};

// An immediate restart does not wait for idle: the gateway's own drain protects its work, and the hook waits the
// drain out — a success, however short verify_timeout is, with the drain in the record.
TEST_F(SystemdPolicyTest, AnImmediateRestartWaitsOutTheGatewaysDrain) {
  start_engine();
  const int before = manager.main_pid(kGatewayUnit);
  add_work(2500ms);
  EXPECT_EQ(deliver("OpenClawGatewayMemoryHigh", "mem-1"), "executed");
  ASSERT_TRUE(t::wait_until([&] { return engine->idle(); }, 30s));
  const auto restarts = records("restart");
  ASSERT_EQ(restarts.size(), 1U);
  EXPECT_EQ(restarts[0]["result"], "success") << restarts[0].dump();
  EXPECT_GE(restarts[0]["drain_seconds"].get<double>(), 2.0) << restarts[0].dump();
  EXPECT_FALSE(restarts[0]["drain_cut_off"].get<bool>());
  EXPECT_NE(manager.main_pid(kGatewayUnit), before);
  EXPECT_TRUE(records("gave_up").empty());
}

// A scheduled restart asks the gateway's preflight (the fixture's CLI mode, as `openclaw gateway call
// gateway.restart.preflight --json` with the token from a file) and runs only once it reports no active work.
TEST_F(SystemdPolicyTest, AScheduledRestartWaitsForIdleThroughThePreflightCommand) {
  start_engine();
  add_work(2000ms);
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(deliver("OpenClawGatewayUptimeHigh", "up-1"), "busy_deferred");
  ASSERT_TRUE(engine->state().gateways.at("default").pending.has_value());
  ASSERT_TRUE(t::wait_until([&] { return records("restart").size() == 1U && engine->idle(); }, 30s));
  EXPECT_GE(std::chrono::steady_clock::now() - asked, 1900ms);  // not before the work ended
  EXPECT_EQ(records("restart")[0]["result"], "success");
  const auto families = metrics->registry()->Collect();
  const auto checks = [&](const char* result) {
    return t::families::value_of(families, "openclaw_restart_hook_busy_checks_total",
                                 {{"gateway", "default"}, {"result", result}})
        .value_or(-1);
  };
  EXPECT_GE(checks("busy"), 1.0);
  EXPECT_EQ(checks("idle"), 1.0);  // the one that let it run
  EXPECT_EQ(checks("failed"), 0.0);
}

// An operator's stop is never undone by the hook, and a unit that exits 78 is never restarted.
TEST_F(SystemdPolicyTest, AnOperatorsStopAndExit78AreRefused) {
  start_engine();
  ASSERT_EQ(manager.stop(kGatewayUnit).exit_code, 0);
  EXPECT_EQ(deliver("OpenClawGatewayMemoryHigh", "mem-2"), "operator_stopped");
  EXPECT_EQ(manager.active_state(kGatewayUnit), "inactive");
  t::write_file(dir.file("exit-78"), "");
  manager.start(kGatewayUnit);
  ASSERT_TRUE(manager.wait_for_state(kGatewayUnit, "failed", 10s));
  EXPECT_EQ(manager.property(kGatewayUnit, "ExecMainStatus"), "78");
  EXPECT_EQ(deliver("OpenClawGatewayMemoryHigh", "mem-3"), "config_invalid");
  EXPECT_EQ(deliver("OpenClawGatewayDown", "down-1"), "config_invalid");
  EXPECT_TRUE(records("restart").empty());
  EXPECT_EQ(manager.active_state(kGatewayUnit), "failed");
}

// `confirm: unhealthy`: a Down alert about a gateway that answers and whose unit is active is declined.
TEST_F(SystemdPolicyTest, ADownAlertAboutAHealthyGatewayIsDeclined) {
  start_engine();
  const int before = manager.main_pid(kGatewayUnit);
  EXPECT_EQ(deliver("OpenClawGatewayDown", "down-2"), "confirmed_healthy");
  EXPECT_EQ(manager.main_pid(kGatewayUnit), before);
  EXPECT_TRUE(records("restart").empty());
}

}  // namespace
}  // namespace openclaw::hook
