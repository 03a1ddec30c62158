// state_dir full, end to end: a real Alertmanager 0.25 delivers to the real hook binary whose state_dir is a full
// tmpfs. The hook refuses to act (it cannot record), answers 500, and Alertmanager retries by itself; once there is
// space, its retry acts — once.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "private_mounts.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace t = openclaw::testing;

// openclaw_restart_hook_webhooks_total{code=CODE} from the hook's /metrics (whatever other labels the series has).
std::optional<double> hook_webhooks(int port, const std::string& code) {
  const auto page = t::http_get("http://127.0.0.1:" + std::to_string(port) + "/metrics", 2s);
  std::istringstream lines(page.body);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("openclaw_restart_hook_webhooks_total{") ||
        line.find("code=\"" + code + "\"") == std::string::npos) {
      continue;
    }
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

TEST(AlertmanagerRetry, AFullStateDirIsRefusedWith500AndAlertmanagersOwnRetryActsOnceThereIsSpace) {
  if (const std::string why = t::PrivateMounts::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  t::TempDir dir;
  t::PrivateMounts mounts;  // before any child starts: the hook and Alertmanager run in its namespace
  mounts.tmpfs(dir.file("state"), 256 * 1024);
  const int hook_port = t::free_tcp_port();
  const std::string acted = dir.file("acted");
  t::write_file(dir.file("hook.yml"),
                "state_dir: " + dir.file("state") +
                    "\ngateways:\n  - name: default\n    health_url: http://127.0.0.1:" + std::to_string(hook_port) +
                    "/healthz\n    match: {gateway: default}\n"
                    "policy: {cooldown: 15m, verify_timeout: 5s}\n"
                    "rules:\n  - match: {alertname: OpenClawGatewayDown}\n    action: command\n"
                    "    command: [/bin/sh, -c, 'echo acted >> " + acted + "']\n");
  t::ChildProcess hook({t::binary_dir() + "/restart-hook/openclaw-restart-hook", "--config.file=" + dir.file("hook.yml"),
                        "--web.listen-address=127.0.0.1:" + std::to_string(hook_port)},
                       {}, dir.file("hook.log"));
  ASSERT_TRUE(t::wait_until([&] { return t::tcp_port_open(hook_port); }, 10s)) << hook.log();
  t::fill_file_system(dir.file("state/filler"));

  const int am_port = t::free_tcp_port();
  t::write_file(dir.file("alertmanager.yml"),
                "route:\n  receiver: hook\n  group_by: [alertname, gateway]\n  group_wait: 0s\n"
                "  group_interval: 1m\n  repeat_interval: 1h\n"
                "receivers:\n  - name: hook\n    webhook_configs:\n      - url: http://127.0.0.1:" +
                    std::to_string(hook_port) + "/alerts\n        send_resolved: false\n");
  std::filesystem::create_directories(dir.file("am"));
  const std::string am = "127.0.0.1:" + std::to_string(am_port);
  t::ChildProcess alertmanager({"prometheus-alertmanager", "--config.file=" + dir.file("alertmanager.yml"),
                                "--storage.path=" + dir.file("am"), "--web.listen-address=" + am,
                                "--cluster.listen-address="},
                               {}, dir.file("alertmanager.log"));
  ASSERT_TRUE(t::wait_until([&] { return t::http_get("http://" + am + "/-/ready", 1s).status == 200; }, 60s))
      << alertmanager.log();
  const auto posted = t::http_post_json(
      "http://" + am + "/api/v2/alerts",
      R"([{"labels":{"alertname":"OpenClawGatewayDown","gateway":"default"},"annotations":{}}])");
  ASSERT_EQ(posted.status, 200) << posted.body;

  // Alertmanager's first delivery, and at least one of its own retries, refused: nothing acted.
  ASSERT_TRUE(t::wait_until([&] { return hook_webhooks(hook_port, "500").value_or(0) >= 2; }, 30s))
      << hook.log() << alertmanager.log();
  EXPECT_FALSE(std::filesystem::exists(acted));
  EXPECT_NE(hook.log().find("No space left on device"), std::string::npos) << hook.log();

  std::filesystem::remove(dir.file("state/filler"));  // space again: the next retry is Alertmanager's own
  ASSERT_TRUE(t::wait_until([&] { return std::filesystem::exists(acted); }, 30s)) << hook.log() << alertmanager.log();
  EXPECT_EQ(hook_webhooks(hook_port, "200"), 1);
  ASSERT_TRUE(t::wait_until([&] { return t::read_file(dir.file("state/audit.log")).find(R"("event":"restart")") !=
                                         std::string::npos; }, 10s));
  EXPECT_EQ(t::read_file(acted), "acted\n");  // once
  const std::string audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_NE(audit.find(R"("reason":"executed")"), std::string::npos) << audit;
}

}  // namespace
