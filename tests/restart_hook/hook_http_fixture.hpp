#pragma once

// The hook's HTTP server in-process on 127.0.0.1:0 with the engine behind it (fake process runner, health
// checker and busy probe). Shared by http_test.cpp and hardening_test.cpp.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine.hpp"
#include "fakes.hpp"
#include "families.hpp"
#include "hook_server.hpp"
#include "hook_test_util.hpp"
#include "test_support.hpp"

namespace openclaw::hook {

using namespace std::chrono_literals;
namespace t = openclaw::testing;

inline std::string fixture(const std::string& name) {
  return t::read_file(t::source_dir() + "/tests/restart_hook/fixtures/" + name);
}

class HookHttpTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  void start(const std::string& extra_yaml = "", const std::string& policy_override = "") {
    t::write_file(dir.file("token"), "s3cret-token\n");
    t::write_file(dir.file("password"), "capture-password\n");
    std::string yaml = testing::example_config_yaml(dir.file("state")) +
                       "auth: {bearer_token_file: " + dir.file("token") +
                       ", basic_auth: {username: alertmanager, password_file: " + dir.file("password") + "}}\n" +
                       extra_yaml;
    if (!policy_override.empty()) yaml.replace(yaml.find("  verify_timeout: 60s"), std::string("  verify_timeout: 60s").size(), policy_override);
    config = std::make_unique<Config>(parse_config(yaml));
    metrics = std::make_unique<HookMetrics>(std::vector<std::string>{"default"});
    engine = std::make_unique<Engine>(*config, EngineDeps{clock, runner, health, busy, units}, *metrics,
                                      EngineOptions{.dry_run = false, .tick_interval = 50ms,
                                                    .verify_poll_interval = 10ms});
    server = std::make_unique<HookServer>(*config, "127.0.0.1:0", *engine, *metrics,
                                          load_credentials(config->auth));
    base = "http://127.0.0.1:" + std::to_string(server->port());
  }

  t::HttpResponse post(const std::string& body, std::vector<std::string> headers = {kBearer}) {
    headers.push_back("Content-Type: application/json");
    return t::http_request("POST", base + "/alerts", body, headers);
  }
  void wait_idle() { ASSERT_TRUE(t::wait_until([&] { return engine->idle(); }, 10s)); }
  std::size_t restarts() const { return units.calls().size() + runner.calls().size(); }
  std::string metric_text() const { return MetricsHandler({metrics->registry()}).render(); }
  std::optional<double> metric(const std::string& name, const std::map<std::string, std::string>& labels) const {
    return openclaw::testing::families::value_of(metrics->registry()->Collect(), name, labels);
  }

  static constexpr const char* kBearer = "Authorization: Bearer s3cret-token";
  t::TempDir dir;
  testing::FakeClock clock{testing::utc("2026-03-10T10:00:00Z")};
  testing::FakeRunner runner;
  testing::FakeHealth health;
  testing::FakeBusy busy;
  testing::FakeUnitControl units;
  std::unique_ptr<Config> config;
  std::unique_ptr<HookMetrics> metrics;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<HookServer> server;
  std::string base;
};

}  // namespace openclaw::hook
