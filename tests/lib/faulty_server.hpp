#pragma once

// Peers that misbehave on purpose, for the fault tests (docs/testing.md, "Faults"): a health endpoint that resets
// connections, trickles its answer or answers 200 with garbage, and a D-Bus socket whose manager hangs or is gone.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace openclaw::testing {

// An HTTP server on 127.0.0.1:0 that reads each request's head and then misbehaves as told. One thread; each
// connection is served to its end before the next is accepted (the tests make one request at a time).
class FaultyHttpServer {
 public:
  enum class Fault {
    kReset,       // a TCP RST after the request (SO_LINGER 0): "connection reset by peer"
    kTrickle,     // a valid 200 answer, one byte every `trickle_interval`
    kGarbage200,  // "200 OK" with a body that is not JSON (an HTML error page of some proxy)
    kNotHttp,     // bytes that are not HTTP at all, then close
  };
  explicit FaultyHttpServer(Fault fault, std::chrono::milliseconds trickle_interval = std::chrono::milliseconds(200));
  ~FaultyHttpServer();
  FaultyHttpServer(const FaultyHttpServer&) = delete;
  FaultyHttpServer& operator=(const FaultyHttpServer&) = delete;
  FaultyHttpServer(FaultyHttpServer&&) = delete;
  FaultyHttpServer& operator=(FaultyHttpServer&&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int requests() const { return requests_.load(); }  // request heads read so far

  // The 200 answer kTrickle sends (a real /readyz body): a client that waited for it all would see a ready gateway.
  static const std::string& trickled_answer();

 private:
  void serve(int fd);
  Fault fault_;
  std::chrono::milliseconds trickle_interval_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// A Unix socket where a systemd user manager's private socket would be ("unix:path=…"), its peer faulty:
enum class BusFault {
  kNeverAccepts,   // listening, never accepting: the manager is stopped (SIGSTOP) or wedged
  kSilent,         // accepts, reads, never answers the authentication: hung half-way
  kClosesAtOnce,   // accepts and closes: the manager crashed as we connected
  kStaleSocket,    // the socket file is there, nobody listens: the manager is gone (ECONNREFUSED)
};
// "NeverAccepts", "AcceptsAndNeverAnswers", "ClosesAtOnce", "StaleSocketNobodyListens" (test names).
std::string bus_fault_name(BusFault fault);

class FaultyBusSocket {
 public:
  FaultyBusSocket(const std::string& path, BusFault fault);
  ~FaultyBusSocket();
  FaultyBusSocket(const FaultyBusSocket&) = delete;
  FaultyBusSocket& operator=(const FaultyBusSocket&) = delete;
  FaultyBusSocket(FaultyBusSocket&&) = delete;
  FaultyBusSocket& operator=(FaultyBusSocket&&) = delete;

  std::string address() const { return "unix:path=" + path_; }
  int connections() const { return connections_.load(); }

 private:
  std::string path_;
  BusFault fault_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace openclaw::testing
