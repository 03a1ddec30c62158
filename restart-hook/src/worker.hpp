#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <stop_token>
#include <thread>

namespace openclaw::hook {

// What a gateway's worker runs: the rule's action, then verification (and its one retry).
struct RestartJob {
  std::size_t rule = 0;
  std::string trigger;  // the dedupe key of the alert that asked for it, or "pending"
  bool resume = false;  // verify a restart the previous hook process did not finish
};

// One thread per gateway: restarts of a gateway run one after another, never two at once, and the webhook
// handler never waits for them. Between jobs it calls `tick` every `tick_interval` (pending scheduled restarts,
// circuit gauges). Stops (and joins) on destruction.
class Worker {
 public:
  using Execute = std::function<void(const RestartJob&, std::stop_token)>;
  using Tick = std::function<void(std::stop_token)>;

  Worker(Execute execute, Tick tick, std::chrono::milliseconds tick_interval);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  Worker(Worker&&) = delete;
  Worker& operator=(Worker&&) = delete;

  void submit(RestartJob job);
  // True when no job is queued or running.
  bool idle() const;

 private:
  void run(std::stop_token stop);

  Execute execute_;
  Tick tick_;
  std::chrono::milliseconds tick_interval_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<RestartJob> queue_;
  bool busy_ = false;
  std::jthread thread_;  // last: starts after everything it uses exists
};

}  // namespace openclaw::hook
