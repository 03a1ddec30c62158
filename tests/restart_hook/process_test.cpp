// The real openclaw-restart-hook binary: durability across kill -9, TLS and auth with curl, flags.
#include <filesystem>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "scrape.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace t = openclaw::testing;

std::string hook_path() { return t::binary_dir() + "/restart-hook/openclaw-restart-hook"; }

std::string alert(const std::string& fingerprint) {
  return R"({"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown",)"
         R"("gateway":"default"},"startsAt":"2026-03-10T09:00:00Z","fingerprint":")" + fingerprint + R"("}]})";
}

class HookProcessTest : public ::testing::Test {
 protected:
  // A config whose action is a command that takes `action_seconds`, verified against the hook's own /healthz.
  void write_config(int port, const std::string& action_seconds, const std::string& extra = "") {
    t::write_file(dir.file("token"), "tok\n");
    t::write_file(dir.file("config.yml"),
                  "auth: {bearer_token_file: " + dir.file("token") + "}\nstate_dir: " + dir.file("state") + "\n" +
                      extra +
                      "gateways:\n  - name: default\n    health_url: " +
                      (extra.empty() ? "http" : "https") + "://127.0.0.1:" + std::to_string(port) +
                      "/healthz\n    match: {gateway: default}\n"
                      "policy: {cooldown: 15m, verify_timeout: 5s}\n"
                      "rules:\n  - match: {alertname: OpenClawGatewayDown}\n    action: command\n"
                      "    command: [/bin/sleep, \"" + action_seconds + "\"]\n");
  }
  t::ChildProcess start_hook(int port, std::vector<std::string> extra_args = {}) {
    std::vector<std::string> argv = {hook_path(), "--config.file=" + dir.file("config.yml"),
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=debug"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    // Serving, not only listening: until its handlers are registered the hook answers 503 "starting"; it logs
    // "listening on" once they are (hook.log collects every hook the test starts: count this one's line).
    const auto listening = [&] {
      const std::string log = std::filesystem::exists(dir.file("hook.log")) ? t::read_file(dir.file("hook.log")) : "";
      std::size_t n = 0;
      for (auto at = log.find("listening on"); at != std::string::npos; at = log.find("listening on", at + 1)) ++n;
      return n;
    };
    const std::size_t before = listening();
    t::ChildProcess child(argv, {}, dir.file("hook.log"));
    EXPECT_TRUE(t::wait_until([&] { return listening() > before; }, 10s)) << child.log();
    return child;
  }
  t::HttpResponse post(int port, const std::string& body) {
    return t::http_request("POST", "http://127.0.0.1:" + std::to_string(port) + "/alerts", body,
                           {"Authorization: Bearer tok", "Content-Type: application/json"});
  }
  std::string reason(const t::HttpResponse& r) {
    return nlohmann::json::parse(r.body)["decisions"][0]["reason"].get<std::string>();
  }
  nlohmann::json state() { return nlohmann::json::parse(t::read_file(dir.file("state/state.json"))); }

  t::TempDir dir;
};

TEST_F(HookProcessTest, KillNineDuringARestartKeepsCooldownDedupeAndTheAuditTrail) {
  const int port = t::free_tcp_port();
  write_config(port, "30");
  {
    auto hook = start_hook(port);
    ASSERT_EQ(reason(post(port, alert("first"))), "executed");
    // The decision and the restart's start are on disk before the webhook was answered.
    EXPECT_TRUE(state()["gateways"]["default"]["in_progress"].get<bool>());
    EXPECT_NE(t::read_file(dir.file("state/audit.log")).find(R"("reason":"executed")"), std::string::npos);
    hook.signal(SIGKILL);
    ASSERT_TRUE(hook.wait_exit(5s).has_value());
  }
  auto hook = start_hook(port);
  // The interrupted restart is not forgotten: the new hook verifies the gateway, then the restart is finished.
  ASSERT_TRUE(t::wait_until([&] { return !state()["gateways"]["default"]["in_progress"].get<bool>(); }, 10s))
      << hook.log();
  EXPECT_EQ(reason(post(port, alert("first"))), "duplicate");
  EXPECT_EQ(reason(post(port, alert("second"))), "cooldown");
  const std::string audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_NE(audit.find(R"("event":"interrupted")"), std::string::npos);
  EXPECT_NE(audit.find(R"("attempt":"resumed")"), std::string::npos) << audit;
  EXPECT_EQ(audit.find(R"("event":"gave_up")"), std::string::npos);
  EXPECT_NE(audit.find(R"("reason":"cooldown")"), std::string::npos);
}

// SIGTERM (systemctl stop, a package upgrade) during a restart: the hook exits promptly, records neither a failed
// attempt nor "gave up", and leaves the restart in progress for its next start, which verifies the gateway.
TEST_F(HookProcessTest, SigtermDuringARestartIsNeitherAFailureNorForgotten) {
  const int port = t::free_tcp_port();
  write_config(port, "30");
  {
    auto hook = start_hook(port);
    ASSERT_EQ(reason(post(port, alert("first"))), "executed");
    ASSERT_TRUE(t::wait_until([&] { return hook.log().find("restarting") != std::string::npos; }, 5s)) << hook.log();
    hook.signal(SIGTERM);
    const auto status = hook.wait_exit(10s);
    ASSERT_TRUE(status.has_value()) << hook.log();
  }
  std::string audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_EQ(audit.find(R"("event":"gave_up")"), std::string::npos) << audit;
  EXPECT_EQ(audit.find(R"("result":"failed")"), std::string::npos) << audit;
  EXPECT_NE(audit.find(R"("event":"interrupted")"), std::string::npos) << audit;
  EXPECT_TRUE(state()["gateways"]["default"]["in_progress"].get<bool>());
  auto hook = start_hook(port);
  ASSERT_TRUE(t::wait_until([&] { return !state()["gateways"]["default"]["in_progress"].get<bool>(); }, 10s))
      << hook.log();
  audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_NE(audit.find(R"("attempt":"resumed","detail":"verified after the hook restarted during the restart")"),
            std::string::npos) << audit;
}

TEST_F(HookProcessTest, KillNineAfterARestartStillHonoursTheCooldown) {
  const int port = t::free_tcp_port();
  write_config(port, "0.1");
  {
    auto hook = start_hook(port);
    ASSERT_EQ(reason(post(port, alert("first"))), "executed");
    ASSERT_TRUE(t::wait_until([&] {
      return t::read_file(dir.file("state/audit.log")).find(R"("result":"success")") != std::string::npos;
    }, 15s)) << hook.log();
    ASSERT_TRUE(t::wait_until([&] { return !state()["gateways"]["default"]["in_progress"].get<bool>(); }, 5s));
    hook.signal(SIGKILL);
    hook.wait_exit(5s);
  }
  auto hook = start_hook(port);
  EXPECT_EQ(reason(post(port, alert("again"))), "cooldown");
  const std::string audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_EQ(audit.find(R"("event":"interrupted")"), std::string::npos);
  EXPECT_NE(audit.find(R"("main_pid_changed":false)"), std::string::npos);
}

TEST_F(HookProcessTest, TlsAndAuthWithRealCurl) {
  const int port = t::free_tcp_port();
  const auto made = t::run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                                    dir.file("key.pem"), "-out", dir.file("cert.pem")});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  write_config(port, "0.1", "tls: {cert_file: " + dir.file("cert.pem") + ", key_file: " + dir.file("key.pem") + "}\n");
  auto hook = start_hook(port);
  const std::string url = "https://127.0.0.1:" + std::to_string(port);
  auto curl = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                                     dir.file("cert.pem")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return t::run_command(argv, 20s).output;
  };
  EXPECT_EQ(curl({url + "/healthz"}), "200");
  EXPECT_EQ(curl({"-XPOST", "-H", "Authorization: Bearer tok", "-H", "Content-Type: application/json", "--data-binary", alert("tls"), url + "/alerts"}), "200");
  EXPECT_EQ(curl({"-XPOST", "-H", "Authorization: Bearer nope", "-H", "Content-Type: application/json", "--data-binary", alert("tls"), url + "/alerts"}),
            "401");
  EXPECT_EQ(curl({"-XPOST", "-u", "alertmanager:tok", "-H", "Content-Type: application/json", "--data-binary", alert("tls"), url + "/alerts"}), "401");
  // Plain HTTP to the TLS port gets no webhook through.
  EXPECT_NE(t::run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-XPOST", "-H",
                            "Authorization: Bearer tok", "--data-binary", alert("plain"),
                            "http://127.0.0.1:" + std::to_string(port) + "/alerts"}, 20s).output,
            "200");
}

