// Restarts of a gateway that DRAINS, against a real systemd user manager (run under tests/lib/with-user-manager.sh).
// The unit's main process behaves like the real gateway on SIGTERM and SIGUSR2: /readyz answers 503
// {"failing":["gateway-draining"]} for kDrain (read from a file at the signal: TearDown sets 0), then it exits 0.
// The hook drives the manager over sd-bus.
#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <thread>

#include "engine.hpp"
#include "fakes.hpp"
#include "hook_test_util.hpp"
#include "restart_run.hpp"
#include "sd_bus_unit_control.hpp"
#include "test_support.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
namespace t = openclaw::testing;
using Steady = std::chrono::steady_clock;

constexpr auto kDrain = 4s;
constexpr const char* kUnit = "openclaw-gateway.service";

constexpr const char* kDrainingGateway = R"PY(
import http.server, os, signal, sys, threading
port, drain_file = int(sys.argv[1]), sys.argv[2]
draining = threading.Event()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if draining.is_set():
            code, body = 503, b'{"ready":false,"failing":["gateway-draining"]}'
        else:
            code, body = 200, b'{"ready":true,"failing":[]}'
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
server = Server(("127.0.0.1", port), Handler)
def drain_then_exit(signum, frame):
    if not draining.is_set():
        draining.set()
        with open(drain_file) as f:
            drain = float(f.read())
        threading.Timer(drain, lambda: os._exit(0)).start()
signal.signal(signal.SIGTERM, drain_then_exit)
signal.signal(signal.SIGUSR2, drain_then_exit)
server.serve_forever()
)PY";

double seconds_of(const nlohmann::json& record, const char* key) {
  EXPECT_TRUE(record[key].is_number()) << key << " in " << record.dump();
  return record[key].is_number() ? record[key].get<double>() : -1.0;
}

class DrainingGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(t::UserManager::available()) << "run under tests/lib/with-user-manager.sh";
    port = t::free_tcp_port();
    t::write_file(dir.file("gateway.py"), kDrainingGateway);
    t::write_file(dir.file("drain-seconds"), std::to_string(kDrain.count()));
    t::GatewayUnitOptions unit;
    unit.program = "/usr/bin/python3";
    unit.args = {dir.file("gateway.py"), std::to_string(port), dir.file("drain-seconds")};
    unit.restart_sec = 500ms;
    unit.timeout_stop_sec = 30s;  // the gateway's drain budget: min(325, 30 - 5) - 10 = 15 s
    unit.timeout_start_sec = 5s;
    ASSERT_EQ(manager.install_unit(kUnit, t::render_gateway_unit(unit)).exit_code, 0);
    ASSERT_EQ(manager.start(kUnit).exit_code, 0);
    ASSERT_TRUE(t::wait_until([&] { return t::http_get(health_url(), 1s).status == 200; }, 20s));
  }
  void TearDown() override {
    t::write_file(dir.file("drain-seconds"), "0");
    manager.stop(kUnit);
  }

  std::string health_url() const { return "http://127.0.0.1:" + std::to_string(port) + "/readyz"; }

  // The engine with a verify_timeout (2 s) shorter than the drain (4 s).
  nlohmann::json restart_with_engine(const std::string& action_yaml) {
    std::string yaml = testing::example_config_yaml(dir.file("state"));
    auto replace = [&](const std::string& from, const std::string& to) { yaml.replace(yaml.find(from), from.size(), to); };
    replace("http://127.0.0.1:18789/readyz", health_url());
    replace("  verify_timeout: 60s", "  verify_timeout: 2s\n  retry_backoff: 500ms");
    replace("action: systemctl\n    urgency: immediate", action_yaml + "\n    urgency: immediate");
    const Config config = parse_config(yaml);
    HookMetrics metrics({"default"});
    Engine engine(config, EngineDeps{clock, runner, health, busy, units}, metrics,
                  EngineOptions{.dry_run = false, .tick_interval = 100ms, .verify_poll_interval = 100ms});
    WebhookPayload payload;
    payload.alerts.push_back(testing::firing("OpenClawGatewayDown", "default", "drain"));
    const auto decisions = engine.handle(payload);
    EXPECT_TRUE(decisions.ok());
    EXPECT_TRUE(t::wait_until([&] { return engine.idle(); }, 60s));
    std::vector<nlohmann::json> restarts;
    for (const auto& r : engine.recent_decisions()) {
      if (r.value("event", "") == "restart") restarts.push_back(r);
    }
    EXPECT_EQ(restarts.size(), 1U);
    return restarts.empty() ? nlohmann::json::object() : restarts.front();
  }

  RestartRequest request(ActionKind action) const {
    RestartRequest r;
    r.unit = kUnit;
    r.health_url = health_url();
    r.action = action;
    r.signal = SIGUSR2;
    r.verify_timeout = 2s;
    return r;
  }

  t::TempDir dir;
  t::UserManager manager;
  int port = 0;
  SystemClock clock;
  ForkExecRunner runner;
  CurlHealthChecker health;
  testing::FakeBusy busy;
  SdBusUnitControl units;
};

