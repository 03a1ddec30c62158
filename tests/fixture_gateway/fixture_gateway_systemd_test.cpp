// The fixture gateway as openclaw-gateway.service under a REAL systemd user manager. Runs only through
// tests/lib/with-user-manager.sh (ctest entry fixture_gateway_systemd_test); it fails, not skips, elsewhere.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "test_support.hpp"

namespace openclaw::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUnit = "openclaw-gateway.service";

// The memory limit the kernel enforces for the unit's cgroup: v1 memory.limit_in_bytes, or v2 memory.max.
std::string kernel_memory_limit(const std::string& control_group) {
  const std::string v1 = "/sys/fs/cgroup/memory" + control_group + "/memory.limit_in_bytes";
  if (std::filesystem::exists(v1)) return read_file(v1);
  const std::string hybrid_v2 = "/sys/fs/cgroup/unified" + control_group + "/memory.max";
  if (std::filesystem::exists(hybrid_v2)) return read_file(hybrid_v2);
  return read_file("/sys/fs/cgroup" + control_group + "/memory.max");
}

class FixtureUnderSystemd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(UserManager::available())
        << "no systemd user manager: run this test through tests/lib/with-user-manager.sh";
    port_ = free_tcp_port();
    fail_file_ = dir_.file("fail-next-start");
    GatewayUnitOptions options;
    options.port = port_;
    options.args = {"--fail-start-file", fail_file_, "--ready-after-ms", "300", "--child-rss-mib", "16"};
    options.memory_max = "256M";
    options.restart_sec = 1s;
    options.timeout_stop_sec = 10s;
    options.log_file = dir_.file("gateway.log");
    const auto installed = manager_.install_unit(kUnit, render_gateway_unit(options));
    ASSERT_EQ(installed.exit_code, 0) << installed.output;
  }

  void TearDown() override {
    manager_.stop(kUnit);
    manager_.reset_failed(kUnit);
  }

  std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  bool ready() { return http_get(url("/readyz"), 1s).status == 200; }
  nlohmann::json state() { return nlohmann::json::parse(http_get(url("/__fixture/state")).body); }
  std::string log() {
    return std::filesystem::exists(dir_.file("gateway.log")) ? read_file(dir_.file("gateway.log")) : "";
  }

  UserManager manager_;
  TempDir dir_;
  int port_ = 0;
  std::string fail_file_;
};

TEST_F(FixtureUnderSystemd, StartsWithAMainPidInsideTheUnitsCgroupAndItsMemoryLimit) {
  const auto started = manager_.start(kUnit);
  ASSERT_EQ(started.exit_code, 0) << started.output << log();
  EXPECT_EQ(manager_.active_state(kUnit), "active");
  const int pid = manager_.main_pid(kUnit);
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(wait_until([&] { return ready(); }, 10s)) << log();
  EXPECT_EQ(manager_.n_restarts(kUnit), 0U);

  const std::string control_group = manager_.property(kUnit, "ControlGroup");
  const char* manager_cgroup = std::getenv("OPENCLAW_USER_MANAGER_CGROUP");
  ASSERT_NE(manager_cgroup, nullptr);
  EXPECT_EQ(control_group, std::string(manager_cgroup) + "/app.slice/" + kUnit);
  EXPECT_NE(read_file("/proc/" + std::to_string(pid) + "/cgroup").find(control_group), std::string::npos);
  EXPECT_EQ(manager_.property(kUnit, "MemoryMax"), "268435456");
  EXPECT_EQ(kernel_memory_limit(control_group), "268435456\n");
  // The unit's memory is the whole tree: the child worker is in the same cgroup.
  EXPECT_GT(std::stoll(manager_.property(kUnit, "MemoryCurrent")), 16LL * 1024 * 1024);
}

TEST_F(FixtureUnderSystemd, RestartGivesANewMainPidThatBecomesReady) {
  ASSERT_EQ(manager_.start(kUnit).exit_code, 0) << log();
  ASSERT_TRUE(wait_until([&] { return ready(); }, 10s)) << log();
  const int first = manager_.main_pid(kUnit);
  const auto restarted = manager_.restart(kUnit);
  ASSERT_EQ(restarted.exit_code, 0) << restarted.output;
  const int second = manager_.main_pid(kUnit);
  EXPECT_GT(second, 0);
  EXPECT_NE(second, first);
  EXPECT_FALSE(process_alive(first));
  EXPECT_TRUE(wait_until([&] { return ready(); }, 10s)) << log();
  EXPECT_EQ(manager_.active_state(kUnit), "active");
}

TEST_F(FixtureUnderSystemd, RestartAlwaysBringsBackAKilledGatewayAndSigusr2IsAnExitZero) {
  ASSERT_EQ(manager_.start(kUnit).exit_code, 0) << log();
  const int first = manager_.main_pid(kUnit);
  ASSERT_EQ(kill(first, SIGKILL), 0);
  const int second = manager_.wait_for_new_main_pid(kUnit, first, 10s);
  ASSERT_GT(second, 0) << log();
  EXPECT_EQ(manager_.n_restarts(kUnit), 1U);
  EXPECT_TRUE(wait_until([&] { return ready(); }, 10s));

  // Like the real gateway under systemd: SIGUSR2 drains and exits 0, and Restart=always starts a new PID.
  ASSERT_EQ(kill(second, SIGUSR2), 0);
  const int third = manager_.wait_for_new_main_pid(kUnit, second, 10s);
  EXPECT_GT(third, 0) << log();
  EXPECT_EQ(manager_.n_restarts(kUnit), 2U);
  EXPECT_TRUE(wait_until([&] { return ready(); }, 10s));
}

