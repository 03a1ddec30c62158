// The fixture gateway, run as a real process: its endpoints, its controls, and the truth it reports, checked
// against /proc and the wire.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace openclaw::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kHtmlMarker = "<title>OpenClaw Control</title>";
constexpr const char* kPreflight = "gateway.restart.preflight";
using SteadyClock = std::chrono::steady_clock;

// The "message" of every line of the fixture's file log(s) in `dir` (openclaw-YYYY-MM-DD.log, tslog JSON lines). Each
// line must be a JSON object shaped like the real gateway's.
std::vector<std::string> log_messages(const std::string& dir) {
  std::vector<std::string> messages;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename();
    if (!name.starts_with("openclaw-") || !name.ends_with(".log")) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      const auto record = json::parse(line);
      EXPECT_EQ(record.at("1"), record.at("message")) << line;
      EXPECT_TRUE(record.at("_meta").at("logLevelName").is_string()) << line;
      EXPECT_TRUE(json::parse(record.at("0").get<std::string>()).contains("subsystem")) << line;
      messages.push_back(record.at("message").get<std::string>());
    }
  }
  return messages;
}

bool has_message(const std::vector<std::string>& messages, const std::string& text) {
  for (const auto& message : messages) {
    if (message == text) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& messages) {
  std::string text;
  for (const auto& message : messages) text += message + "\n";
  return text;
}

// `openclaw-fixture-gateway gateway call gateway.restart.preflight --json` with `env` ("KEY=VALUE"; the test's own
// OPENCLAW_GATEWAY_* are removed first) and extra arguments.
CommandResult preflight_cli(const std::vector<std::string>& env, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {"env", "-u", "OPENCLAW_GATEWAY_TOKEN", "-u", "OPENCLAW_GATEWAY_PORT"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {fixture_gateway_path(), "gateway", "call", kPreflight, "--json"});
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv, 15s);
}

