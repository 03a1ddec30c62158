#include "active_work.hpp"

#include <algorithm>

namespace openclaw::fixture {

void ActiveWork::start(std::chrono::milliseconds duration) {
  if (duration.count() <= 0) return;
  const std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  std::erase_if(ends_, [&](Clock::time_point end) { return end <= now; });
  ends_.push_back(now + duration);
}

int ActiveWork::count() const {
  const std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  return static_cast<int>(std::count_if(ends_.begin(), ends_.end(), [&](Clock::time_point end) { return end > now; }));
}

}  // namespace openclaw::fixture
