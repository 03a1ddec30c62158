#include "worker.hpp"

#include <spdlog/spdlog.h>

namespace openclaw::hook {

Worker::Worker(Execute execute, Tick tick, std::chrono::milliseconds tick_interval)
    : execute_(std::move(execute)),
      tick_(std::move(tick)),
      tick_interval_(tick_interval),
      thread_([this](std::stop_token stop) { run(stop); }) {}

Worker::~Worker() {
  thread_.request_stop();
  wake_.notify_all();
}

void Worker::submit(RestartJob job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_all();
}

bool Worker::idle() const {
  std::lock_guard lock(mutex_);
  return queue_.empty() && !busy_;
}

void Worker::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::optional<RestartJob> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, tick_interval_, [this] { return !queue_.empty(); });
      if (stop.stop_requested()) return;
      if (!queue_.empty()) {
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      busy_ = true;
    }
    // A failing job or tick must not end the thread: the next alert still needs a worker.
    try {
      if (job) {
        execute_(*job, stop);
      } else {
        tick_(stop);
      }
    } catch (const std::exception& e) {
      spdlog::error("worker step failed: {}", e.what());
    }
    std::lock_guard lock(mutex_);
    busy_ = false;
  }
}

}  // namespace openclaw::hook
