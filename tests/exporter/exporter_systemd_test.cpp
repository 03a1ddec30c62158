// --gateway.unit against a real systemd user manager (run through tests/lib/with-user-manager.sh): the exporter
// follows the unit's MainPID across restarts, counts them, and reads the unit's MemoryMax and NRestarts.
#include <gtest/gtest.h>
#include <signal.h>

#include "scrape.hpp"
#include "test_support.hpp"

using namespace openclaw::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kUnit = "openclaw-gateway.service";
const std::string kGateway = "gateway=\"default\"";
const std::string kUnitLabels = "gateway=\"default\",unit=\"openclaw-gateway.service\"";

class ExporterSystemd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(UserManager::available()) << "run me through tests/lib/with-user-manager.sh";
    gateway_port_ = free_tcp_port();
    GatewayUnitOptions unit;
    unit.port = gateway_port_;
    unit.memory_max = "256M";
    unit.restart_sec = 1s;
    ASSERT_EQ(manager_.install_unit(kUnit, render_gateway_unit(unit)).exit_code, 0);
    ASSERT_EQ(manager_.start(kUnit).exit_code, 0);
    ASSERT_TRUE(wait_until([&] { return http_get(gateway_url() + "/readyz").status == 200; }, 20s));
    exporter_port_ = free_tcp_port();
    exporter_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        binary_dir() + "/exporter/openclaw-gateway-exporter",
        "--web.listen-address=127.0.0.1:" + std::to_string(exporter_port_), "--gateway.url=" + gateway_url(),
        "--probe.interval=1s", "--probe.timeout=1s"});
    ASSERT_TRUE(wait_until([&] { return scrape(metrics_url()).get("openclaw_gateway_up{" + kGateway + "}") == 1; },
                           10s))
        << exporter_->log();
  }
  void TearDown() override {
    exporter_.reset();
    manager_.stop(kUnit);
  }

  std::string gateway_url() const { return "http://127.0.0.1:" + std::to_string(gateway_port_); }
  std::string metrics_url() const { return "http://127.0.0.1:" + std::to_string(exporter_port_) + "/metrics"; }
  std::optional<double> metric(const std::string& name, const std::string& labels) {
    return scrape(metrics_url()).get(name + "{" + labels + "}");
  }

  UserManager manager_;
  int gateway_port_ = 0;
  int exporter_port_ = 0;
  std::unique_ptr<ChildProcess> exporter_;
};

}  // namespace

TEST_F(ExporterSystemd, ReadsTheUnitThroughSdBus) {
  const Scrape s = scrape(metrics_url());
  EXPECT_EQ(s.get("openclaw_gateway_pid{" + kGateway + "}"), manager_.main_pid(kUnit));
  EXPECT_EQ(s.get("openclaw_gateway_unit_active{" + kUnitLabels + "}"), 1);
  EXPECT_EQ(s.get("openclaw_gateway_unit_state{gateway=\"default\",state=\"active\",unit=\"openclaw-gateway.service\"}"), 1);
  EXPECT_EQ(s.get("openclaw_gateway_unit_restarts_total{" + kUnitLabels + "}"), 0);
  EXPECT_EQ(s.get("openclaw_gateway_memory_limit_bytes{" + kGateway + "}"), 256.0 * 1024 * 1024);
  EXPECT_EQ(s.get("openclaw_exporter_source_success{" + kGateway + ",source=\"systemd\"}"), 1);
}

TEST_F(ExporterSystemd, FollowsTheNewMainPidAfterSystemctlRestart) {
  const int old_pid = manager_.main_pid(kUnit);
  ASSERT_EQ(manager_.restart(kUnit).exit_code, 0);
  const int new_pid = manager_.wait_for_new_main_pid(kUnit, old_pid, 20s);
  ASSERT_GT(new_pid, 0);
  ASSERT_NE(new_pid, old_pid);
  ASSERT_TRUE(wait_until([&] { return metric("openclaw_gateway_pid", kGateway) == new_pid; }, 10s));
  EXPECT_EQ(metric("openclaw_gateway_process_restarts_total", kGateway), 1);
  // A manual restart is not an automatic one: NRestarts stays 0.
  EXPECT_EQ(metric("openclaw_gateway_unit_restarts_total", kUnitLabels), 0);
}

