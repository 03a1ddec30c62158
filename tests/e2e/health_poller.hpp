#pragma once
// Watches the gateway's /readyz from the outside, as a user would, to measure restart downtime (test-only).
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace openclaw::e2e {

struct HealthSample {
  double at = 0;     // unix seconds when the request started
  bool ok = false;   // 200 within the timeout
};

// Polls `url` every 200 ms with a 1 s timeout. After a timed-out poll it waits 2 s: a hung or slow gateway holds a
// worker per request, and a poller must not be the thing that exhausts them.
class HealthPoller {
 public:
  explicit HealthPoller(std::string url);
  ~HealthPoller();
  HealthPoller(const HealthPoller&) = delete;
  HealthPoller& operator=(const HealthPoller&) = delete;
  HealthPoller(HealthPoller&&) = delete;
  HealthPoller& operator=(HealthPoller&&) = delete;

  std::vector<HealthSample> samples() const;
  // The last healthy sample before `t` (nullopt: none).
  std::optional<double> last_ok_before(double t) const;
  // The first healthy sample after `t` that follows a failed one (nullopt: none yet).
  std::optional<double> first_ok_after_failure(double t) const;
  // The outage that the restart invoked at `t` ended: {start of its first failed sample (which may lie before `t`
  // when the gateway was hung or slow), the first healthy sample after it}. nullopt: not over (or none) yet.
  std::optional<std::pair<double, double>> outage_ended_after(double t) const;

 private:
  std::string url_;
  mutable std::mutex mutex_;
  std::vector<HealthSample> samples_;
  std::jthread thread_;
};

}  // namespace openclaw::e2e
