#pragma once

#include <chrono>
#include <mutex>
#include <vector>

namespace openclaw::fixture {

// The gateway's active work, reduced to what a restart has to respect: units of work ("active tasks", like a cron
// job's run) that each end at a set time. Several may overlap; count() is how many have not ended yet. Thread-safe.
class ActiveWork {
 public:
  using Clock = std::chrono::steady_clock;

  // One unit of work that ends `duration` from now (0: none is added).
  void start(std::chrono::milliseconds duration);
  int count() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Clock::time_point> ends_;
};

}  // namespace openclaw::fixture
