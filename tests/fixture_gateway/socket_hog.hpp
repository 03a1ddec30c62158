#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "unique_fd.hpp"

namespace openclaw::fixture {

// Real loopback TCP sockets in chosen states, all owned by fds of the fixture's MAIN process (the child worker
// inherits none: everything is close-on-exec and the child is spawned before any socket exists).
//
// Socket-count rules — TCP sockets (IPv4 only; civetweb here has no IPv6) referenced by the main process's fds,
// per kernel state, as /proc/net/tcp + /proc/PID/fd inodes or `ss -tanp` show them:
//   LISTEN       = 2, always: civetweb's listener on --port, and this class's helper listener on 127.0.0.1:0
//                  (opened at start; its port is "helper_listen_port" in the state).
//   ESTABLISHED  = 2 * established_pairs   (a pair = connect() to the helper listener + accept(); both ends held,
//                                           so each pair is two ESTABLISHED sockets of this process)
//                + open WebSocket connections (server side; each held until the client leaves)
//                + HTTP requests being served right now (keep-alive is off: a connection's server end is closed
//                  as soon as its response is sent; that end then sits in TIME_WAIT, owned by no fd).
//   CLOSE_WAIT   = close_wait              (connect() + accept(), then the CLIENT end is closed: the accepted end
//                                           gets the FIN and stays in CLOSE_WAIT as long as the fixture holds it;
//                                           the closed client end is an orphan in FIN_WAIT2 owned by no fd, gone
//                                           after net.ipv4.tcp_fin_timeout, 60 s by default)
//                + transiently, a client that hung up on a request still being delayed/hung.
//   other states = 0 owned by fds (TIME_WAIT and FIN_WAIT2 sockets left by the fixture have no fd).
// GET /__fixture/state returns these expectations as "expected_tcp" (not counting the state request itself).
class SocketHog {
 public:
  // Opens the helper listener. Throws std::runtime_error when it cannot.
  SocketHog();

  // Each returns "" on success or the reason it stopped (what was added before the failure stays).
  std::string add_established_pairs(int pairs);
  std::string add_close_wait(int count);

  int helper_listen_port() const { return helper_port_; }
  int established_pairs() const;
  int close_wait() const;

 private:
  // connect() to the helper listener and accept(): {client end, accepted end}, or the error.
  std::optional<std::pair<UniqueFd, UniqueFd>> connected_pair(std::string& error);

  mutable std::mutex mutex_;
  UniqueFd listener_;
  int helper_port_ = 0;
  std::vector<std::pair<UniqueFd, UniqueFd>> established_;
  std::vector<UniqueFd> close_wait_;
};

}  // namespace openclaw::fixture