TEST_F(ExporterSystemd, CountsSystemdsOwnRestartsAfterACrash) {
  const int old_pid = manager_.main_pid(kUnit);
  ASSERT_EQ(kill(old_pid, SIGKILL), 0);
  const int new_pid = manager_.wait_for_new_main_pid(kUnit, old_pid, 20s);
  ASSERT_GT(new_pid, 0);
  ASSERT_TRUE(wait_until([&] { return metric("openclaw_gateway_unit_restarts_total", kUnitLabels) == 1; }, 10s));
  ASSERT_TRUE(wait_until([&] { return metric("openclaw_gateway_pid", kGateway) == new_pid; }, 10s));
  EXPECT_EQ(metric("openclaw_gateway_process_restarts_total", kGateway), 1);
  EXPECT_EQ(manager_.n_restarts(kUnit), 1U);
}

// systemd forgets the exit's Result and status once the next process runs: a crash and its restart between two
// scrapes must still be counted (the exporter hears the manager's PropertiesChanged signal).
TEST_F(ExporterSystemd, CountsACrashThatNoScrapeSaw) {
  const std::string killed = "openclaw_gateway_unit_exits_total{code=\"killed\",gateway=\"default\",result=\"signal\","
                             "status=\"9\",unit=\"openclaw-gateway.service\"}";
  EXPECT_EQ(scrape(metrics_url()).get(killed), std::nullopt);
  const int old_pid = manager_.main_pid(kUnit);
  ASSERT_EQ(kill(old_pid, SIGKILL), 0);
  ASSERT_GT(manager_.wait_for_new_main_pid(kUnit, old_pid, 20s), 0);  // restarted: the crash's Result is gone
  ASSERT_EQ(manager_.n_restarts(kUnit), 1U);
  const Scrape s = scrape(metrics_url());
  EXPECT_EQ(s.get("openclaw_gateway_unit_result{gateway=\"default\",result=\"success\",unit=\"openclaw-gateway.service\"}"),
            1);
  EXPECT_EQ(s.get(killed), 1) << s.text;
}

TEST_F(ExporterSystemd, AStoppedUnitIsDownWithoutProcessSeries) {
  ASSERT_EQ(manager_.stop(kUnit).exit_code, 0);
  ASSERT_TRUE(wait_until([&] { return metric("openclaw_gateway_up", kGateway) == 0; }, 10s));
  const Scrape s = scrape(metrics_url());
  EXPECT_EQ(s.get("openclaw_gateway_unit_active{" + kUnitLabels + "}"), 0);
  EXPECT_EQ(s.get("openclaw_gateway_unit_state{gateway=\"default\",state=\"inactive\",unit=\"openclaw-gateway.service\"}"), 1);
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_resident_memory_bytes"));
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_connections"));
  // An operator's stop, told apart from a crash.
  EXPECT_EQ(s.get("openclaw_gateway_unit_stopped_deliberately{" + kUnitLabels + "}"), 1);
  EXPECT_EQ(s.get("openclaw_gateway_unit_result{gateway=\"default\",result=\"success\",unit=\"openclaw-gateway.service\"}"), 1);
  EXPECT_EQ(s.get("openclaw_gateway_unit_sub_state{gateway=\"default\",sub_state=\"dead\",unit=\"openclaw-gateway.service\"}"), 1);
}

TEST_F(ExporterSystemd, ACrashIsNotADeliberateStopAndKeepsItsSignal) {
  const int old_pid = manager_.main_pid(kUnit);
  ASSERT_EQ(kill(old_pid, SIGSEGV), 0);
  // Between the crash and systemd's restart (RestartSec=1) the unit waits in auto-restart with the crash's result.
  ASSERT_TRUE(wait_until([&] { return manager_.main_pid(kUnit) != old_pid; }, 20s));
  const Scrape s = scrape(metrics_url());
  EXPECT_EQ(s.get("openclaw_gateway_unit_stopped_deliberately{" + kUnitLabels + "}"), 0);
  ASSERT_TRUE(wait_until([&] { return metric("openclaw_gateway_unit_restarts_total", kUnitLabels) == 1; }, 10s));
}

