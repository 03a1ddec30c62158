#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "config.hpp"

using namespace openclaw::exporter;

namespace {

ParsedArgs parse(std::vector<const char*> args) {
  args.insert(args.begin(), "openclaw-gateway-exporter");
  return parse_exporter_args(static_cast<int>(args.size()), args.data());
}

std::string error_of(std::vector<const char*> args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(ExporterConfig, DefaultsFollowTheExporterConventions) {
  const ExporterConfig config = parse({}).config;
  EXPECT_EQ(config.listen_address, ":9789");
  EXPECT_EQ(config.telemetry_path, "/metrics");
  EXPECT_EQ(config.probe_interval, std::chrono::seconds(15));
  EXPECT_EQ(config.probe_timeout, std::chrono::seconds(10));
  ASSERT_EQ(config.gateways.size(), 1U);
  EXPECT_EQ(config.gateways[0].name, "default");
  EXPECT_EQ(config.gateways[0].unit, "openclaw-gateway.service");
  EXPECT_EQ(config.gateways[0].url, "http://127.0.0.1:18789");
}

// The `host` label on every series: the machine's name unless --host names it (as the hook's --host; docs/fleet.md).
TEST(ExporterConfig, HostDefaultsToTheHostnameAndTheFlagOverridesIt) {
  char name[256] = {};
  ASSERT_EQ(gethostname(name, sizeof name - 1), 0);
  EXPECT_EQ(parse({}).config.host, name);
  EXPECT_EQ(parse({"--host=gw-b"}).config.host, "gw-b");
  EXPECT_EQ(parse({"--host", "gw-c.fleet.example"}).config.host, "gw-c.fleet.example");
}

TEST(ExporterConfig, APidFileReplacesTheDefaultUnit) {
  const ExporterConfig config = parse({"--gateway.pid-file=/run/gw.pid", "--gateway.url=http://127.0.0.1:1/"}).config;
  EXPECT_EQ(config.gateways[0].pid_file, "/run/gw.pid");
  EXPECT_EQ(config.gateways[0].unit, "");
  EXPECT_EQ(config.gateways[0].url, "http://127.0.0.1:1");
  const ExporterConfig both = parse({"--gateway.cmdline-regex=^openclaw-gateway", "--gateway.unit=x.service"}).config;
  EXPECT_EQ(both.gateways[0].unit, "x.service");
}

TEST(ExporterConfig, BadFlagsNameTheFlagAndTheExpectation) {
  EXPECT_NE(error_of({"--probe.interval=soon"}).find("--probe.interval"), std::string::npos);
  EXPECT_NE(error_of({"--gateway.url=ftp://x"}).find("url"), std::string::npos);
  EXPECT_NE(error_of({"--gateway.cmdline-regex=(("}).find("cmdline_regex"), std::string::npos);
  EXPECT_NE(error_of({"--web.telemetry-path=metrics"}).find("--web.telemetry-path"), std::string::npos);
  EXPECT_NE(error_of({"--no-such-flag"}).find("no-such-flag"), std::string::npos);
  EXPECT_NE(error_of({"--config.file=/nonexistent.yml"}).find("/nonexistent.yml"), std::string::npos);
  EXPECT_NE(error_of({"--config.file=x.yml", "--gateway.unit=a.service"}).find("excludes"), std::string::npos);
}

TEST(ExporterConfig, ParsesSeveralGatewaysFromYaml) {
  const auto targets = parse_gateways_yaml(R"(
gateways:
  - name: default
    unit: openclaw-gateway.service
  - name: work
    unit: openclaw-gateway-work.service
    url: http://127.0.0.1:18790/
  - name: legacy
    cmdline_regex: ^openclaw-gateway
    url: http://127.0.0.1:18791
)", "gw.yml");
  ASSERT_EQ(targets.size(), 3U);
  EXPECT_EQ(targets[0].url, "http://127.0.0.1:18789");
  EXPECT_EQ(targets[1].unit, "openclaw-gateway-work.service");
  EXPECT_EQ(targets[1].url, "http://127.0.0.1:18790");
  EXPECT_EQ(targets[2].cmdline_regex, "^openclaw-gateway");
}

TEST(ExporterConfig, YamlErrorsNameTheKey) {
  const auto error = [](const std::string& text) {
    try {
      parse_gateways_yaml(text, "gw.yml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("gateways:\n  - name: a\n    unit: a.service\n    pid_fle: /x\n"),
            "gw.yml: gateways[0]: unknown key \"pid_fle\" (expected one of: cmdline_regex, log_dir, name, pid_file, profile, unit, url)");
  EXPECT_NE(error("gateways:\n  - unit: a.service\n").find("gateways[0].name: missing"), std::string::npos);
  EXPECT_NE(error("gateways:\n  - {name: a, unit: a.service}\n  - {name: a, unit: b.service}\n").find("used twice"),
            std::string::npos);
  EXPECT_NE(error("gateways: []\n").find("non-empty list"), std::string::npos);
  EXPECT_NE(error("gateways:\n  - {name: a}\n").find("expected one of unit, pid_file, cmdline_regex"),
            std::string::npos);
  EXPECT_NE(error("gateways: [\n").find("invalid YAML"), std::string::npos);
  EXPECT_NE(error("targets: []\n").find("unknown key \"targets\""), std::string::npos);
  // Found by fuzz_exporter_config: a sequence or mapping as a key threw YAML::TypedBadConversion, not ConfigError.
  EXPECT_EQ(error("? [gateways]\n: []\n"), "gw.yml: expected string keys, got a sequence or mapping as a key");
  EXPECT_NE(error("gateways:\n  - {name: a, [unit]: a.service}\n").find("gateways[0]: expected string keys"),
            std::string::npos);
}

TEST(ExporterConfig, ParsesTheExporterToolkitWebConfig) {
  const WebConfig web = parse_web_config_yaml(R"(
tls_server_config:
  cert_file: /etc/x/cert.pem
  key_file: /etc/x/key.pem
basic_auth_users:
  prometheus: $2y$10$abcdefghijklmnopqrstuv
)", "web.yml");
  EXPECT_EQ(web.tls_cert_file, "/etc/x/cert.pem");
  EXPECT_EQ(web.basic_auth_users.at("prometheus"), "$2y$10$abcdefghijklmnopqrstuv");
  EXPECT_THROW(parse_web_config_yaml("basic_auth_users: {a: plaintext}\n", "web.yml"), ConfigError);
  EXPECT_THROW(parse_web_config_yaml("tls_server_config: {cert_file: a}\n", "web.yml"), ConfigError);
  EXPECT_THROW(parse_web_config_yaml("http_server_config: {http2: true}\n", "web.yml"), ConfigError);
  EXPECT_THROW(parse_web_config_yaml("basic_auth_users: {[a]: $2y$10$x}\n", "web.yml"), ConfigError);  // fuzz_web_config
}

TEST(ExporterConfig, SocketMethodFlagChoosesTheMethod) {
  EXPECT_EQ(parse({}).config.socket_method, SocketMethodChoice::kAuto);
  EXPECT_EQ(parse({"--collector.sockets.method=auto"}).config.socket_method, SocketMethodChoice::kAuto);
  EXPECT_EQ(parse({"--collector.sockets.method=pidfd_getfd"}).config.socket_method, SocketMethodChoice::kPidfdGetfd);
  EXPECT_EQ(parse({"--collector.sockets.method", "sock_diag"}).config.socket_method, SocketMethodChoice::kSockDiag);
  EXPECT_EQ(error_of({"--collector.sockets.method=netstat"}),
            "--collector.sockets.method: got \"netstat\", expected one of auto, pidfd_getfd, sock_diag");
  EXPECT_NE(error_of({"--collector.sockets.method="}).find("--collector.sockets.method"), std::string::npos);
}

TEST(ExporterConfig, ScrapeTimeoutFlags) {
  const ExporterConfig defaults = parse({}).config;
  EXPECT_EQ(defaults.scrape_timeout, std::chrono::seconds(9));  // below Prometheus's default 10 s
  EXPECT_EQ(defaults.scrape_timeout_offset, std::chrono::milliseconds(500));
  const ExporterConfig set = parse({"--scrape.timeout=25s", "--scrape.timeout-offset=1s"}).config;
  EXPECT_EQ(set.scrape_timeout, std::chrono::seconds(25));
  EXPECT_EQ(set.scrape_timeout_offset, std::chrono::seconds(1));
  EXPECT_EQ(parse({"--scrape.timeout-offset=0s"}).config.scrape_timeout_offset, std::chrono::milliseconds(0));
  EXPECT_NE(error_of({"--scrape.timeout=0s"}).find("--scrape.timeout:"), std::string::npos);
  EXPECT_NE(error_of({"--scrape.timeout=soon"}).find("--scrape.timeout:"), std::string::npos);
  EXPECT_NE(error_of({"--scrape.timeout=2s", "--scrape.timeout-offset=2s"}).find("--scrape.timeout-offset:"),
            std::string::npos);
}

TEST(ExporterConfig, TheGatewaysLogDirAndProfile) {
  const ExporterConfig defaults = parse({}).config;
  EXPECT_EQ(defaults.gateways[0].log_dir, "/tmp/openclaw");
  EXPECT_EQ(defaults.gateways[0].profile, "");
  const ExporterConfig flags = parse({"--gateway.log-dir=/var/tmp/openclaw-1000/", "--gateway.profile=work"}).config;
  EXPECT_EQ(flags.gateways[0].log_dir, "/var/tmp/openclaw-1000");
  EXPECT_EQ(flags.gateways[0].profile, "work");
  EXPECT_EQ(parse({"--gateway.log-dir", ""}).config.gateways[0].log_dir, "");  // off (CLI11 refuses "--x=")
  EXPECT_NE(error_of({"--gateway.log-dir=logs"}).find("log_dir: got \"logs\", expected an absolute directory"),
            std::string::npos);
  EXPECT_NE(error_of({"--gateway.profile=../x"}).find("profile: got \"../x\", expected an openclaw profile name"),
            std::string::npos);

  const auto targets = parse_gateways_yaml(R"(
gateways:
  - name: default
    unit: openclaw-gateway.service
  - name: work
    unit: openclaw-gateway-work.service
    profile: work
    log_dir: /srv/openclaw/logs/
  - name: quiet
    unit: openclaw-gateway-quiet.service
    log_dir: ""
)", "gw.yml");
  ASSERT_EQ(targets.size(), 3U);
  EXPECT_EQ(targets[0].log_dir, "/tmp/openclaw");
  EXPECT_EQ(targets[1].log_dir, "/srv/openclaw/logs");
  EXPECT_EQ(targets[1].profile, "work");
  EXPECT_EQ(targets[2].log_dir, "");
  try {
    parse_gateways_yaml("gateways:\n  - {name: a, unit: a.service, log_dir: tmp/openclaw}\n", "gw.yml");
    ADD_FAILURE() << "a relative log_dir was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "gw.yml: gateways[0].log_dir: got \"tmp/openclaw\", expected an absolute directory such as "
              "/tmp/openclaw (empty: do not follow the log)");
  }
}
