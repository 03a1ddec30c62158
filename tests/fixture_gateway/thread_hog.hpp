#pragma once

#include <mutex>
#include <thread>
#include <vector>

namespace openclaw::fixture {

// Extra idle threads of the main process (they sleep until the fixture stops).
class ThreadHog {
 public:
  ThreadHog() = default;
  ~ThreadHog();
  ThreadHog(const ThreadHog&) = delete;
  ThreadHog& operator=(const ThreadHog&) = delete;
  ThreadHog(ThreadHog&&) = delete;
  ThreadHog& operator=(ThreadHog&&) = delete;

  // Starts `count` more; returns how many started.
  int add(int count);
  int count() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::jthread> threads_;
};

}  // namespace openclaw::fixture
