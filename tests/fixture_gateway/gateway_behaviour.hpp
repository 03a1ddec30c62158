#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace openclaw::fixture {

// How the imitated gateway answers: start-up timer, readiness, event-loop figures, response delay and hang.
// Thread-safe; handler threads block in wait_to_answer() while the gateway is delayed or hung.
class GatewayBehaviour {
 public:
  using Clock = std::chrono::steady_clock;

  struct EventLoop {
    double delay_p99_ms = 11.5;
    double utilization = 0.04;
    double cpu_core_ratio = 0.02;
    std::optional<bool> degraded;  // unset: degraded when delay_p99_ms > 200 or utilization > 0.9
  };
  struct Readiness {
    bool ready;
    std::vector<std::string> failing;
  };

  GatewayBehaviour(std::chrono::milliseconds ready_after, std::chrono::milliseconds delay);

  void set_delay(std::chrono::milliseconds delay);
  std::chrono::milliseconds delay() const;
  void set_hung(bool hung);
  bool hung() const;
  // Unset: ready once the start-up timer ran out. Set: that value, whatever the timer says.
  void set_ready_override(std::optional<bool> ready);
  void set_event_loop(const EventLoop& event_loop);

  // Blocks until `delay` has passed since `arrived` and the gateway is not hung. False when stopping (answer
  // nothing then).
  bool wait_to_answer(Clock::time_point arrived);
  // Stopping releases every waiting handler (shutdown, in-process restart); resume() ends that.
  void stop();
  void resume();
  // The in-process restart: uptime and the start-up timer start again.
  void restart_clock();
  // Admission closed for a drain (SIGTERM, or a restart after its deferral): /readyz 503 "gateway-draining",
  // /startupz 503 "draining", WebSocket upgrades 503, /healthz unchanged. resume() opens admission again.
  void set_draining();
  bool draining() const;

  std::chrono::milliseconds uptime() const;
  bool started() const;  // the start-up timer ran out
  Readiness readiness() const;
  nlohmann::json event_loop_json() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  const std::chrono::milliseconds ready_after_;
  Clock::time_point started_at_;
  std::chrono::milliseconds delay_;
  bool hung_ = false;
  bool stopping_ = false;
  bool draining_ = false;
  std::optional<bool> ready_override_;
  EventLoop event_loop_;
};

}  // namespace openclaw::fixture
