#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "log_tail.hpp"

namespace openclaw::exporter {

// Today's local date, YYYY-MM-DD: the gateway names its daily file by its host's local date, so the exporter must
// run in the same time zone (TZ) as the gateway.
std::string local_date_today();

// Runs a LogTail on a background thread, polling every `interval` for the date `today()` returns, so that a scrape
// never waits on the log: it reads what the callbacks have counted so far and the last poll's status.
// The callbacks run on the follower's thread.
class LogFollower {
 public:
  using Today = std::function<std::string()>;

  // Polls once before returning (that first poll finds the end of an existing file: see LogTail), then in the
  // background.
  LogFollower(LogTail::Options options, LogTail::Callbacks callbacks, std::chrono::milliseconds interval,
              Today today = local_date_today);
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;
  LogFollower(LogFollower&&) = delete;
  LogFollower& operator=(LogFollower&&) = delete;

  // The last poll's outcome: a failure names the file or directory and the errno.
  Status last_status() const;
  // Whether the last poll had a log file open (false: none written yet, e.g. the directory does not exist yet).
  bool file_present() const;

 private:
  void run(const std::stop_token& stop);

  LogTail tail_;
  std::chrono::milliseconds interval_;
  Today today_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  Status status_ = Ok{};
  bool file_present_ = false;
  std::jthread thread_;  // last member: stops and joins before the state it uses goes away
};

}  // namespace openclaw::exporter