TEST_F(DrainingGatewayTest, TheUnitsTimeoutsAreReadOverTheBus) {
  const auto status = units.status(kUnit);
  ASSERT_TRUE(status.ok()) << status.error();
  EXPECT_EQ(status->timeout_stop, 30s);
  EXPECT_EQ(status->timeout_start, 5s);
  EXPECT_EQ(status->restart_delay, 500ms);
  EXPECT_EQ(status->main_pid, manager.main_pid(kUnit));
  EXPECT_GT(status->main_start_usec, 0U);
  EXPECT_EQ(status->active_state, "active");
  EXPECT_EQ(status->job_id, 0U);
  EXPECT_FALSE(units.status("no-such-gateway.service").ok());
}

TEST_F(DrainingGatewayTest, ADrainLongerThanVerifyTimeoutIsASuccessVerifiedFromTheNewProcess) {
  const int before = manager.main_pid(kUnit);
  const auto record = restart_with_engine("action: systemctl");
  EXPECT_EQ(record["result"], "success") << record.dump();
  EXPECT_EQ(record["job_result"], "done");
  EXPECT_EQ(record["main_pid_before"], before);
  EXPECT_EQ(record["main_pid_after"], manager.main_pid(kUnit));
  EXPECT_TRUE(record["main_pid_changed"].get<bool>());
  EXPECT_EQ(record["deadline_from"], "unit");
  EXPECT_DOUBLE_EQ(seconds_of(record, "deadline_seconds"), 45.0);  // TimeoutStopSec 30 + TimeoutStartSec 5 + 10
  const double drain = seconds_of(record, "drain_seconds");
  const double start = seconds_of(record, "start_seconds");
  const double ready = seconds_of(record, "ready_seconds");
  const double downtime = seconds_of(record, "downtime_seconds");
  EXPECT_GE(drain, 4.0);
  EXPECT_LT(drain, 6.0);
  EXPECT_GE(start, 0.0);
  EXPECT_LT(start, 2.0);
  EXPECT_LT(ready, 2.0);  // measured from the new process: within verify_timeout although the drain took 4 s
  EXPECT_NEAR(downtime, drain + start + ready, 0.01);
  EXPECT_FALSE(record["drain_cut_off"].get<bool>());
  EXPECT_FALSE(record["interrupted"].get<bool>());
  std::printf("systemctl: drain %.2f s, start %.2f s, ready %.2f s, downtime %.2f s\n", drain, start, ready, downtime);
}

