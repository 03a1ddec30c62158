#include "config.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>

#include "hook_test_util.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;

std::string error_key(const std::string& yaml) {
  try {
    parse_config(yaml);
  } catch (const ConfigError& e) {
    return e.key();
  }
  return "<accepted>";
}

std::string error_message(const std::string& yaml) {
  try {
    parse_config(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<accepted>";
}

std::string with(const std::string& from, const std::string& to) {
  std::string yaml = testing::example_config_yaml();
  const auto at = yaml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return yaml.replace(at, from.size(), to);
}

TEST(Config, ExampleFromTheIssueParsesWithDefaults) {
  const Config config = testing::example_config("/var/lib/x");
  EXPECT_EQ(config.state_dir, "/var/lib/x");
  ASSERT_EQ(config.gateways.size(), 1U);
  EXPECT_EQ(config.gateways[0].unit, "openclaw-gateway.service");
  EXPECT_EQ(config.policy.cooldown, 15min);
  EXPECT_EQ(config.policy.max_restarts, 3);
  EXPECT_EQ(config.policy.window, 1h);
  EXPECT_EQ(config.policy.verify_timeout, 60s);
  EXPECT_EQ(config.policy.retry_backoff, 30s);
  EXPECT_EQ(config.policy.dedupe_ttl, 24h);
  EXPECT_EQ(config.policy.low_traffic_windows.size(), 3U);
  ASSERT_EQ(config.rules.size(), 2U);
  EXPECT_EQ(config.rules[0].name, "rule-0");
  EXPECT_EQ(config.rules[0].action, ActionKind::kSystemctl);
  EXPECT_FALSE(config.rules[0].timeout.has_value());  // derived from the unit at restart time
  EXPECT_EQ(config.rules[1].urgency, Urgency::kScheduled);
  EXPECT_EQ(config.max_body_bytes, 1U << 20U);
  EXPECT_FALSE(config.auth.enabled());
}

TEST(Config, ShippedExampleFileIsValid) {
  const char* source = std::getenv("OPENCLAW_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  const Config config = load_config_file(std::string(source) + "/restart-hook/examples/config.yml");
  EXPECT_TRUE(config.auth.enabled());
  EXPECT_EQ(config.rules.size(), 2U);
}

TEST(Config, BusyCommandNoticeAndConfirm) {
  const Config config = parse_config(with("  notice_lead: 0s            # tests of the notice set it\n", R"(  busy:
    command: [/usr/local/bin/openclaw, gateway, call, gateway.restart.preflight, --json]
    command_json_path: counts.totalActive
    command_timeout: 20s
    command_env_files: {OPENCLAW_GATEWAY_TOKEN: /etc/openclaw-restart-hook/gateway-token}
    check_interval: 2m
)"));
  EXPECT_EQ(config.policy.notice_lead, 5min);  // the default when not set
  EXPECT_TRUE(config.policy.busy.enabled());
  EXPECT_EQ(config.policy.busy.command.size(), 5U);
  EXPECT_EQ(config.policy.busy.command_json_path, "counts.totalActive");
  EXPECT_EQ(config.policy.busy.command_timeout, 20s);
  EXPECT_EQ(config.policy.busy.check_interval, 2min);
  EXPECT_EQ(config.policy.busy.command_env_files.at("OPENCLAW_GATEWAY_TOKEN"),
            "/etc/openclaw-restart-hook/gateway-token");
  EXPECT_EQ(config.rules[0].confirm, Confirm::kNone);
  const std::string busy = "  notice_lead: 0s            # tests of the notice set it\n";
  EXPECT_EQ(error_key(with(busy, "  busy: {command: [openclaw, x], command_json_path: a}\n")),
            "policy.busy.command[0]");
  EXPECT_EQ(error_key(with(busy, "  busy: {command: [/bin/x]}\n")), "policy.busy.command_json_path");
  EXPECT_EQ(error_key(with(busy, "  busy: {command_json_path: a}\n")), "policy.busy.command");
  EXPECT_EQ(error_key(with(busy, "  busy: {command: [/bin/x], command_json_path: \"a..b\"}\n")),
            "policy.busy.command_json_path");
  EXPECT_EQ(error_key(with(busy, "  busy: {command: [/bin/x], command_json_path: a, command_env_files: {tok: /x}}\n")),
            "policy.busy.command_env_files.tok");
  EXPECT_EQ(error_key(with(busy, "  busy: {command: [/bin/x], command_json_path: a, command_env_files: {T: x}}\n")),
            "policy.busy.command_env_files.T");
  EXPECT_EQ(error_key(with("    urgency: immediate\n", "    urgency: immediate\n    confirm: maybe\n")),
            "rules[0].confirm");
  EXPECT_EQ(parse_config(with("    urgency: immediate\n", "    urgency: immediate\n    confirm: unhealthy\n"))
                .rules[0]
                .confirm,
            Confirm::kUnhealthy);
}

TEST(Config, ScheduleJitterGivesEachHostItsOwnStableOffset) {
  EXPECT_EQ(testing::example_config().policy.schedule_jitter, 10min);  // the default
  Config config = parse_config(with("  notice_lead: 0s            # tests of the notice set it\n",
                                    "  schedule_jitter: 20m\n"));
  EXPECT_EQ(config.policy.schedule_jitter, 20min);
  EXPECT_EQ(error_key(with("  notice_lead: 0s            # tests of the notice set it\n", "  schedule_jitter: soon\n")),
            "policy.schedule_jitter");
  assign_schedule_offsets(config, "gw-host-1");
  const auto offset = config.gateways[0].schedule_offset;
  EXPECT_EQ(offset, schedule_offset_for("gw-host-1", "default", 20min));  // stable: the same inputs, the same offset
  EXPECT_GE(offset, 0ms);
  EXPECT_LT(offset, 20min);
  EXPECT_EQ(offset.count() % 1000, 0);
  // Hosts spread over the range: 50 names land on many different offsets, and not all in one half.
  std::set<long long> offsets;
  int early = 0;
  for (int i = 0; i < 50; ++i) {
    const auto o = schedule_offset_for("host-" + std::to_string(i), "default", 20min);
    EXPECT_LT(o, 20min);
    offsets.insert(o.count());
    early += o < 10min ? 1 : 0;
  }
  EXPECT_GE(offsets.size(), 45U);
  EXPECT_GT(early, 10);
  EXPECT_LT(early, 40);
  EXPECT_NE(schedule_offset_for("a", "default", 20min), schedule_offset_for("a", "staging", 20min));
  EXPECT_EQ(schedule_offset_for("any", "default", 0ms), 0ms);  // 0 = at the window's start
}

TEST(Config, AuditLogRotation) {
  const Config defaults = testing::example_config();
  EXPECT_EQ(defaults.audit.max_file_bytes, 10U << 20U);
  EXPECT_EQ(defaults.audit.max_files, 5);
  const std::string yaml = testing::example_config_yaml();
  const Config set = parse_config(yaml + "audit: {max_file_bytes: 1048576, max_files: 3}\n");
  EXPECT_EQ(set.audit.max_file_bytes, 1048576U);
  EXPECT_EQ(set.audit.max_files, 3);
  EXPECT_EQ(error_key(yaml + "audit: {max_file_bytes: 100}\n"), "audit.max_file_bytes");
  EXPECT_EQ(error_key(yaml + "audit: {max_files: 0}\n"), "audit.max_files");
  EXPECT_EQ(error_key(yaml + "audit: {keep: 3}\n"), "audit.keep");
}

TEST(Config, AllowedHostsAreNamesOrNamesWithAPort) {
  const std::string yaml = testing::example_config_yaml();
  EXPECT_TRUE(testing::example_config().allowed_hosts.empty());
  const Config set = parse_config(yaml + "allowed_hosts: [hook.example, 'proxy.example:8443']\n");
  EXPECT_EQ(set.allowed_hosts, (std::vector<std::string>{"hook.example", "proxy.example:8443"}));
  EXPECT_EQ(error_key(yaml + "allowed_hosts: ['two words']\n"), "allowed_hosts");
  EXPECT_EQ(error_key(yaml + "allowed_hosts: ['name:99999']\n"), "allowed_hosts");
}

TEST(Config, UnknownKeysAreRejectedByName) {
  EXPECT_EQ(error_key(with("cooldown: 15m", "cooldwn: 15m")), "policy.cooldwn");
  EXPECT_NE(error_message(with("cooldown: 15m", "cooldwn: 15m")).find("expected one of: cooldown"),
            std::string::npos);
  EXPECT_EQ(error_key(testing::example_config_yaml() + "extra: 1\n"), "extra");
  EXPECT_EQ(error_key(with("unit: openclaw-gateway.service", "unit: openclaw-gateway.service\n    colour: red")),
            "gateways[0].colour");
}

// Found by fuzz_hook_config (fuzz/README.md): YAML allows a sequence or a mapping as a key; as<std::string>() threw
// YAML::TypedBadConversion, which --check-config did not catch (the program aborted).
TEST(Config, AComplexKeyIsAConfigErrorNamingWhereItIs) {
  EXPECT_EQ(error_key("? [a]\n: b\n"), "");
  EXPECT_NE(error_message("? [a]\n: b\n").find("expected string keys"), std::string::npos);
  EXPECT_EQ(error_key(with("cooldown: 15m", "? {cooldown: 1}\n  : 15m")), "policy");
  EXPECT_EQ(error_key(with("match: {gateway: default}", "match: {[gateway]: default}")), "gateways[0].match");
}

TEST(Config, SigusrOneIsRefusedBecauseItOpensTheDebugger) {
  const std::string yaml = with("action: systemctl\n    urgency: immediate", "action: signal\n    signal: SIGUSR1");
  EXPECT_EQ(error_key(yaml), "rules[0].signal");
  EXPECT_NE(error_message(yaml).find("debugger"), std::string::npos);
  EXPECT_EQ(error_key(with("action: systemctl\n    urgency: immediate", "action: signal\n    signal: USR1")),
            "rules[0].signal");
  const Config ok = parse_config(with("action: systemctl\n    urgency: immediate", "action: signal\n    signal: USR2"));
  EXPECT_EQ(ok.rules[0].signal, SIGUSR2);
}

TEST(Config, ValuesAreValidatedWithTheKeyAndTheExpectation) {
  EXPECT_EQ(error_key(with("cooldown: 15m", "cooldown: soon")), "policy.cooldown");
  EXPECT_NE(error_message(with("cooldown: 15m", "cooldown: soon")).find("expected a duration"), std::string::npos);
  EXPECT_EQ(error_key(with("max_restarts: 3", "max_restarts: 0")), "policy.max_restarts");
  EXPECT_EQ(error_key(with("window: 1h", "window: 0s")), "policy.window");
  EXPECT_EQ(error_key(with("action: systemctl\n    urgency: immediate", "action: reboot")), "rules[0].action");
  EXPECT_EQ(error_key(with("urgency: immediate", "urgency: later")), "rules[0].urgency");
  EXPECT_EQ(error_key(with("{start: \"04:00\"", "{start: \"4am\"")), "policy.low_traffic_windows[0].start");
  EXPECT_EQ(error_key(with("end: \"04:30\", location: UTC", "end: \"04:30\", location: Mars/Base")),
            "policy.low_traffic_windows[0].location");
  EXPECT_EQ(error_key(with("end: \"04:30\"", "end: \"04:00\"")), "policy.low_traffic_windows[0].end");
  EXPECT_EQ(error_key(with("health_url: http://", "health_url: ftp://")), "gateways[0].health_url");
  EXPECT_EQ(error_key(with("unit: openclaw-gateway.service", "unit: 'x; rm -rf /'")), "gateways[0].unit");
  EXPECT_EQ(error_key(with("unit: openclaw-gateway.service", "unit: --no-block.service")), "gateways[0].unit");
  EXPECT_NE(error_message(with("unit: openclaw-gateway.service", "unit: --no-block.service")).find(
                "cannot start with '-'"),
            std::string::npos);
  EXPECT_EQ(error_key(with("unit: openclaw-gateway.service", "unit: ../gateway.service")), "gateways[0].unit");
  EXPECT_NE(error_message(with("unit: openclaw-gateway.service", "unit: ../gateway.service")).find(
                "cannot contain '/'"),
            std::string::npos);
  EXPECT_EQ(error_key(with("unit: openclaw-gateway.service", "unit: openclaw-gateway@a-b.service")), "<accepted>");
  EXPECT_EQ(error_key(with("match: {gateway: default}", "match: {}")), "gateways[0].match");
  EXPECT_EQ(error_key(with("match: {alertname: OpenClawGatewayDown}", "match_re: {alertname: '(('}")),
            "rules[0].match_re.alertname");
  EXPECT_EQ(error_key(with("match: {gateway: default}", "match: {0bad: x}")), "gateways[0].match.0bad");
}

TEST(Config, CommandActionNeedsAnAbsoluteArgv) {
  const std::string base = "action: systemctl\n    urgency: immediate";
  EXPECT_EQ(error_key(with(base, "action: command")), "rules[0].command");
  EXPECT_EQ(error_key(with(base, "action: command\n    command: [pm2, restart]")), "rules[0].command[0]");
  EXPECT_EQ(error_key(with(base, "action: systemctl\n    command: [/bin/true]")), "rules[0].command");
  const Config ok = parse_config(with(base, "action: command\n    command: [/usr/bin/pm2, restart, gw]\n    timeout: 5s"));
  EXPECT_EQ(ok.rules[0].command, (std::vector<std::string>{"/usr/bin/pm2", "restart", "gw"}));
  EXPECT_EQ(ok.rules[0].timeout, std::optional<milliseconds>(5s));
}

TEST(Config, RuleTimeoutIsOptionalAndNamedWhenWrong) {
  const std::string base = "action: systemctl\n    urgency: immediate";
  EXPECT_EQ(parse_config(with(base, "action: systemctl\n    timeout: 6m")).rules[0].timeout,
            std::optional<milliseconds>(6min));
  EXPECT_EQ(error_key(with(base, "action: systemctl\n    timeout: soon")), "rules[0].timeout");
  EXPECT_EQ(error_key(with(base, "action: systemctl\n    timeout: 0s")), "rules[0].timeout");
}

TEST(Config, CrossChecks) {
  EXPECT_EQ(error_key(with("    - {start: \"04:00\", end: \"04:30\", location: UTC}\n"
                           "    - {start: \"12:00\", end: \"12:30\", location: UTC}\n"
                           "    - {start: \"20:00\", end: \"20:30\", location: UTC}\n",
                           "    []\n")),
            "rules[1].urgency");
  std::string yaml = testing::example_config_yaml();
  yaml.replace(yaml.find("policy:"), 7,
               "  - name: default\n    health_url: http://127.0.0.1:1/readyz\n    match: {gateway: b}\npolicy:");
  EXPECT_EQ(error_key(yaml), "gateways[1].name");
  EXPECT_EQ(error_key("state_dir: /x\n"), "gateways");
  EXPECT_EQ(error_key("[1, 2]"), "");
  EXPECT_EQ(error_key("gateways: {"), "");
}

TEST(Config, AuthAndTls) {
  std::string yaml = testing::example_config_yaml() +
                     "auth: {bearer_token_file: /t, basic_auth: {username: am, password_file: /p}}\n"
                     "tls: {cert_file: /c, key_file: /k}\n";
  const Config config = parse_config(yaml);
  EXPECT_EQ(config.auth.bearer_token_file, "/t");
  EXPECT_EQ(config.auth.basic_username, "am");
  EXPECT_EQ(config.tls.key_file, "/k");
  EXPECT_EQ(error_key(testing::example_config_yaml() + "auth: {basic_auth: {username: am}}\n"), "auth.basic_auth");
  EXPECT_EQ(error_key(testing::example_config_yaml() + "tls: {cert_file: /c}\n"), "tls");
}

TEST(Config, MissingFileIsAnError) {
  EXPECT_THROW(load_config_file("/nonexistent/config.yml"), ConfigError);
}

}  // namespace
}  // namespace openclaw::hook
