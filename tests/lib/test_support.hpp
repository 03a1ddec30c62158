#pragma once
// openclaw::testing — what every test of this project shares. Link `openclaw::test_support`; include this header
// (or one of the headers below for one thing).
//
// process.hpp
//   struct CommandResult { int exit_code; std::string output; };
//   CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 60s);
//       fork/exec, no shell; stdout+stderr captured; exit_code 128+N on signal N, 127 when not executable,
//       -1 when killed at the timeout.
//   class ChildProcess(std::vector<std::string> argv, std::vector<std::string> extra_env = {},
//                      std::string log_file = {});       // RAII; movable, not copyable
//       pid(), running(), signal(int), wait_exit(timeout) -> std::optional<int>, log(), log_file();
//       the destructor: SIGTERM, up to 5 s, SIGKILL to its process group, always reaped.
//   static ChildProcess ChildProcess::fork_and_run(std::function<int()> body);   // a fork that runs body, no exec
// http_client.hpp
//   struct HttpResponse { long status; std::string body; std::map<std::string, std::string> headers;  // lower-case
//                         double seconds; std::string error; };            // status 0 + error: no response
//   HttpResponse http_request(std::string method, std::string url, std::string body = {},
//                             std::vector<std::string> headers = {"Name: value"}, std::chrono::milliseconds = 10s);
//   HttpResponse http_get(std::string url, std::chrono::milliseconds timeout = 10s);
//   HttpResponse http_post_json(std::string url, std::string json, std::chrono::milliseconds timeout = 10s);
// net.hpp
//   int free_tcp_port();                      // a free port below the ephemeral range (net.cpp says why)
//   bool tcp_port_open(int port);             // connect to 127.0.0.1:port succeeds
//   bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
//                   std::chrono::milliseconds poll = 50ms);
// paths.hpp
//   std::string source_dir();  std::string binary_dir();     // OPENCLAW_SOURCE_DIR / OPENCLAW_BINARY_DIR (ctest),
//                                              // else the configured dirs; neither -> test failure + exception
//   std::string fixture_gateway_path();       // binary_dir()/tests/fixture_gateway/openclaw-fixture-gateway
//   std::string with_user_manager_path();     // source_dir()/tests/lib/with-user-manager.sh
//   class TempDir(std::string prefix = "openclaw-test-");   // mkdtemp /tmp/<prefix>XXXXXX; removed recursively
//       path(), file(name)
//   std::string read_file(const std::string&);  void write_file(const std::string&, const std::string&);
// fixture_gateway_process.hpp
//   class FixtureGatewayProcess(std::vector<std::string> extra_args = {}, std::vector<std::string> extra_env = {},
//                               std::chrono::milliseconds start_timeout = 10s);
//       runs the fixture gateway on port 0 (read back from its --state-file); port(), pid(), url(path), process(),
//       log(), state() -> nlohmann::json (GET /__fixture/state), control(name, json) -> nlohmann::json (POST).
// proc_truth.hpp   (ground truth from /proc for comparisons)
//   std::map<std::string, int> tcp_states_of_pid(pid_t);   // {"LISTEN":2,"ESTABLISHED":4,"CLOSE_WAIT":3,...}
//   int count_or_zero(const std::map<std::string, int>&, const std::string&);
//   int open_fd_count(pid_t);  long proc_status_field(pid_t, "Threads"|"VmRSS"(kB)|...);  pid_t parent_pid(pid_t);
//   bool process_alive(pid_t);   // exists and is not a zombie
// websocket_client.hpp
//   class WebSocketClient: static connect(int port, std::string path = "/", timeout = 5s, std::string extra_headers)
//       status (101), headers (lower-case), error, expected_accept, accept_matches(), close(); holds the
//       connection open until destroyed.
//   std::string websocket_accept_for(const std::string& key);
// user_manager.hpp   (for tests run under tests/lib/with-user-manager.sh; see that script's header)
//   class UserManager
//       static bool available();
//       unit_dir(), install_unit(name, contents) -> CommandResult (daemon-reload), remove_unit(name),
//       start/stop/restart/reset_failed(name) -> CommandResult, systemctl({args...}, timeout) -> CommandResult,
//       property(name, prop) -> std::string, main_pid(name) -> int, n_restarts(name) -> unsigned,
//       active_state(name), wait_for_state(name, state, timeout) -> bool,
//       wait_for_new_main_pid(name, old_pid, timeout) -> int (0 on timeout)
//   struct GatewayUnitOptions { program, args, port, unit_name, restart, restart_sec, timeout_stop_sec,
//       timeout_start_sec, restart_prevent_exit_status, success_exit_status, kill_mode, oom_policy,
//       start_limit_burst, start_limit_interval_sec, memory_max, environment, log_file, extra_service_lines };
//   std::string render_gateway_unit(const GatewayUnitOptions&);   // shaped like `openclaw`'s unit
//
// CMake: register gtest binaries with `openclaw_discover_gtests(target [gtest_discover_tests args])` (defined in
// tests/lib/CMakeLists.txt): `gtest_discover_tests(... PROPERTIES ENVIRONMENT "${OPENCLAW_TEST_ENV}")` keeps only
// OPENCLAW_SOURCE_DIR (CMake 3.25 flattens the list). source_dir()/binary_dir() also fall back to the configured
// directories, so existing registrations still work.
//
// Running a test under the user manager: add a plain ctest entry whose COMMAND is
//   ${PROJECT_SOURCE_DIR}/tests/lib/with-user-manager.sh $<TARGET_FILE:your_test> --gtest_filter=...
// with set_tests_properties(... ENVIRONMENT "${OPENCLAW_TEST_ENV}") (a list works there; see
// tests/fixture_gateway/CMakeLists.txt). Each run gets its own manager, scratch HOME and cgroup subtree, so such
// tests may run in parallel. Inside, UserManager::available() is true.
//
// process_tree.hpp: a process and its descendants, their summed RSS, socket states from `ss`.
// scrape.hpp: an exporter's /metrics as a map for assertions (include it directly; test-only parsing).
//
// The fixture gateway (tests/fixture_gateway/, binary at fixture_gateway_path()) imitates the real gateway with
// controllable degradation: flags in tests/fixture_gateway/fixture_options.hpp, paths in gateway_endpoints.hpp,
// the /__fixture/ control API in control_api.hpp, the exact socket-count rules in socket_hog.hpp, signals in
// main.cpp. Test names: ctest -R '^fixture' (fixture_gateway.* and fixture_gateway_systemd_test), '^test_support'.

#include "fixture_gateway_process.hpp"
#include "http_client.hpp"
#include "net.hpp"
#include "paths.hpp"
#include "proc_truth.hpp"
#include "process.hpp"
#include "process_tree.hpp"
#include "user_manager.hpp"
#include "websocket_client.hpp"