TEST_F(ExporterSystemd, ABlindExporterReportsNoUpAndNeverZero) {
  // The same gateway, watched by a second exporter that cannot reach the user manager.
  const int port = free_tcp_port();
  ChildProcess blind({binary_dir() + "/exporter/openclaw-gateway-exporter",
                      "--web.listen-address=127.0.0.1:" + std::to_string(port), "--gateway.url=" + gateway_url(),
                      "--systemd.address=unix:path=/nonexistent/systemd/private", "--probe.interval=1s"});
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  ASSERT_TRUE(wait_until([&] { return scrape(url).has_prefix("openclaw_exporter_source_success"); }, 10s)) << blind.log();
  const Scrape s = scrape(url);
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_up{")) << s.text;
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_pid{"));
  EXPECT_EQ(s.get("openclaw_exporter_source_success{" + kGateway + ",source=\"systemd\"}"), 0);
  EXPECT_EQ(s.get("openclaw_exporter_source_success{" + kGateway + ",source=\"discovery\"}"), 0);
  // The well-connected exporter still sees it up.
  EXPECT_EQ(metric("openclaw_gateway_up", kGateway), 1);
}

TEST_F(ExporterSystemd, AMisspelledUnitIsAConfigurationErrorNotADownGateway) {
  const int port = free_tcp_port();
  const TempDir dir("exporter-typo-");
  ChildProcess typo({binary_dir() + "/exporter/openclaw-gateway-exporter",
                     "--web.listen-address=127.0.0.1:" + std::to_string(port), "--gateway.url=" + gateway_url(),
                     "--gateway.unit=openclaw-gatway.service", "--probe.interval=1s"},
                    {}, dir.file("exporter.log"));
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  ASSERT_TRUE(wait_until([&] { return scrape(url).has_prefix("openclaw_exporter_source_success"); }, 10s)) << typo.log();
  const Scrape s = scrape(url);
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_up{")) << s.text;
  EXPECT_EQ(s.get("openclaw_exporter_source_success{" + kGateway + ",source=\"systemd\"}"), 0);
  ASSERT_TRUE(wait_until([&] { return typo.log().find("openclaw-gatway.service") != std::string::npos; }, 5s));
  EXPECT_NE(typo.log().find("not-found"), std::string::npos) << typo.log();
}

TEST(ExporterSystemdExit78, TheUnitStaysFailedWithItsExitStatusAndIsDown) {
  ASSERT_TRUE(UserManager::available()) << "run me through tests/lib/with-user-manager.sh";
  UserManager manager;
  GatewayUnitOptions unit;  // openclaw's unit shape: RestartPreventExitStatus=78, Restart=always
  unit.unit_name = "openclaw-gateway-78.service";
  unit.program = "/bin/sh";
  unit.args = {"-c", "exit 78"};
  unit.restart_sec = 1s;
  ASSERT_EQ(manager.install_unit(unit.unit_name, render_gateway_unit(unit)).exit_code, 0);
  manager.start(unit.unit_name);
  const int port = free_tcp_port();
  ChildProcess exporter({binary_dir() + "/exporter/openclaw-gateway-exporter",
                         "--web.listen-address=127.0.0.1:" + std::to_string(port), "--gateway.url=http://127.0.0.1:1",
                         "--gateway.unit=" + unit.unit_name, "--probe.interval=1s"});
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  const std::string labels = "gateway=\"default\",unit=\"openclaw-gateway-78.service\"";
  ASSERT_TRUE(wait_until([&] { return scrape(url).get("openclaw_gateway_unit_exec_main_status{" + labels + "}") == 78; },
                         15s))
      << scrape(url).text << exporter.log();
  const Scrape s = scrape(url);
  EXPECT_EQ(s.get("openclaw_gateway_unit_exec_main_code{" + labels + "}"), 1);  // exited, not killed
  EXPECT_EQ(s.get("openclaw_gateway_unit_state{gateway=\"default\",state=\"failed\",unit=\"openclaw-gateway-78.service\"}"), 1);
  EXPECT_EQ(s.get("openclaw_gateway_unit_result{gateway=\"default\",result=\"exit-code\",unit=\"openclaw-gateway-78.service\"}"), 1);
  EXPECT_EQ(s.get("openclaw_gateway_unit_stopped_deliberately{" + labels + "}"), 0);
  EXPECT_EQ(s.get("openclaw_gateway_up{gateway=\"default\"}"), 0);  // the authority says: not running
  EXPECT_EQ(manager.n_restarts(unit.unit_name), 0U);  // RestartPreventExitStatus held
}