TEST(FixtureGateway, HealthEndpointsAnswerLikeTheGateway) {
  FixtureGatewayProcess fixture;
  for (const char* path : {"/healthz", "/health"}) {
    const auto response = http_get(fixture.url(path));
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(json::parse(response.body), json::parse(R"({"ok":true,"status":"live"})")) << path;
    EXPECT_EQ(response.headers.at("content-type"), "application/json; charset=utf-8");
  }
  for (const char* path : {"/readyz", "/ready"}) {
    const auto response = http_get(fixture.url(path));
    ASSERT_EQ(response.status, 200) << path;
    const auto body = json::parse(response.body);
    EXPECT_EQ(body.at("ready"), true);
    EXPECT_EQ(body.at("failing"), json::array());
    EXPECT_GE(body.at("uptimeMs").get<long>(), 0);
    const auto& event_loop = body.at("eventLoop");
    EXPECT_EQ(event_loop.at("degraded"), false);
    EXPECT_DOUBLE_EQ(event_loop.at("delayP99Ms").get<double>(), 11.5);
    EXPECT_DOUBLE_EQ(event_loop.at("utilization").get<double>(), 0.04);
    EXPECT_TRUE(event_loop.at("cpuCoreRatio").is_number());
    EXPECT_TRUE(event_loop.at("cpuBreakdown").is_object());
  }
  for (const char* path : {"/startupz", "/startup"}) {
    const auto response = http_get(fixture.url(path));
    ASSERT_EQ(response.status, 200) << path;
    const auto body = json::parse(response.body);
    EXPECT_EQ(body.at("ok"), true);
    EXPECT_EQ(body.at("status"), "started");
    EXPECT_EQ(body.at("version"), "2026.9.6-fixture");
  }
  const auto head = http_request("HEAD", fixture.url("/healthz"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.headers.at("content-length"), "27");
  for (const char* path : {"/healthz", "/readyz", "/startupz"}) {
    EXPECT_EQ(http_request("POST", fixture.url(path), "{}").status, 405) << path;
  }
}

TEST(FixtureGateway, UnknownPathsServeTheControlPanelAndProxiedRequestsAreRefused) {
  FixtureGatewayProcess fixture;
  const auto root = http_get(fixture.url("/"));
  EXPECT_EQ(root.status, 200);
  EXPECT_NE(root.body.find(kHtmlMarker), std::string::npos);
  EXPECT_EQ(root.headers.at("content-type"), "text/html; charset=utf-8");
  const auto metrics = http_get(fixture.url("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body, root.body);
  for (const char* path : {"/healthz", "/readyz", "/", "/metrics"}) {
    const auto proxied = http_request("GET", fixture.url(path), {}, {"X-Forwarded-For: 10.0.0.1"});
    EXPECT_EQ(proxied.status, 403) << path;
    EXPECT_EQ(json::parse(proxied.body), json::parse(R"({"error":"proxy_attribution_required"})")) << path;
  }
}

TEST(FixtureGateway, ReadinessWaitsForTheStartupTimerWhileLivenessAnswersAtOnce) {
  FixtureGatewayProcess fixture({"--ready-after-ms", "1500"});
  EXPECT_EQ(http_get(fixture.url("/healthz")).status, 200);
  const auto early = http_get(fixture.url("/readyz"));
  ASSERT_EQ(early.status, 503);
  const auto body = json::parse(early.body);
  EXPECT_EQ(body.at("ready"), false);
  EXPECT_EQ(body.at("failing"), json::array({"startup"}));
  const auto starting = http_get(fixture.url("/startupz"));
  EXPECT_EQ(starting.status, 503);
  EXPECT_EQ(json::parse(starting.body).at("status"), "starting");
  EXPECT_TRUE(wait_until([&] { return http_get(fixture.url("/readyz")).status == 200; }, 5s));
  EXPECT_GE(json::parse(http_get(fixture.url("/readyz")).body).at("uptimeMs").get<long>(), 1500);
  EXPECT_EQ(http_get(fixture.url("/startupz")).status, 200);
}

TEST(FixtureGateway, OptionsAlsoComeFromTheEnvironment) {
  FixtureGatewayProcess fixture({}, {"OPENCLAW_FIXTURE_READY_AFTER_MS=60000", "OPENCLAW_FIXTURE_EXTRA_FDS=4"});
  EXPECT_EQ(http_get(fixture.url("/readyz")).status, 503);
  EXPECT_EQ(fixture.state().at("extra_fds"), 4);
}

TEST(FixtureGateway, ReadyAndEventLoopControlsShowInReadyz) {
  FixtureGatewayProcess fixture;
  fixture.control("ready", {{"ready", false}});
  auto response = http_get(fixture.url("/readyz"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(json::parse(response.body).at("failing"), json::array({"fixture"}));
  EXPECT_EQ(http_get(fixture.url("/healthz")).status, 200);

  fixture.control("ready", {{"ready", nullptr}});
  fixture.control("event_loop", {{"delayP99Ms", 480.5}, {"utilization", 0.97}});
  response = http_get(fixture.url("/readyz"));
  EXPECT_EQ(response.status, 200);  // degraded is reported, not a readiness failure (as the real gateway does)
  const auto event_loop = json::parse(response.body).at("eventLoop");
  EXPECT_EQ(event_loop.at("degraded"), true);
  EXPECT_DOUBLE_EQ(event_loop.at("delayP99Ms").get<double>(), 480.5);
  EXPECT_DOUBLE_EQ(event_loop.at("utilization").get<double>(), 0.97);
  EXPECT_EQ(event_loop.at("reasons"), json::array({"event_loop_delay", "event_loop_utilization"}));
}

TEST(FixtureGateway, DelayAndHangSlowAndStopTheGatewayButNotTheControlApi) {
  FixtureGatewayProcess fixture;
  fixture.control("delay", {{"ms", 400}});
  auto slow = http_get(fixture.url("/healthz"));
  EXPECT_EQ(slow.status, 200);
  EXPECT_GE(slow.seconds, 0.39);
  EXPECT_EQ(fixture.state().at("delay_ms"), 400);

  fixture.control("delay", {{"ms", 0}});
  fixture.control("hang");
  const auto hung = http_get(fixture.url("/healthz"), 700ms);
  EXPECT_EQ(hung.status, 0);
  EXPECT_NE(hung.error.find("imed out"), std::string::npos) << hung.error;
  EXPECT_EQ(fixture.state().at("hung"), true);
  fixture.control("unhang");
  EXPECT_EQ(http_get(fixture.url("/healthz"), 2s).status, 200);

  // A huge delay is a hang too, and lowering it releases the waiting request.
  fixture.control("delay", {{"ms", 1e15}});
  EXPECT_EQ(http_get(fixture.url("/readyz"), 500ms).status, 0);
  fixture.control("delay", {{"ms", 0}});
  EXPECT_EQ(http_get(fixture.url("/readyz"), 2s).status, 200);
}

TEST(FixtureGateway, ControlApiRejectsBadRequests) {
  FixtureGatewayProcess fixture;
  EXPECT_EQ(http_post_json(fixture.url("/__fixture/delay"), "not json").status, 400);
  EXPECT_EQ(http_post_json(fixture.url("/__fixture/delay"), R"({"ms":"soon"})").status, 400);
  EXPECT_EQ(http_post_json(fixture.url("/__fixture/fds"), R"({"add":-1})").status, 400);
  EXPECT_EQ(http_post_json(fixture.url("/__fixture/nope"), "{}").status, 404);
  EXPECT_EQ(http_get(fixture.url("/__fixture/delay")).status, 405);
}

TEST(FixtureGateway, WebSocketUpgradeAnswers101AndStaysOpen) {
  FixtureGatewayProcess fixture;
  auto socket = WebSocketClient::connect(fixture.port());
  ASSERT_EQ(socket.status, 101) << socket.error;
  EXPECT_TRUE(socket.accept_matches()) << "expected " << socket.expected_accept;
  EXPECT_EQ(socket.headers.at("upgrade"), "websocket");
  EXPECT_TRUE(wait_until([&] { return fixture.state().at("websockets_open") == 1; }, 2s));
  EXPECT_EQ(count_or_zero(tcp_states_of_pid(fixture.pid()), "ESTABLISHED"), 1);
  socket.close();
  EXPECT_TRUE(wait_until([&] { return fixture.state().at("websockets_open") == 0; }, 3s));

  fixture.control("hang");
  const auto hung = WebSocketClient::connect(fixture.port(), "/", 700ms);
  EXPECT_EQ(hung.status, 0);
  fixture.control("unhang");
  EXPECT_EQ(WebSocketClient::connect(fixture.port()).status, 101);
}

TEST(FixtureGateway, SocketStatesMatchWhatTheFixtureReports) {
  FixtureGatewayProcess fixture({"--established-pairs", "2", "--close-wait", "3"});
  auto counts = tcp_states_of_pid(fixture.pid());
  EXPECT_EQ(count_or_zero(counts, "LISTEN"), 2);
  EXPECT_EQ(count_or_zero(counts, "ESTABLISHED"), 4);
  EXPECT_EQ(count_or_zero(counts, "CLOSE_WAIT"), 3);

  const auto state = fixture.control("established", {{"add_pairs", 3}});
  EXPECT_EQ(state.at("established_pairs"), 5);
  fixture.control("close_wait", {{"add", 4}});
  const auto truth = fixture.state();
  EXPECT_EQ(truth.at("expected_tcp"), json::parse(R"({"listen":2,"established":10,"close_wait":7})"));
  // The control requests are answered and closed (keep-alive off): nothing of them stays with the fixture. Until
  // the fixture has closed its end, a control connection the test already closed shows as one more ESTABLISHED or
  // CLOSE_WAIT (seen under load): wait for every count to settle, not just one.
  EXPECT_TRUE(wait_until(
      [&] {
        counts = tcp_states_of_pid(fixture.pid());
        return count_or_zero(counts, "ESTABLISHED") == 10 && count_or_zero(counts, "CLOSE_WAIT") == 7;
      },
      5s));
  EXPECT_EQ(count_or_zero(counts, "LISTEN"), 2);
  EXPECT_EQ(count_or_zero(counts, "CLOSE_WAIT"), 7);
  int other = 0;
  for (const auto& [name, count] : counts) {
    if (name != "LISTEN" && name != "ESTABLISHED" && name != "CLOSE_WAIT") other += count;
  }
  EXPECT_EQ(other, 0);

  // The same through ss, which is what an operator would look at.
  const auto ss = run_command({"ss", "-Htanp", "state", "close-wait"});
  ASSERT_EQ(ss.exit_code, 0) << ss.output;
  const std::string owner = "pid=" + std::to_string(fixture.pid()) + ",";
  int close_wait_in_ss = 0;
  for (std::size_t at = ss.output.find(owner); at != std::string::npos; at = ss.output.find(owner, at + 1)) {
    ++close_wait_in_ss;
  }
  EXPECT_EQ(close_wait_in_ss, 7);
}

TEST(FixtureGateway, FdThreadAndMemoryControlsChangeTheProcess) {
  FixtureGatewayProcess fixture;
  const pid_t pid = fixture.pid();
  // Settle: the start-up handshake's connection may still be closing on the server side.
  int fds_before = open_fd_count(pid);
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const int now = open_fd_count(pid);
    if (now == fds_before) break;
    fds_before = now;
  }
  const long threads_before = proc_status_field(pid, "Threads");
  const long rss_before_kb = proc_status_field(pid, "VmRSS");

  fixture.control("fds", {{"add", 25}});
  // The control request's own connection closes on the server a moment after the client has the response.
  wait_until([&] { return open_fd_count(pid) == fds_before + 25; }, std::chrono::seconds(2));
  EXPECT_EQ(open_fd_count(pid), fds_before + 25);
  fixture.control("threads", {{"add", 6}});
  EXPECT_EQ(proc_status_field(pid, "Threads"), threads_before + 6);
  const auto state = fixture.control("memory", {{"add_mib", 64}});
  EXPECT_DOUBLE_EQ(state.at("allocated_mib").get<double>(), 64.0);
  EXPECT_GE(proc_status_field(pid, "VmRSS") - rss_before_kb, 60 * 1024);
  EXPECT_EQ(state.at("extra_fds"), 25);
  EXPECT_EQ(state.at("extra_threads"), 6);
}

TEST(FixtureGateway, LeakGrowsMemorySteadily) {
  FixtureGatewayProcess fixture({"--leak-mib-per-sec", "40"});
  const long rss_start_kb = proc_status_field(fixture.pid(), "VmRSS");
  std::this_thread::sleep_for(1s);
  const double allocated = fixture.state().at("allocated_mib").get<double>();
  EXPECT_GE(allocated, 30.0);
  EXPECT_LE(allocated, 60.0);
  EXPECT_GE(proc_status_field(fixture.pid(), "VmRSS") - rss_start_kb, 25 * 1024);
  const auto stopped = fixture.control("leak", {{"mib_per_sec", 0}});
  const double frozen = stopped.at("allocated_mib").get<double>();
  std::this_thread::sleep_for(300ms);
  EXPECT_DOUBLE_EQ(fixture.state().at("allocated_mib").get<double>(), frozen);
}

TEST(FixtureGateway, ChildHoldsItsMemoryAndDiesWithTheParent) {
  FixtureGatewayProcess fixture({"--child-rss-mib", "48"});
  const auto child = fixture.state().at("child_pid").get<pid_t>();
  ASSERT_GT(child, 0);
  EXPECT_EQ(parent_pid(child), fixture.pid());
  EXPECT_TRUE(wait_until([&] { return proc_status_field(child, "VmRSS") >= 48 * 1024; }, 5s))
      << proc_status_field(child, "VmRSS") << " kB";
  // The child owns no socket of the parent's.
  EXPECT_TRUE(tcp_states_of_pid(child).empty());
  ASSERT_TRUE(fixture.process().signal(SIGKILL));
  ASSERT_TRUE(fixture.process().wait_exit(5s));
  EXPECT_TRUE(wait_until([&] { return !process_alive(child); }, 3s)) << "child " << child << " outlived its parent";
}

TEST(FixtureGateway, SigtermExitsZeroWithinOneSecondEvenWithHungRequests) {
  FixtureGatewayProcess fixture({"--child-rss-mib", "8"});
  const auto child = fixture.state().at("child_pid").get<pid_t>();
  fixture.control("hang");
  auto socket = WebSocketClient::connect(fixture.port(), "/", 200ms);  // hung in the upgrade
  auto open_socket_holder = std::async(std::launch::async, [&] { return http_get(fixture.url("/healthz"), 5s); });
  std::this_thread::sleep_for(200ms);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(fixture.process().signal(SIGTERM));
  EXPECT_EQ(fixture.process().wait_exit(3s), std::optional<int>(0)) << fixture.log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(open_socket_holder.get().status, 0);
  EXPECT_TRUE(wait_until([&] { return !process_alive(child); }, 3s));
}

TEST(FixtureGateway, ExitControlEndsTheProcessWithTheCode) {
  FixtureGatewayProcess fixture;
  const auto answer = http_post_json(fixture.url("/__fixture/exit"), R"({"code":3})");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(fixture.process().wait_exit(3s), std::optional<int>(3));
}

TEST(FixtureGateway, FailStartRefusesToRun) {
  EXPECT_EQ(run_command({fixture_gateway_path(), "--port", "0", "--fail-start"}, 10s).exit_code, 1);
  TempDir dir;
  const std::string marker = dir.file("fail");
  write_file(marker, "");
  const auto refused = run_command({fixture_gateway_path(), "--port", "0", "--fail-start-file", marker}, 10s);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("refusing to start"), std::string::npos) << refused.output;
  std::filesystem::remove(marker);
  FixtureGatewayProcess fixture({"--fail-start-file", marker});
  EXPECT_EQ(http_get(fixture.url("/healthz")).status, 200);
  EXPECT_EQ(run_command({fixture_gateway_path(), "--bogus"}, 10s).exit_code, 2);
}

TEST(FixtureGateway, Sigusr2RestartsInProcessWhenUnsupervised) {
  FixtureGatewayProcess fixture({"--restart-gap-ms", "300", "--ready-after-ms", "200"}, {"OPENCLAW_NO_RESPAWN=1"});
  EXPECT_TRUE(wait_until([&] { return http_get(fixture.url("/readyz")).status == 200; }, 3s));
  ASSERT_TRUE(fixture.process().signal(SIGUSR2));
  EXPECT_TRUE(wait_until([&] { return http_get(fixture.url("/healthz"), 200ms).status == 0; }, 2s));
  EXPECT_TRUE(wait_until([&] { return http_get(fixture.url("/readyz")).status == 200; }, 5s));
  EXPECT_TRUE(fixture.process().running());
  const auto state = fixture.state();
  EXPECT_EQ(state.at("pid"), fixture.pid());
  EXPECT_EQ(state.at("restarts_in_process"), 1);
  EXPECT_LT(state.at("uptime_ms").get<long>(), 3000);
  // SIGUSR1 (the real gateway's debugger) changes nothing but a counter.
  ASSERT_TRUE(fixture.process().signal(SIGUSR1));
  EXPECT_TRUE(wait_until([&] { return fixture.state().at("sigusr1_received") == 1; }, 2s));
  EXPECT_TRUE(fixture.process().running());
}

TEST(FixtureGateway, Sigusr2ExitsZeroUnderASupervisor) {
  FixtureGatewayProcess fixture({}, {"OPENCLAW_SYSTEMD_UNIT=openclaw-gateway.service"});
  EXPECT_EQ(fixture.state().at("supervised"), true);
  ASSERT_TRUE(fixture.process().signal(SIGUSR2));
  EXPECT_EQ(fixture.process().wait_exit(3s), std::optional<int>(0));
}

TEST(FixtureGatewayDrain, SigtermWithActiveWorkClosesAdmissionAndExitsZeroWhenTheWorkEnds) {
  TempDir logs;
  const auto started = SteadyClock::now();
  FixtureGatewayProcess fixture({"--active-work-ms", "1500", "--timeout-stop-sec", "30", "--log-dir", logs.path()});
  EXPECT_EQ(fixture.state().at("active_work"), 1);
  EXPECT_EQ(fixture.state().at("drain_budget_ms"), 15000);  // min(325 s, 30 s - 5 s) - 10 s
  ASSERT_TRUE(fixture.process().signal(SIGTERM));

  // Admission closes at once; liveness stays.
  EXPECT_TRUE(wait_until([&] { return http_get(fixture.url("/readyz"), 1s).status == 503; }, 1s));
  const auto ready = http_get(fixture.url("/readyz"));
  ASSERT_EQ(ready.status, 503) << ready.body;
  const auto body = json::parse(ready.body);
  EXPECT_EQ(body.at("ready"), false);
  EXPECT_EQ(body.at("failing"), json::array({"gateway-draining"}));
  EXPECT_TRUE(body.at("eventLoop").is_object());
  EXPECT_EQ(http_get(fixture.url("/healthz")).status, 200);
  const auto startup = http_get(fixture.url("/startupz"));
  EXPECT_EQ(startup.status, 503);
  EXPECT_EQ(json::parse(startup.body).at("status"), "draining");
  EXPECT_EQ(WebSocketClient::connect(fixture.port(), "/", 2s).status, 503);
  EXPECT_EQ(http_post_json(fixture.url("/__fixture/work"), R"({"ms":1000})").status, 500);  // no new work
  EXPECT_TRUE(fixture.process().running());

  EXPECT_EQ(fixture.process().wait_exit(5s), std::optional<int>(0)) << fixture.log();
  EXPECT_GE(SteadyClock::now() - started, 1500ms);
  const auto messages = log_messages(logs.path());
  EXPECT_TRUE(has_message(messages, "draining active work before stop with timeout 15000ms: activeTasks=1"))
      << joined(messages);
  EXPECT_TRUE(has_message(messages, "active-work drain settled; beginning server close")) << joined(messages);
  EXPECT_TRUE(has_message(messages,
                          "shutdown budget at shutdown: drain=15000ms shutdown=25000ms reserve=10000ms "
                          "exitMargin=5000ms; source=fixture --timeout-stop-sec=30000ms"))
      << joined(messages);
  EXPECT_FALSE(
      has_message(messages, "gateway active-work drain timeout reached; proceeding with shutdown: activeTasks=1"));
  // The console (stdout) carries the same messages.
  EXPECT_NE(fixture.log().find("[gateway] active-work drain settled; beginning server close"), std::string::npos);
}

TEST(FixtureGatewayDrain, TheDrainBudgetFromTimeoutStopSecCutsTheDrainShort) {
  TempDir logs;
  FixtureGatewayProcess fixture({"--timeout-stop-sec", "17", "--log-dir", logs.path()});  // drain 2 s
  EXPECT_EQ(fixture.control("work", {{"ms", 20000}, {"count", 2}}).at("active_work"), 2);
  const auto signalled = SteadyClock::now();
  ASSERT_TRUE(fixture.process().signal(SIGTERM));
  EXPECT_EQ(fixture.process().wait_exit(6s), std::optional<int>(0)) << fixture.log();
  const auto took = SteadyClock::now() - signalled;
  EXPECT_GE(took, 1900ms);
  EXPECT_LT(took, 4s);
  const auto messages = log_messages(logs.path());
  EXPECT_TRUE(has_message(messages, "draining active work before stop with timeout 2000ms: activeTasks=2"))
      << joined(messages);
  EXPECT_TRUE(
      has_message(messages, "gateway active-work drain timeout reached; proceeding with shutdown: activeTasks=2"))
      << joined(messages);
  EXPECT_TRUE(has_message(messages, "active-work drain settled; beginning server close")) << joined(messages);
}

TEST(FixtureGatewayDrain, IdleSigtermAndAnUnsupervisedBudgetLikeTheRealGateway) {
  TempDir logs;
  FixtureGatewayProcess fixture({"--log-dir", logs.path()});
  // Not under systemd: the gateway's own stop policy, 330 s -> drain 315 s.
  EXPECT_EQ(fixture.state().at("drain_budget_ms"), 315000);
  const auto signalled = SteadyClock::now();
  ASSERT_TRUE(fixture.process().signal(SIGTERM));
  EXPECT_EQ(fixture.process().wait_exit(3s), std::optional<int>(0));
  EXPECT_LT(SteadyClock::now() - signalled, 1s);
  const auto messages = log_messages(logs.path());
  EXPECT_TRUE(has_message(messages,
                          "shutdown budget at startup: drain=315000ms shutdown=325000ms reserve=10000ms "
                          "exitMargin=5000ms; source=Gateway stop policy=330000ms"))
      << joined(messages);
  for (const auto& message : messages) EXPECT_FALSE(message.starts_with("draining active work")) << message;
}

TEST(FixtureGatewayDrain, Sigusr2UnderASupervisorWaitsForActiveWorkWithReadyzUp) {
  FixtureGatewayProcess fixture({"--active-work-ms", "1500", "--timeout-stop-sec", "30"},
                                {"OPENCLAW_SYSTEMD_UNIT=openclaw-gateway.service"});
  const auto started = SteadyClock::now();
  ASSERT_TRUE(fixture.process().signal(SIGUSR2));
  std::this_thread::sleep_for(500ms);
  // Deferred silently: still ready, still taking work-free requests.
  EXPECT_EQ(http_get(fixture.url("/readyz")).status, 200);
  EXPECT_TRUE(fixture.process().running());
  EXPECT_EQ(fixture.process().wait_exit(5s), std::optional<int>(0)) << fixture.log();
  EXPECT_GE(SteadyClock::now() - started, 1300ms);
}

TEST(FixtureGatewayPreflight, TheCliAnswersLikeOpenclawGatewayCall) {
  FixtureGatewayProcess fixture({"--token", "T0ken"});
  const std::string port = "OPENCLAW_GATEWAY_PORT=" + std::to_string(fixture.port());

  const auto idle = preflight_cli({port, "OPENCLAW_GATEWAY_TOKEN=T0ken"});
  ASSERT_EQ(idle.exit_code, 0) << idle.output;
  EXPECT_EQ(json::parse(idle.output), json::parse(R"({"safe":true,"counts":{"queueSize":0,"pendingReplies":0,
      "embeddedRuns":0,"cronRuns":0,"backgroundExecSessions":0,"rootRequests":0,"activeTasks":0,"totalActive":0},
      "blockers":[],"summary":"safe to restart now"})"));

  fixture.control("work", {{"ms", 60000}, {"count", 2}});
  const auto busy = preflight_cli({}, {"--port", std::to_string(fixture.port()), "--token", "T0ken"});
  ASSERT_EQ(busy.exit_code, 0) << busy.output;
  const auto answer = json::parse(busy.output);
  EXPECT_EQ(answer.at("safe"), false);
  EXPECT_EQ(answer.at("counts").at("activeTasks"), 2);
  EXPECT_EQ(answer.at("counts").at("totalActive"), 2);
  EXPECT_EQ(answer.at("blockers"),
            json::parse(R"j([{"kind":"task","count":2,"message":"2 active background task run(s)"}])j"));
  EXPECT_EQ(answer.at("summary"), "restart deferred: 2 active background task run(s)");

  const auto no_token = preflight_cli({port});
  EXPECT_EQ(no_token.exit_code, 1);
  EXPECT_NE(no_token.output.find("gateway_credentials_required"), std::string::npos) << no_token.output;
  const auto wrong_token = preflight_cli({port, "OPENCLAW_GATEWAY_TOKEN=nope"});
  EXPECT_EQ(wrong_token.exit_code, 1);
  EXPECT_NE(wrong_token.output.find("unauthorized"), std::string::npos) << wrong_token.output;
  EXPECT_EQ(http_get(fixture.url("/__fixture/preflight")).status, 401);

  fixture.control("hang");
  const auto hung = preflight_cli({port, "OPENCLAW_GATEWAY_TOKEN=T0ken"}, {"--timeout", "500"});
  EXPECT_EQ(hung.exit_code, 1) << hung.output;
  fixture.control("unhang");
  ASSERT_TRUE(fixture.process().signal(SIGKILL));  // its work would hold a SIGTERM for 60 s
}

TEST(FixtureGatewayPreflight, DuringADrainTheCliIsRefusedLikeAWebSocketUpgrade) {
  FixtureGatewayProcess fixture({"--active-work-ms", "3000", "--timeout-stop-sec", "30", "--token", "T"});
  ASSERT_TRUE(fixture.process().signal(SIGTERM));
  ASSERT_TRUE(wait_until([&] { return http_get(fixture.url("/readyz"), 1s).status == 503; }, 1s));
  const auto refused =
      preflight_cli({"OPENCLAW_GATEWAY_PORT=" + std::to_string(fixture.port()), "OPENCLAW_GATEWAY_TOKEN=T"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("gateway rejected websocket upgrade (HTTP 503): Gateway websocket admission closed"),
            std::string::npos)
      << refused.output;
  ASSERT_TRUE(fixture.process().signal(SIGKILL));
}

TEST(FixtureGateway, Exit78FileEndsTheStartWithCode78) {
  TempDir dir;
  const std::string marker = dir.file("duplicate");
  write_file(marker, "");
  const auto refused = run_command({fixture_gateway_path(), "--port", "0", "--exit-78-file", marker}, 10s);
  EXPECT_EQ(refused.exit_code, 78);
  EXPECT_NE(refused.output.find("gateway already running under systemd; existing gateway is healthy, exiting with "
                                "code 78"),
            std::string::npos)
      << refused.output;
  std::filesystem::remove(marker);
  FixtureGatewayProcess fixture({"--exit-78-file", marker});
  EXPECT_EQ(http_get(fixture.url("/healthz")).status, 200);
}

TEST(FixtureGateway, StateFileHoldsTheTruth) {
  FixtureGatewayProcess fixture({"--extra-threads", "2"});
  fixture.control("fds", {{"add", 5}});
  const auto from_file = json::parse(read_file(fixture.state_file()));
  EXPECT_EQ(from_file.at("pid"), fixture.pid());
  EXPECT_EQ(from_file.at("port"), fixture.port());
  EXPECT_EQ(from_file.at("extra_fds"), 5);
  EXPECT_EQ(from_file.at("extra_threads"), 2);
}

}  // namespace
}  // namespace openclaw::testing
