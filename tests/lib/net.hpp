#pragma once

#include <chrono>
#include <functional>

namespace openclaw::testing {

// A TCP port that was free on 127.0.0.1 a moment ago (bind 127.0.0.1:0, read it back, close). Another process can
// take it before you do; prefer letting the server bind port 0 when it can report its port.
int free_tcp_port();

// True when a TCP connect to 127.0.0.1:port succeeds.
bool tcp_port_open(int port);

// Calls pred every `poll` until it returns true (-> true) or `timeout` passes (-> false; pred is tried once more
// at the deadline).
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll = std::chrono::milliseconds(50));

}  // namespace openclaw::testing
