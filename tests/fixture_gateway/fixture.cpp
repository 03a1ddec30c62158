#include "fixture.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

namespace openclaw::fixture {
namespace {

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

}  // namespace

Fixture::Fixture(const FixtureOptions& fixture_options)
    : options(fixture_options),
      behaviour(fixture_options.ready_after, fixture_options.response_delay),
      memory(fixture_options.max_alloc_mib),
      log(fixture_options.log_dir),
      supervised((env_set("INVOCATION_ID") || env_set("JOURNAL_STREAM") || env_set("OPENCLAW_SYSTEMD_UNIT")) &&
                 !env_set("OPENCLAW_NO_RESPAWN")) {
  work.start(fixture_options.active_work);
}

nlohmann::json Fixture::state(int requests_to_ignore) const {
  const int pairs = sockets.established_pairs();
  const int close_wait = sockets.close_wait();
  const int in_flight = std::max(0, http_in_flight.load() - requests_to_ignore);
  const int websockets = websockets_open.load();
  const auto readiness = behaviour.readiness();
  return {
      {"pid", ::getpid()},
      {"child_pid", child.pid()},
      {"child_rss_mib", child.rss_mib()},
      {"port", port.load()},
      {"helper_listen_port", sockets.helper_listen_port()},
      {"uptime_ms", behaviour.uptime().count()},
      {"started", behaviour.started()},
      {"ready", readiness.ready},
      {"hung", behaviour.hung()},
      {"delay_ms", behaviour.delay().count()},
      {"event_loop", behaviour.event_loop_json()},
      {"allocated_mib", memory.allocated_mib()},
      {"leak_mib_per_sec", memory.leak_rate()},
      {"extra_fds", fds.count()},
      {"extra_threads", threads.count()},
      {"leak_thread", memory.leak_rate() > 0},
      {"established_pairs", pairs},
      {"close_wait", close_wait},
      {"listening_sockets", 2},
      {"http_in_flight", in_flight},
      {"websockets_open", websockets},
      // Sockets owned by this process's fds per TCP state (rules in socket_hog.hpp).
      {"expected_tcp",
       {{"listen", 2}, {"established", 2 * pairs + websockets + in_flight}, {"close_wait", close_wait}}},
      {"supervised", supervised},
      {"restarts_in_process", restarts_in_process.load()},
      {"sigusr1_received", sigusr1_received.load()},
      {"active_work", work.count()},
      {"draining", behaviour.draining()},
      {"drain_budget_ms", drain_budget_ms.load()},
  };
}

void Fixture::write_state_file() const {
  if (options.state_file.empty()) return;
  const std::lock_guard lock(state_file_mutex_);
  const std::string temporary = options.state_file + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << state().dump(2) << "\n";
    if (!out.flush()) {
      std::fprintf(stderr, "fixture: cannot write %s\n", temporary.c_str());
      return;
    }
  }
  if (std::rename(temporary.c_str(), options.state_file.c_str()) != 0) {
    std::fprintf(stderr, "fixture: cannot rename %s to %s\n", temporary.c_str(), options.state_file.c_str());
  }
}

}  // namespace openclaw::fixture
