// openclaw-fixture-gateway: imitates the OpenClaw gateway for tests, with controllable degradation.
// Flags: fixture_options.hpp. Paths: gateway_endpoints.hpp, control_api.hpp. Socket counts: socket_hog.hpp.
// Signals: SIGTERM/SIGINT drain active work like the real gateway (shutdown.hpp; budget: shutdown_budget.hpp), then
// exit 0 — within ~1 s when there is none. SIGHUP exits 0 at once. SIGUSR2 restarts like the real gateway: it first
// waits (silently, /readyz 200) until active work is 0, at most 300 s, then drains what is left; under systemd
// (INVOCATION_ID, JOURNAL_STREAM or OPENCLAW_SYSTEMD_UNIT set, OPENCLAW_NO_RESPAWN unset) it exits 0 so systemd
// starts a new PID; unsupervised it restarts in-process (same PID, port closed for --restart-gap-ms, uptime and the
// start-up timer reset). SIGUSR1 is only counted ("sigusr1_received"; the real gateway opens its debugger).
// CLI mode: `openclaw-fixture-gateway gateway call gateway.restart.preflight --json` (gateway_cli.hpp).
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_worker.hpp"
#include "fixture.hpp"
#include "fixture_options.hpp"
#include "gateway_cli.hpp"
#include "gateway_server.hpp"
#include "shutdown.hpp"
#include "shutdown_budget.hpp"

extern char** environ;

namespace openclaw::fixture {
namespace {

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) sigaddset(&set, sig);
  return set;
}

void apply_start_options(Fixture& fixture) {
  const auto& options = fixture.options;
  if (options.child_rss_mib > 0) fixture.child.spawn(options.child_rss_mib);
  if (fixture.fds.add(options.extra_fds) != options.extra_fds) throw std::runtime_error("--extra-fds: fd limit");
  if (fixture.threads.add(options.extra_threads) != options.extra_threads) {
    throw std::runtime_error("--extra-threads: cannot start that many threads");
  }
  if (auto error = fixture.sockets.add_established_pairs(options.established_pairs); !error.empty()) {
    throw std::runtime_error("--established-pairs: " + error);
  }
  if (auto error = fixture.sockets.add_close_wait(options.close_wait); !error.empty()) {
    throw std::runtime_error("--close-wait: " + error);
  }
  fixture.memory.set_leak_rate(options.leak_mib_per_sec);
}

// Stops the server; civetweb waits for its workers, which the stopped behaviour releases at once.
void close_server(Fixture& fixture, std::unique_ptr<GatewayServer>& server) {
  fixture.behaviour.stop();
  server.reset();
}

bool exists(const std::string& path) {
  struct stat ignored {};
  return !path.empty() && ::stat(path.c_str(), &ignored) == 0;
}

// The budget, with the real gateway's log lines ("shutdown budget at startup|shutdown: …", and a warning when the
// unit's TimeoutStopUSec could not be read).
ShutdownBudget log_shutdown_budget(Fixture& fixture, const char* phase) {
  const ShutdownBudget budget = resolve_shutdown_budget(fixture.options);
  if (!budget.warning.empty()) fixture.log.warn(budget.warning);
  fixture.log.info(budget.log_line(phase));
  return budget;
}

// SIGTERM/SIGINT: drain, close, exit 0 (or the code an exit control asked for meanwhile).
int stop(Fixture& fixture, std::unique_ptr<GatewayServer>& server, const sigset_t& signals) {
  const auto started = std::chrono::steady_clock::now();
  fixture.behaviour.set_draining();  // before anything slow: /readyz answers 503 at once
  const ShutdownBudget budget = log_shutdown_budget(fixture, "shutdown");
  (void)drain_active_work(fixture, signals, DrainAction::kStop, budget);
  close_server(fixture, server);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  fixture.log.write(GatewayLogWriter::Level::kInfo, "gateway/shutdown",
                    "shutdown completed cleanly in " + std::to_string(took.count()) + "ms");
  return std::max(0, fixture.exit_code.load());
}

