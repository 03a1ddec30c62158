// openclaw-fixture-gateway: imitates the OpenClaw gateway for tests, with controllable degradation.
// Flags: fixture_options.hpp. Paths: gateway_endpoints.hpp, control_api.hpp. Socket counts: socket_hog.hpp.
// Signals: SIGTERM/SIGINT/SIGHUP exit 0 within ~1 s. SIGUSR2 restarts like the real gateway: under systemd
// (INVOCATION_ID, JOURNAL_STREAM or OPENCLAW_SYSTEMD_UNIT set, OPENCLAW_NO_RESPAWN unset) it exits 0 so systemd
// starts a new PID; unsupervised it restarts in-process (same PID, port closed for --restart-gap-ms, uptime and the
// start-up timer reset). SIGUSR1 is only counted ("sigusr1_received"; the real gateway opens its debugger).
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "child_worker.hpp"
#include "fixture.hpp"
#include "fixture_options.hpp"
#include "gateway_server.hpp"

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

int run(const FixtureOptions& options) {
  if (options.fail_start) {
    std::fprintf(stderr, "fixture: --fail-start: refusing to start\n");
    return 1;
  }
  struct stat ignored {};
  if (!options.fail_start_file.empty() && ::stat(options.fail_start_file.c_str(), &ignored) == 0) {
    std::fprintf(stderr, "fixture: %s exists: refusing to start\n", options.fail_start_file.c_str());
    return 1;
  }
  // Every thread inherits this mask; main() takes the signals with sigtimedwait.
  const sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Fixture fixture(options);
  apply_start_options(fixture);  // the child first: it must inherit no socket
  auto server = std::make_unique<GatewayServer>(fixture, options.port);
  fixture.port = server->port();
  fixture.write_state_file();
  std::printf("fixture: listening on 127.0.0.1:%d pid %d\n", server->port(), ::getpid());
  std::fflush(stdout);

  const timespec tick{0, 50 * 1000 * 1000};
  for (;;) {
    siginfo_t info{};
    const int sig = sigtimedwait(&signals, &info, &tick);
    if (fixture.exit_code.load() >= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the control request's answer go out
      close_server(fixture, server);
      return fixture.exit_code.load();
    }
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
      std::printf("fixture: signal %d: exiting\n", sig);
      close_server(fixture, server);
      return 0;
    }
    if (sig == SIGCHLD) {
      fixture.child.reap();
      fixture.write_state_file();
    } else if (sig == SIGUSR1) {
      ++fixture.sigusr1_received;
      fixture.write_state_file();
    } else if (sig == SIGUSR2) {
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
