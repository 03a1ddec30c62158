#include "test_support.hpp"

#include <CivetServer.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>

#include "http_server.hpp"

namespace openclaw::testing {
namespace {

using namespace std::chrono_literals;

bool process_exists(pid_t pid) { return kill(pid, 0) == 0 || errno != ESRCH; }

TEST(RunCommand, CapturesStdoutAndStderrAndTheExitCode) {
  const CommandResult result = run_command({"sh", "-c", "echo out; echo err >&2; exit 7"});
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_EQ(result.output, "out\nerr\n");
}

TEST(RunCommand, PassesArgumentsWithoutAShell) {
  const CommandResult result = run_command({"printf", "%s|", "a b", "$HOME", "*"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "a b|$HOME|*|");
}

TEST(RunCommand, ReportsSignalsAndMissingPrograms) {
  EXPECT_EQ(run_command({"sh", "-c", "kill -KILL $$"}).exit_code, 128 + SIGKILL);
  const CommandResult missing = run_command({"/nonexistent/program"});
  EXPECT_EQ(missing.exit_code, 127);
}

TEST(RunCommand, KillsTheWholeGroupAtTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  // The grandchild keeps the pipe open: only killing the process group ends this.
  const CommandResult result = run_command({"sh", "-c", "echo started; sleep 30 & sleep 30"}, 300ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.exit_code, -1);
  EXPECT_TRUE(result.output.starts_with("started\n")) << result.output;
  EXPECT_NE(result.output.find("killed after 300 ms"), std::string::npos) << result.output;
  EXPECT_LT(elapsed, 5s);
}

TEST(ChildProcess, ReportsTheExitStatusAndPassesExtraEnvironment) {
  TempDir dir;
  ChildProcess child({"sh", "-c", "echo \"value=$OPENCLAW_TEST_VALUE\"; exit 3"}, {"OPENCLAW_TEST_VALUE=42"},
                     dir.file("child.log"));
  EXPECT_EQ(child.wait_exit(10s), std::optional<int>(3));
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.log(), "value=42\n");
  EXPECT_FALSE(child.signal(SIGTERM));
}

TEST(ChildProcess, ThrowsWhenTheProgramCannotBeExecuted) {
  EXPECT_THROW(ChildProcess({"/nonexistent/program"}), std::runtime_error);
}

TEST(ChildProcess, DestructorTerminatesAndReaps) {
  pid_t pid = 0;
  {
    ChildProcess child({"sleep", "30"});
    pid = child.pid();
    ASSERT_GT(pid, 0);
    EXPECT_TRUE(child.running());
  }
  EXPECT_FALSE(process_exists(pid));
}

TEST(ChildProcess, DestructorKillsAChildThatIgnoresSigterm) {
  TempDir dir;
  pid_t pid = 0;
  const auto start = std::chrono::steady_clock::now();
  {
    ChildProcess child({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done"}, {}, dir.file("log"));
    pid = child.pid();
    ASSERT_TRUE(wait_until([&] { return child.log() == "ready\n"; }, 10s));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(process_exists(pid));
  EXPECT_GE(elapsed, 4900ms);  // it waited the SIGTERM grace period
  EXPECT_LT(elapsed, 15s);
}

TEST(ChildProcess, MovesOwnership) {
  ChildProcess first({"sleep", "30"});
  const pid_t pid = first.pid();
  ChildProcess second(std::move(first));
  EXPECT_EQ(second.pid(), pid);
  EXPECT_EQ(first.pid(), -1);  // NOLINT(bugprone-use-after-move): the moved-from state is documented
  EXPECT_TRUE(second.running());
  EXPECT_TRUE(second.signal(SIGKILL));
  EXPECT_EQ(second.wait_exit(5s), std::optional<int>(128 + SIGKILL));
}

TEST(FreeTcpPort, ReturnsABindablePort) {
  const int port = free_tcp_port();
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
  EXPECT_FALSE(tcp_port_open(port));
  HttpServer server(HttpServerOptions{"127.0.0.1:" + std::to_string(port), {}, {}, 2, 10000ms});
  EXPECT_EQ(server.listening_ports(), std::vector<int>{port});
  EXPECT_TRUE(tcp_port_open(port));
}

class EchoHandler : public CivetHandler {
 public:
  bool handlePost(CivetServer*, mg_connection* conn) override {
    const auto body = read_request_body(conn, 1024);
    send_response(conn, 201, "text/plain",
                  "got " + body.body.value_or("?") + " " + std::string(request_header(conn, "X-Probe")),
                  {{"X-Answer", "yes"}});
    return true;
  }
};

TEST(HttpRequest, SendsBodyAndHeadersAndLowerCasesResponseHeaders) {
  HttpServer server(HttpServerOptions{"127.0.0.1:0", {}, {}, 2, 10000ms});
  EchoHandler handler;
  server.add_handler("/echo", handler);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.listening_ports().at(0)) + "/echo";
  const HttpResponse response = http_request("POST", url, "hello", {"X-Probe: 1"});
  EXPECT_EQ(response.status, 201) << response.error;
  EXPECT_EQ(response.body, "got hello 1");
  EXPECT_EQ(response.headers.at("x-answer"), "yes");
  EXPECT_EQ(response.headers.at("content-type"), "text/plain");
  EXPECT_TRUE(response.error.empty());
  EXPECT_GT(response.seconds, 0.0);
}

TEST(HttpRequest, ReportsConnectionFailureAsStatusZero) {
  const HttpResponse response = http_get("http://127.0.0.1:" + std::to_string(free_tcp_port()) + "/", 2s);
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
}

TEST(WaitUntil, ReturnsTrueWhenThePredicateHoldsAndFalseAtTheTimeout) {
  int calls = 0;
  EXPECT_TRUE(wait_until([&] { return ++calls == 3; }, 5s, 1ms));
  EXPECT_EQ(calls, 3);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_until([] { return false; }, 100ms, 10ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
}

TEST(TempDir, IsCreatedPrivateAndRemovedWithItsContents) {
  std::string path;
  {
    TempDir dir("openclaw-support-");
    path = dir.path();
    EXPECT_TRUE(path.starts_with("/tmp/openclaw-support-"));
    std::filesystem::create_directories(dir.file("a/b"));
    write_file(dir.file("a/b/c.txt"), "x");
    EXPECT_EQ(read_file(dir.file("a/b/c.txt")), "x");
    struct stat info {};
    ASSERT_EQ(stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700U);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Paths, ComeFromTheCtestEnvironment) {
  EXPECT_TRUE(std::filesystem::exists(source_dir() + "/CMakeLists.txt"));
  EXPECT_TRUE(std::filesystem::exists(binary_dir() + "/CMakeCache.txt"));
  EXPECT_TRUE(std::filesystem::exists(with_user_manager_path()));
}

TEST(GatewayUnit, RendersTheProductionShape) {
  GatewayUnitOptions options;
  options.program = "/opt/fixture";
  options.args = {"--state-file", "/tmp/a b"};
  options.port = 18789;
  options.memory_max = "256M";
  options.restart_sec = 250ms;
  options.environment = {"OPENCLAW_FIXTURE_READY_AFTER_MS=100"};
  const std::string unit = render_gateway_unit(options);
  for (const char* line :
       {"ExecStart=/opt/fixture --state-file \"/tmp/a b\" --port 18789\n", "Restart=always\n", "RestartSec=250ms\n",
        "TimeoutStopSec=330s\n", "KillMode=mixed\n", "SuccessExitStatus=0 143\n", "MemoryMax=256M\n",
        "Environment=OPENCLAW_GATEWAY_PORT=18789\n", "Environment=OPENCLAW_SYSTEMD_UNIT=openclaw-gateway.service\n",
        "Environment=OPENCLAW_FIXTURE_READY_AFTER_MS=100\n"}) {
    EXPECT_NE(unit.find(line), std::string::npos) << "missing " << line << " in\n" << unit;
  }
  EXPECT_EQ(systemd_quote("50%"), "50%%");
  EXPECT_EQ(systemd_quote("say \"hi\""), "\"say \\\"hi\\\"\"");
}

}  // namespace
}  // namespace openclaw::testing

namespace openclaw::testing {
namespace {

TEST(WebSocketAccept, MatchesTheRfc6455Example) {
  EXPECT_EQ(websocket_accept_for("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(ProcTruth, CountsTheSocketsOfThisProcess) {
  const pid_t self = getpid();
  const auto before = tcp_states_of_pid(self);
  HttpServer server(HttpServerOptions{"127.0.0.1:0", {}, {}, 2, 10000ms});
  const auto after = tcp_states_of_pid(self);
  EXPECT_EQ(count_or_zero(after, "LISTEN"), count_or_zero(before, "LISTEN") + 1);
  EXPECT_GT(open_fd_count(self), 3);
  EXPECT_GE(proc_status_field(self, "Threads"), 3);  // main + civetweb's master and workers
  EXPECT_EQ(parent_pid(self), getppid());
}

}  // namespace
}  // namespace openclaw::testing
