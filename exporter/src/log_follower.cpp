#include "log_follower.hpp"

#include <ctime>
#include <exception>

namespace openclaw::exporter {

std::string local_date_today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[16];
  const std::size_t size = std::strftime(text, sizeof(text), "%Y-%m-%d", &local);
  return std::string(text, size);
}

LogFollower::LogFollower(LogTail::Options options, LogTail::Callbacks callbacks, std::chrono::milliseconds interval,
                         Today today)
    : tail_(std::move(options), std::move(callbacks)), interval_(interval), today_(std::move(today)) {
  status_ = tail_.poll(today_());
  file_present_ = tail_.following();
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

LogFollower::~LogFollower() {
  thread_.request_stop();
  wake_.notify_all();
}

Status LogFollower::last_status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

bool LogFollower::file_present() const {
  std::lock_guard lock(mutex_);
  return file_present_;
}

void LogFollower::run(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, stop, interval_, [] { return false; });
    if (stop.stop_requested()) return;
    lock.unlock();
    Status status = Ok{};
    try {
      status = tail_.poll(today_());     // unlocked: a slow read must not hold up a scrape
    } catch (const std::exception& e) {  // e.g. bad_alloc in a callback: a failed poll, never a dead process
      status = Status::failure(std::string("unexpected error: ") + e.what());
    }
    const bool present = tail_.following();
    lock.lock();
    status_ = std::move(status);
    file_present_ = present;
  }
}

}  // namespace openclaw::exporter