// Every family the hook serves carries `host` on every sample (common/src/host_label.hpp): the machine's name by
// default, --host's value when given — the same value the hook compares alerts' `host` with (wrong_host).
TEST_F(HookProcessTest, EverySeriesCarriesTheHostOfTheHostFlag) {
  char name[256] = {};
  ASSERT_EQ(gethostname(name, sizeof name - 1), 0);
  for (const std::string& flag : {std::string(), std::string("gw-b.fleet.example")}) {
    const int port = t::free_tcp_port();
    write_config(port, "0.1");
    auto hook = start_hook(port, flag.empty() ? std::vector<std::string>{} : std::vector<std::string>{"--host=" + flag});
    const std::string host = flag.empty() ? std::string(name) : flag;
    const auto response = t::http_request("GET", "http://127.0.0.1:" + std::to_string(port) + "/metrics", "",
                                          {"Authorization: Bearer tok"});
    ASSERT_EQ(response.status, 200) << hook.log();
    const t::Scrape s = t::parse_scrape(response.body);
    ASSERT_GT(s.samples, 20u) << s.text;
    EXPECT_EQ(s.hosts, (std::map<std::string, std::size_t>{{host, s.samples}})) << s.text;
    // Histogram buckets too, the label in name order.
    EXPECT_NE(s.text.find("openclaw_restart_hook_restart_duration_seconds_bucket{gateway=\"default\",host=\"" + host +
                          "\",le=\"1\"} 0"),
              std::string::npos)
        << s.text;
    EXPECT_TRUE(s.has_prefix("openclaw_restart_hook_build_info{revision=")) << s.text;
  }
}

