#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace openclaw::fixture {

// Command line of openclaw-fixture-gateway. Every flag also reads OPENCLAW_FIXTURE_<NAME> (upper case, '-' -> '_',
// e.g. OPENCLAW_FIXTURE_READY_AFTER_MS=2000, OPENCLAW_FIXTURE_FAIL_START=1) so a systemd unit's Environment= can set
// it; a flag on the command line wins over the variable.
//
//   --port N                 listen on 127.0.0.1:N (default: $OPENCLAW_GATEWAY_PORT, else 18789; 0 picks one)
//   --ready-after-ms N       /readyz and /startupz answer 503 until N ms after start (/healthz answers at once)
//   --fail-start             exit 1 immediately (a gateway that will not come back)
//   --fail-start-file PATH   exit 1 immediately when PATH exists (lets a test make the NEXT start fail)
//   --leak-mib-per-sec X     grow and touch memory steadily (a thread allocates every 100 ms)
//   --child-rss-mib N        spawn one child that allocates+touches N MiB and dies with the parent
//   --extra-fds N            open N extra fds (/dev/null) at start
//   --extra-threads N        start N idle extra threads
//   --established-pairs N    N loopback TCP pairs, both ends held (2 ESTABLISHED sockets each)
//   --close-wait N           N sockets held in CLOSE_WAIT
//   --response-delay-ms N    delay before answering gateway paths (health, /, websocket upgrade)
//   --state-file PATH        write the truth JSON (as GET /__fixture/state) there after start and every change
//   --max-alloc-mib N        cap for memory the fixture allocates (memory + leak), default 2048
//   --http-threads N         civetweb worker threads (each open WebSocket or hung request holds one), default 32
//   --restart-gap-ms N       unsupervised SIGUSR2: how long the port stays closed during the in-process restart
//                            (default 500)
//   --active-work-ms N       one unit of active work (an "active task") that ends N ms after start; 0: none. More at
//                            run time: POST /__fixture/work (control_api.hpp). SIGTERM drains it (shutdown.hpp).
//   --timeout-stop-sec N     the TimeoutStopSec the drain budget is sized from (shutdown_budget.hpp): drain =
//                            min(325 s, N - 5 s) - 10 s. Unset: read from the user manager like the real gateway.
//   --token T                the gateway token GET /__fixture/preflight wants as "Authorization: Bearer T"
//                            (default: $OPENCLAW_GATEWAY_TOKEN; empty: any bearer token is accepted)
//   --exit-78-file PATH      exit 78 at start when PATH exists, as the real gateway does when a healthy instance
//                            already runs under systemd (RestartPreventExitStatus=78 then leaves the unit failed)
//   --log-dir DIR            write the gateway's file log like the real one: DIR/openclaw-YYYY-MM-DD.log, one tslog
//                            JSON object per line (gateway_log_writer.hpp); without it, messages go to stdout only
struct FixtureOptions {
  int port = 18789;
  std::chrono::milliseconds ready_after{0};
  bool fail_start = false;
  std::string fail_start_file;
  double leak_mib_per_sec = 0;
  int child_rss_mib = 0;
  int extra_fds = 0;
  int extra_threads = 0;
  int established_pairs = 0;
  int close_wait = 0;
  std::chrono::milliseconds response_delay{0};
  std::string state_file;
  int max_alloc_mib = 2048;
  int http_threads = 32;
  std::chrono::milliseconds restart_gap{500};
  std::chrono::milliseconds active_work{0};
  std::optional<std::chrono::milliseconds> timeout_stop;
  std::string token;
  std::string exit_78_file;
  std::string log_dir;
};

// Parses argv (without argv[0]) over the environment `env` ("KEY=VALUE" entries). Throws std::invalid_argument
// naming the flag or variable and what was expected.
FixtureOptions parse_options(const std::vector<std::string>& args, const std::vector<std::string>& env);

std::string usage();

}  // namespace openclaw::fixture