TEST_F(DrainingGatewayTest, SignalGoesThroughKillUnitAndWaitsForANewMainProcess) {
  const int before = manager.main_pid(kUnit);
  const auto record = restart_with_engine("action: signal\n    signal: SIGUSR2");
  EXPECT_EQ(record["result"], "success") << record.dump();
  EXPECT_TRUE(record["job_result"].is_null());  // no job: systemd's Restart= starts the new process
  EXPECT_EQ(record["main_pid_before"], before);
  EXPECT_NE(record["main_pid_after"], before);
  EXPECT_EQ(record["main_pid_after"], manager.main_pid(kUnit));
  // SIGUSR2's deferral (300 s) + TimeoutStopSec 30 + RestartSec 0.5 + TimeoutStartSec 5 + 10
  EXPECT_DOUBLE_EQ(seconds_of(record, "deadline_seconds"), 345.5);
  const double drain = seconds_of(record, "drain_seconds");
  const double start = seconds_of(record, "start_seconds");
  EXPECT_GE(drain, 4.0);
  EXPECT_GE(start, 0.4);  // RestartSec=500ms between the old process's exit and the new one
  EXPECT_LT(seconds_of(record, "ready_seconds"), 2.0);
  std::printf("signal: drain %.2f s, start %.2f s, ready %.2f s, downtime %.2f s\n", drain, start,
              seconds_of(record, "ready_seconds"), seconds_of(record, "downtime_seconds"));
}

TEST_F(DrainingGatewayTest, ADeadlineShorterThanTheDrainCancelsTheJobAndLeavesTheUnitStopped) {
  const int before = manager.main_pid(kUnit);
  RestartRequest r = request(ActionKind::kSystemctl);
  r.timeout = 1500ms;
  const auto started = Steady::now();
  const RestartOutcome out = RestartRun(units, health, 100ms).run(r, std::stop_token{});
  const auto took = Steady::now() - started;
  EXPECT_FALSE(out.ok);
  EXPECT_FALSE(out.interrupted);
  EXPECT_FALSE(out.deadline_derived);
  EXPECT_EQ(out.job_result, "canceled") << out.detail;
  EXPECT_NE(out.detail.find("no new main process within 1.5 s"), std::string::npos) << out.detail;
  EXPECT_NE(out.detail.find("job cancelled"), std::string::npos) << out.detail;
  EXPECT_GE(took, 1500ms);
  EXPECT_LT(took, 3500ms);
  EXPECT_FALSE(out.phases.drain.has_value());  // still draining when we gave up
  EXPECT_EQ(out.pid_before, before);
  // What the documentation promises: SIGTERM was sent, the drain runs to its end, and nothing starts it again.
  EXPECT_EQ(t::http_get(health_url(), 1s).status, 503);
  EXPECT_TRUE(manager.wait_for_state(kUnit, "inactive", 8s)) << manager.active_state(kUnit);
  std::this_thread::sleep_for(1s);  // longer than RestartSec: Restart=always does not apply to a stopped unit
  EXPECT_EQ(manager.active_state(kUnit), "inactive");
  EXPECT_EQ(manager.main_pid(kUnit), 0);
}

TEST_F(DrainingGatewayTest, StoppingTheHookMidDrainReturnsInterruptedPromptlyAndTheManagerFinishes) {
  const int before = manager.main_pid(kUnit);
  std::stop_source stop;
  auto running = std::async(std::launch::async, [&] {
    return RestartRun(units, health, 100ms).run(request(ActionKind::kSystemctl), stop.get_token());
  });
  ASSERT_TRUE(t::wait_until([&] { return t::http_get(health_url(), 1s).status == 503; }, 5s));  // draining
  const auto asked = Steady::now();
  stop.request_stop();
  ASSERT_EQ(running.wait_for(2s), std::future_status::ready);
  const auto returned_after = Steady::now() - asked;
  const RestartOutcome out = running.get();
  EXPECT_LT(returned_after, 500ms);
  EXPECT_TRUE(out.interrupted);
  EXPECT_FALSE(out.ok);
  EXPECT_TRUE(out.job_result.empty());
  EXPECT_NE(out.detail.find("old process draining"), std::string::npos) << out.detail;
  // Not cancelled: the restart completes without us.
  EXPECT_GT(manager.wait_for_new_main_pid(kUnit, before, 10s), 0);
  EXPECT_TRUE(t::wait_until([&] { return t::http_get(health_url(), 1s).status == 200; }, 10s));
  std::printf("interrupted: returned %.0f ms after the stop request\n",
              std::chrono::duration<double, std::milli>(returned_after).count());
}

}  // namespace
}  // namespace openclaw::hook