TEST_F(FixtureUnderSystemd, AFailStartFileMakesTheNextStartFailUntilItIsGone) {
  ASSERT_EQ(manager_.start(kUnit).exit_code, 0) << log();
  ASSERT_TRUE(wait_until([&] { return ready(); }, 10s));
  write_file(fail_file_, "");
  const auto restarted = manager_.restart(kUnit);
  // The start itself "succeeds" for Type=simple; the process exits 1 at once and systemd keeps retrying.
  EXPECT_TRUE(wait_until(
      [&] {
        const auto state = manager_.active_state(kUnit);
        return state == "activating" || state == "failed";
      },
      5s))
      << manager_.active_state(kUnit);
  EXPECT_TRUE(wait_until([&] { return manager_.n_restarts(kUnit) >= 1; }, 5s));
  EXPECT_FALSE(ready());
  EXPECT_NE(log().find("refusing to start"), std::string::npos) << log();

  std::filesystem::remove(fail_file_);
  EXPECT_TRUE(wait_until([&] { return manager_.active_state(kUnit) == "active" && ready(); }, 10s)) << log();
  (void)restarted;
}

// The drain of a real restart: systemd's SIGTERM, admission closed while the work runs, and a budget the fixture read
// from its own unit (the cgroup is under user@<uid>.service, and the unit's environment reaches the manager).
TEST_F(FixtureUnderSystemd, RestartWaitsForActiveWorkWithReadyz503AndTheBudgetFromTheUnit) {
  const std::string logs = dir_.file("logs");
  std::filesystem::create_directories(logs);
  GatewayUnitOptions options;
  options.port = port_;
  options.args = {"--log-dir", logs};
  options.restart_sec = 1s;
  options.timeout_stop_sec = 20s;  // shutdown min(325 s, 15 s) = 15 s, drain 5 s
  options.log_file = dir_.file("gateway.log");
  ASSERT_EQ(manager_.install_unit(kUnit, render_gateway_unit(options)).exit_code, 0);
  ASSERT_EQ(manager_.start(kUnit).exit_code, 0) << log();
  ASSERT_TRUE(wait_until([&] { return ready(); }, 10s)) << log();
  EXPECT_EQ(state().at("drain_budget_ms"), 5000) << log();
  EXPECT_NE(log().find("[gateway] shutdown budget at startup: drain=5000ms shutdown=15000ms reserve=10000ms "
                       "exitMargin=5000ms; source=systemd user openclaw-gateway.service TimeoutStopUSec=20000ms"),
            std::string::npos)
      << log();
  const int first = manager_.main_pid(kUnit);

  const auto work = http_post_json(url("/__fixture/work"), R"({"ms":2500})");
  ASSERT_EQ(work.status, 200) << work.body;
  const auto asked = std::chrono::steady_clock::now();
  auto restart = std::async(std::launch::async, [&] { return manager_.restart(kUnit); });
  EXPECT_TRUE(wait_until([&] { return http_get(url("/readyz"), 1s).status == 503; }, 1500ms)) << log();
  const auto draining = http_get(url("/readyz"));
  if (draining.status == 503) {
    EXPECT_EQ(nlohmann::json::parse(draining.body).at("failing"), nlohmann::json::array({"gateway-draining"}));
  }
  EXPECT_EQ(http_get(url("/healthz")).status, 200);
  EXPECT_EQ(manager_.property(kUnit, "ActiveState"), "deactivating");
  const auto restarted = restart.get();
  ASSERT_EQ(restarted.exit_code, 0) << restarted.output;
  EXPECT_GE(std::chrono::steady_clock::now() - asked, 2300ms);
  const int second = manager_.main_pid(kUnit);
  EXPECT_GT(second, 0);
  EXPECT_NE(second, first);
  EXPECT_FALSE(process_alive(first));
  EXPECT_EQ(manager_.property(kUnit, "ExecMainStatus"), "0");  // the drained process exited 0
  EXPECT_TRUE(wait_until([&] { return ready(); }, 10s)) << log();
  EXPECT_NE(log().find("[gateway] draining active work before stop with timeout 5000ms: activeTasks=1"),
            std::string::npos)
      << log();
  EXPECT_NE(log().find("[gateway] active-work drain settled; beginning server close"), std::string::npos) << log();
}

// openclaw's unit: RestartPreventExitStatus=78, so a gateway that finds a healthy instance and exits 78 stays down.
TEST_F(FixtureUnderSystemd, Exit78LeavesTheUnitFailedWithoutARestart) {
  const std::string marker = dir_.file("duplicate-instance");
  write_file(marker, "");
  GatewayUnitOptions options;
  options.port = port_;
  options.args = {"--exit-78-file", marker};
  options.restart_sec = 500ms;
  options.log_file = dir_.file("gateway.log");
  ASSERT_EQ(manager_.install_unit(kUnit, render_gateway_unit(options)).exit_code, 0);
  manager_.start(kUnit);
  EXPECT_TRUE(manager_.wait_for_state(kUnit, "failed", 5s)) << manager_.active_state(kUnit);
  EXPECT_EQ(manager_.property(kUnit, "ExecMainStatus"), "78");
  EXPECT_EQ(manager_.property(kUnit, "Result"), "exit-code");
  std::this_thread::sleep_for(1s);  // two RestartSec: no restart comes
  EXPECT_EQ(manager_.n_restarts(kUnit), 0U);
  EXPECT_EQ(manager_.active_state(kUnit), "failed");
  EXPECT_NE(log().find("gateway already running under systemd; existing gateway is healthy, exiting with code 78"),
            std::string::npos)
      << log();
}

}  // namespace
}  // namespace openclaw::testing