TEST_F(HookProcessTest, CheckConfigNamesTheKeyAndExitsNonZero) {
  write_config(1, "1");
  const auto ok = t::run_command({hook_path(), "--check-config", "--config.file=" + dir.file("config.yml")});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("SUCCESS"), std::string::npos);
  std::string yaml = t::read_file(dir.file("config.yml"));
  yaml.replace(yaml.find("cooldown"), 8, "cooldwn");
  t::write_file(dir.file("bad.yml"), yaml);
  const auto bad = t::run_command({hook_path(), "--check-config", "--config.file=" + dir.file("bad.yml")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("FAILED: policy.cooldwn: unknown key"), std::string::npos) << bad.output;
  const auto version = t::run_command({hook_path(), "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find("openclaw-restart-hook 0."), std::string::npos);
  EXPECT_NE(t::run_command({hook_path(), "--no-such-flag"}).exit_code, 0);
}

TEST_F(HookProcessTest, RefusesANonLoopbackAddressWithoutAuthUnlessInsecure) {
  write_config(1, "1");
  std::string yaml = t::read_file(dir.file("config.yml"));
  yaml.erase(0, yaml.find('\n') + 1);  // drop auth
  t::write_file(dir.file("config.yml"), yaml);
  const int port = t::free_tcp_port();
  const auto refused = t::run_command({hook_path(), "--config.file=" + dir.file("config.yml"),
                                       "--web.listen-address=0.0.0.0:" + std::to_string(port)}, 10s);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("without authentication"), std::string::npos) << refused.output;
  t::ChildProcess insecure({hook_path(), "--config.file=" + dir.file("config.yml"),
                            "--web.listen-address=0.0.0.0:" + std::to_string(port), "--web.insecure"},
                           {}, dir.file("insecure.log"));
  EXPECT_TRUE(t::wait_until([&] { return t::tcp_port_open(port); }, 10s)) << insecure.log();
}

// SIGHUP's default action would kill the hook (a terminal closing, a careless `kill -HUP`): it is logged and ignored.
// A second hook on the same state directory refuses to start, naming the first one's PID.
TEST_F(HookProcessTest, SighupIsIgnoredAndASecondHookOnTheStateDirRefusesToStart) {
  const int port = t::free_tcp_port();
  write_config(port, "1");
  auto hook = start_hook(port);
  hook.signal(SIGHUP);
  ASSERT_TRUE(t::wait_until([&] { return hook.log().find("received SIGHUP: ignored") != std::string::npos; }, 5s))
      << hook.log();
  EXPECT_FALSE(hook.wait_exit(300ms).has_value()) << hook.log();
  EXPECT_EQ(t::http_get("http://127.0.0.1:" + std::to_string(port) + "/healthz", 2s).status, 200);
  const auto second = t::run_command({hook_path(), "--config.file=" + dir.file("config.yml"),
                                      "--web.listen-address=127.0.0.1:" + std::to_string(t::free_tcp_port())},
                                     10s);
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_NE(second.output.find("is in use by another openclaw-restart-hook (pid " + std::to_string(hook.pid())),
            std::string::npos)
      << second.output;
}

}  // namespace
