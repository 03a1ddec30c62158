#pragma once

#include <atomic>
#include <chrono>
#include <thread>

namespace openclaw::testing {

// A slowloris attack on 127.0.0.1:port: `count` connections kept open, each sending a request line and then one byte
// of a header that never ends every `interval` (phases spread over the interval). A connection the server answers
// or closes is opened again at once, so `count` stay open (or in the server's listen queue) for the whole run.
// Raises RLIMIT_NOFILE to its hard limit if `count` needs it. Stops (closing every connection) when destroyed.
class SlowClients {
 public:
  SlowClients(int port, int count, std::chrono::milliseconds interval);
  ~SlowClients();
  SlowClients(const SlowClients&) = delete;
  SlowClients& operator=(const SlowClients&) = delete;
  SlowClients(SlowClients&&) = delete;
  SlowClients& operator=(SlowClients&&) = delete;

  // Connections whose TCP handshake has completed and that the server has not closed.
  int connected() const { return connected_.load(); }
  // Connections the server answered or closed (each was opened again).
  long dropped() const { return dropped_.load(); }

 private:
  void run(int port, int count, std::chrono::milliseconds interval);
  std::atomic<bool> stop_{false};
  std::atomic<int> connected_{0};
  std::atomic<long> dropped_{0};
  std::thread thread_;
};

}  // namespace openclaw::testing
