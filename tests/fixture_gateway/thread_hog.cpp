#include "thread_hog.hpp"

#include <condition_variable>
#include <system_error>

namespace openclaw::fixture {

ThreadHog::~ThreadHog() {
  for (auto& thread : threads_) thread.request_stop();
  threads_.clear();  // joins
}

int ThreadHog::add(int count) {
  const std::lock_guard lock(mutex_);
  int started = 0;
  try {
    for (; started < count; ++started) {
      threads_.emplace_back([](std::stop_token stop) {
        std::mutex idle;
        std::condition_variable_any wake;
        std::unique_lock idle_lock(idle);
        wake.wait(idle_lock, stop, [] { return false; });
      });
    }
  } catch (const std::system_error&) {
    // the thread limit: report how many started
  }
  return started;
}

int ThreadHog::count() const {
  const std::lock_guard lock(mutex_);
  return static_cast<int>(threads_.size());
}

}  // namespace openclaw::fixture
