// The real actions against a real systemd user manager (run under tests/lib/with-user-manager.sh): the fixture
// gateway is a real unit, really restarted by `systemctl --user restart`, verified over HTTP.
#include <gtest/gtest.h>

#include "engine.hpp"
#include "fakes.hpp"
#include "metrics_handler.hpp"
#include "sd_bus_unit_control.hpp"
#include "hook_test_util.hpp"
#include "test_support.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
namespace t = openclaw::testing;

class SystemdActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(t::UserManager::available()) << "run under tests/lib/with-user-manager.sh";
    port = t::free_tcp_port();
    t::GatewayUnitOptions unit;
    unit.port = port;
    unit.args = {"--ready-after-ms", "300", "--fail-start-file", dir.file("fail-next-start")};
    unit.restart_sec = 1s;
    ASSERT_EQ(manager.install_unit("openclaw-gateway.service", t::render_gateway_unit(unit)).exit_code, 0);
    ASSERT_EQ(manager.start("openclaw-gateway.service").exit_code, 0);
    ASSERT_TRUE(t::wait_until([&] { return t::http_get(health_url(), 1s).status == 200; }, 20s));
  }
  void TearDown() override { manager.stop("openclaw-gateway.service"); }

  std::string health_url() const { return "http://127.0.0.1:" + std::to_string(port) + "/readyz"; }

  void start_engine(const std::string& action_yaml) {
    std::string yaml = testing::example_config_yaml(dir.file("state"));
    auto replace = [&](const std::string& from, const std::string& to) { yaml.replace(yaml.find(from), from.size(), to); };
    replace("http://127.0.0.1:18789/readyz", health_url());
    replace("  verify_timeout: 60s", "  verify_timeout: 4s\n  retry_backoff: 500ms");
    replace("action: systemctl\n    urgency: immediate", action_yaml + "\n    urgency: immediate");
    config = std::make_unique<Config>(parse_config(yaml));
    metrics = std::make_unique<HookMetrics>(std::vector<std::string>{"default"});
    engine = std::make_unique<Engine>(*config, EngineDeps{clock, runner, health, busy, units}, *metrics,
                                      EngineOptions{.dry_run = false, .tick_interval = 100ms,
                                                    .verify_poll_interval = 100ms});
  }
  std::vector<nlohmann::json> restart_records() const { return testing::audit_events(*engine, "restart"); }
  void fire(const std::string& fingerprint) {
    WebhookPayload payload;
    payload.alerts.push_back(testing::firing("OpenClawGatewayDown", "default", fingerprint));
    const auto decisions = engine->handle(payload);
    ASSERT_TRUE(decisions.ok());
    ASSERT_EQ((*decisions)[0]["reason"], "executed");
    ASSERT_TRUE(t::wait_until([&] { return engine->idle(); }, 60s));
  }

  t::TempDir dir;
  t::UserManager manager;
  int port = 0;
  SystemClock clock;
  ForkExecRunner runner;
  CurlHealthChecker health;
  testing::FakeBusy busy;
  SdBusUnitControl units;
  std::unique_ptr<Config> config;
  std::unique_ptr<HookMetrics> metrics;
  std::unique_ptr<Engine> engine;
};

TEST_F(SystemdActionTest, SystemctlRestartGivesANewMainPidAndIsVerifiedHealthy) {
  const int before = manager.main_pid("openclaw-gateway.service");
  ASSERT_GT(before, 0);
  start_engine("action: systemctl");
  fire("systemd-1");
  const auto records = restart_records();
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0]["result"], "success") << records[0].dump();
  EXPECT_EQ(records[0]["job_result"], "done");
  EXPECT_EQ(records[0]["main_pid_before"], before);
  EXPECT_TRUE(records[0]["main_pid_changed"].get<bool>());
  EXPECT_EQ(records[0]["main_pid_after"], manager.main_pid("openclaw-gateway.service"));
  EXPECT_NE(manager.main_pid("openclaw-gateway.service"), before);
}

TEST_F(SystemdActionTest, SignalActionSendsSigusr2ToTheMainPid) {
  const int before = manager.main_pid("openclaw-gateway.service");
  start_engine("action: signal\n    signal: SIGUSR2");
  fire("systemd-signal");
  const auto records = restart_records();
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0]["result"], "success") << records[0].dump();
  EXPECT_EQ(records[0]["main_pid_before"], before);
  EXPECT_TRUE(records[0]["main_pid_changed"].get<bool>()) << records[0].dump();
}

TEST_F(SystemdActionTest, AUnitThatDoesNotComeBackIsFailedRetriedOnceAndGivenUp) {
  start_engine("action: systemctl");
  t::write_file(dir.file("fail-next-start"), "");
  fire("systemd-2");
  const auto records = restart_records();
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0]["result"], "failed");
  EXPECT_EQ(records[1]["result"], "failed");
  EXPECT_EQ(records[1]["attempt"], 2);
  const auto all = engine->recent_decisions();
  EXPECT_EQ(all.back()["event"], "gave_up");
  const std::string text = MetricsHandler({metrics->registry()}).render();
  EXPECT_NE(text.find(R"(openclaw_restart_hook_restarts_total{gateway="default",result="failed",urgency="immediate"} 2)"),
            std::string::npos) << text;
}

}  // namespace
}  // namespace openclaw::hook
