#include "gateway_behaviour.hpp"

#include <nlohmann/json.hpp>

namespace openclaw::fixture {

GatewayBehaviour::GatewayBehaviour(std::chrono::milliseconds ready_after, std::chrono::milliseconds delay)
    : ready_after_(ready_after), started_at_(Clock::now()), delay_(delay) {}

void GatewayBehaviour::set_delay(std::chrono::milliseconds delay) {
  {
    const std::lock_guard lock(mutex_);
    delay_ = delay;
  }
  changed_.notify_all();
}

std::chrono::milliseconds GatewayBehaviour::delay() const {
  const std::lock_guard lock(mutex_);
  return delay_;
}

void GatewayBehaviour::set_hung(bool hung) {
  {
    const std::lock_guard lock(mutex_);
    hung_ = hung;
  }
  changed_.notify_all();
}

bool GatewayBehaviour::hung() const {
  const std::lock_guard lock(mutex_);
  return hung_;
}

void GatewayBehaviour::set_ready_override(std::optional<bool> ready) {
  const std::lock_guard lock(mutex_);
  ready_override_ = ready;
}

void GatewayBehaviour::set_event_loop(const EventLoop& event_loop) {
  const std::lock_guard lock(mutex_);
  event_loop_ = event_loop;
}

bool GatewayBehaviour::wait_to_answer(Clock::time_point arrived) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopping_) return false;
    if (hung_) {
      changed_.wait(lock);
      continue;
    }
    const auto due = arrived + delay_;
    if (Clock::now() >= due) return true;
    changed_.wait_until(lock, due);
  }
}

void GatewayBehaviour::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

void GatewayBehaviour::resume() {
  const std::lock_guard lock(mutex_);
  stopping_ = false;
  draining_ = false;
}

void GatewayBehaviour::set_draining() {
  const std::lock_guard lock(mutex_);
  draining_ = true;
}

bool GatewayBehaviour::draining() const {
  const std::lock_guard lock(mutex_);
  return draining_;
}

void GatewayBehaviour::restart_clock() {
  const std::lock_guard lock(mutex_);
  started_at_ = Clock::now();
}

std::chrono::milliseconds GatewayBehaviour::uptime() const {
  const std::lock_guard lock(mutex_);
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_at_);
}

bool GatewayBehaviour::started() const { return uptime() >= ready_after_; }

GatewayBehaviour::Readiness GatewayBehaviour::readiness() const {
  const bool timer_done = started();
  const std::lock_guard lock(mutex_);
  if (draining_) return Readiness{false, {"gateway-draining"}};
  if (ready_override_) {
    return *ready_override_ ? Readiness{true, {}} : Readiness{false, {"fixture"}};
  }
  return timer_done ? Readiness{true, {}} : Readiness{false, {"startup"}};
}

nlohmann::json GatewayBehaviour::event_loop_json() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> reasons;
  if (event_loop_.delay_p99_ms > 200) reasons.emplace_back("event_loop_delay");
  if (event_loop_.utilization > 0.9) reasons.emplace_back("event_loop_utilization");
  const bool degraded = event_loop_.degraded.value_or(!reasons.empty());
  nlohmann::json json = {{"degraded", degraded},
                         {"delayP99Ms", event_loop_.delay_p99_ms},
                         {"utilization", event_loop_.utilization},
                         {"cpuCoreRatio", event_loop_.cpu_core_ratio},
                         {"cpuBreakdown", nlohmann::json::object()}};
  if (degraded) json["reasons"] = reasons;
  return json;
}

}  // namespace openclaw::fixture
