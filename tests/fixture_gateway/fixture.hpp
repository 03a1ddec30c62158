#pragma once

#include <atomic>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "active_work.hpp"
#include "child_worker.hpp"
#include "fd_hog.hpp"
#include "fixture_options.hpp"
#include "gateway_behaviour.hpp"
#include "gateway_log_writer.hpp"
#include "memory_hog.hpp"
#include "socket_hog.hpp"
#include "thread_hog.hpp"

namespace openclaw::fixture {

// Everything the fixture knows about itself, shared by the HTTP handlers and main().
struct Fixture {
  explicit Fixture(const FixtureOptions& fixture_options);

  // GET /__fixture/state: the truth, for tests to compare with what a monitor measures.
  // `requests_to_ignore`: requests in flight not to count in expected_tcp (the state request itself).
  nlohmann::json state(int requests_to_ignore = 0) const;
  // Writes state() to --state-file (atomically: temp file + rename); no-op without the flag.
  void write_state_file() const;

  // The control API's `exit`: main() ends the process with this code.
  void request_exit(int code) { exit_code.store(code); }

  const FixtureOptions options;
  GatewayBehaviour behaviour;
  MemoryHog memory;
  FdHog fds;
  ThreadHog threads;
  SocketHog sockets;
  ChildWorker child;
  ActiveWork work;
  GatewayLogWriter log;
  std::atomic<int> port{0};
  std::atomic<int> http_in_flight{0};
  std::atomic<int> websockets_open{0};
  std::atomic<int> exit_code{-1};  // -1: no exit requested
  std::atomic<int> restarts_in_process{0};
  std::atomic<int> sigusr1_received{0};
  std::atomic<long long> drain_budget_ms{-1};  // the budget resolved at start-up (shutdown_budget.hpp)
  bool supervised = false;  // INVOCATION_ID / JOURNAL_STREAM / OPENCLAW_SYSTEMD_UNIT set, OPENCLAW_NO_RESPAWN unset

 private:
  mutable std::mutex state_file_mutex_;
};

// Counts a request as in flight for its lifetime.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& counter) : counter_(counter) { ++counter_; }
  ~InFlight() { --counter_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  InFlight(InFlight&&) = delete;
  InFlight& operator=(InFlight&&) = delete;

 private:
  std::atomic<int>& counter_;
};

}  // namespace openclaw::fixture
