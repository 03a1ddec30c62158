#include "health_poller.hpp"

#include <chrono>

#include "prometheus_client.hpp"
#include "test_support.hpp"

namespace openclaw::e2e {

using namespace std::chrono_literals;

HealthPoller::HealthPoller(std::string url) : url_(std::move(url)) {
  thread_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      const double started = unix_now();
      const auto response = openclaw::testing::http_get(url_, 1s);
      {
        std::lock_guard lock(mutex_);
        samples_.push_back({started, response.status == 200});
      }
      const bool timed_out = response.status == 0 && unix_now() - started >= 0.9;
      const auto pause = timed_out ? 2000ms : 200ms;
      for (auto waited = 0ms; waited < pause && !stop.stop_requested(); waited += 50ms) {
        std::this_thread::sleep_for(50ms);
      }
    }
  });
}

HealthPoller::~HealthPoller() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

std::vector<HealthSample> HealthPoller::samples() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

std::optional<double> HealthPoller::last_ok_before(double t) const {
  std::lock_guard lock(mutex_);
  std::optional<double> found;
  for (const auto& s : samples_) {
    if (s.at < t && s.ok) found = s.at;
  }
  return found;
}

std::optional<double> HealthPoller::first_ok_after_failure(double t) const {
  std::lock_guard lock(mutex_);
  bool failed = false;
  for (const auto& s : samples_) {
    if (s.at < t) {
      failed = !s.ok;
      continue;
    }
    if (!s.ok) failed = true;
    if (s.ok && failed) return s.at;
  }
  return std::nullopt;
}

std::optional<std::pair<double, double>> HealthPoller::outage_ended_after(double t) const {
  const auto healthy_again = first_ok_after_failure(t);
  if (!healthy_again) return std::nullopt;
  std::lock_guard lock(mutex_);
  double lost = *healthy_again;
  for (auto it = samples_.rbegin(); it != samples_.rend(); ++it) {
    if (it->at >= *healthy_again) continue;
    if (it->ok) break;
    lost = it->at;
  }
  return std::make_pair(lost, *healthy_again);
}

}  // namespace openclaw::e2e