int run(const FixtureOptions& options) {
  if (options.fail_start) {
    std::fprintf(stderr, "fixture: --fail-start: refusing to start\n");
    return 1;
  }
  if (exists(options.fail_start_file)) {
    std::fprintf(stderr, "fixture: %s exists: refusing to start\n", options.fail_start_file.c_str());
    return 1;
  }
  if (exists(options.exit_78_file)) {
    GatewayLogWriter(options.log_dir)
        .write(GatewayLogWriter::Level::kError, "gateway",
               "gateway already running under systemd; existing gateway is healthy, exiting with code 78 to prevent "
               "a systemd Restart=always loop");
    return 78;
  }
  // Every thread inherits this mask; main() takes the signals with sigtimedwait.
  const sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Fixture fixture(options);
  apply_start_options(fixture);  // the child first: it must inherit no socket
  // Before listening, so whoever sees the gateway answer also sees its budget in the state.
  const ShutdownBudget startup_budget = log_shutdown_budget(fixture, "startup");
  fixture.drain_budget_ms = startup_budget.drain.count();
  auto server = std::make_unique<GatewayServer>(fixture, options.port);
  fixture.port = server->port();
  fixture.write_state_file();
  std::printf("fixture: listening on 127.0.0.1:%d pid %d\n", server->port(), ::getpid());
  std::fflush(stdout);

  const timespec tick{0, 50 * 1000 * 1000};
  std::optional<std::chrono::steady_clock::time_point> restart_requested;  // SIGUSR2 waiting for active work
  for (;;) {
    siginfo_t info{};
    const int sig = sigtimedwait(&signals, &info, &tick);
    if (fixture.exit_code.load() >= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the control request's answer go out
      close_server(fixture, server);
      return fixture.exit_code.load();
    }
    if (sig == SIGTERM || sig == SIGINT) {
      std::printf("fixture: signal %d: stopping\n", sig);
      return stop(fixture, server, signals);
    }
    if (sig == SIGHUP) {
      std::printf("fixture: signal %d: exiting\n", sig);
      close_server(fixture, server);
      return 0;
    }
    if (sig == SIGUSR2 && !restart_requested) restart_requested = std::chrono::steady_clock::now();
    if (sig == SIGCHLD) {
      fixture.child.reap();
      fixture.write_state_file();
    } else if (sig == SIGUSR1) {
      ++fixture.sigusr1_received;
      fixture.write_state_file();
    }
    if (restart_requested && restart_may_proceed(fixture, *restart_requested)) {
      restart_requested.reset();
      const bool stop_requested = drain_active_work(fixture, signals, DrainAction::kRestart, startup_budget);
      if (fixture.exit_code.load() >= 0) continue;  // an exit control during the drain: handled at the loop's top
      if (stop_requested) return stop(fixture, server, signals);
      if (fixture.supervised) {
        std::printf("fixture: SIGUSR2 under a supervisor: draining and exiting 0\n");
        close_server(fixture, server);
        return 0;
      }
      std::printf("fixture: SIGUSR2: in-process restart\n");
      close_server(fixture, server);
      std::this_thread::sleep_for(options.restart_gap);
      fixture.behaviour.resume();
      fixture.behaviour.restart_clock();
      ++fixture.restarts_in_process;
      server = std::make_unique<GatewayServer>(fixture, fixture.port.load());
      fixture.write_state_file();
    }
    std::fflush(stdout);
  }
}

}  // namespace
}  // namespace openclaw::fixture

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "--child-worker") {
    return openclaw::fixture::child_worker_main({args.begin() + 1, args.end()});
  }
  if (!args.empty() && args.front() == "gateway") {
    return openclaw::fixture::gateway_cli_main({args.begin() + 1, args.end()});
  }
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) env.emplace_back(*entry);
  try {
    const auto options = openclaw::fixture::parse_options(args, env);
    return openclaw::fixture::run(options);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "openclaw-fixture-gateway: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "openclaw-fixture-gateway: %s\n", e.what());
    return 1;
  }
}
