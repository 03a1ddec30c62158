// The fixture gateway as openclaw-gateway.service under a REAL systemd user manager. Runs only through
// tests/lib/with-user-manager.sh (ctest entry fixture_gateway_systemd_test); it fails, not skips, elsewhere.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

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

  bool ready() { return http_get("http://127.0.0.1:" + std::to_string(port_) + "/readyz", 1s).status == 200; }
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

}  // namespace
}  // namespace openclaw::testing
