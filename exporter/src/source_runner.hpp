#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "source.hpp"

namespace openclaw::exporter {

// Runs one source's collect() on a thread of its own, so that a scrape can stop waiting for a source that is stuck
// (a /proc read of a process in D state, a hung sd-bus call) and answer in time with the rest.
//
// Why one long-lived thread per source, and not a thread per scrape or a pool: a thread stuck in the kernel cannot
// be cancelled, only abandoned, so abandoned work must not be able to pile up. Here at most one collect() per source
// is ever in flight (a source's own state, e.g. its last PID or its sd-bus connection, is thus never touched by two
// threads), the thread count is fixed at the number of sources, and a stuck source costs exactly one thread until
// it returns. A scrape that finds the source busy waits for it only while the collection in flight is still within
// the deadline of the scrape that started it (two healthy scrapes at once: the second waits milliseconds); once that
// deadline has passed, the source is known stuck and every later scrape reports it failed at once, until it returns.
class SourceRunner {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SourceRunner(Source& source);
  // Joins the thread: waits for a collect() in progress to return.
  ~SourceRunner();
  SourceRunner(const SourceRunner&) = delete;
  SourceRunner& operator=(const SourceRunner&) = delete;
  SourceRunner(SourceRunner&&) = delete;
  SourceRunner& operator=(SourceRunner&&) = delete;

  struct Outcome {
    Status status = Ok{};
    MetricSet out;                          // what the source emitted (also on failure; the caller decides)
    double seconds = 0;                     // how long collect() took, or how long the scrape waited for it
    std::optional<GatewayContext> context;  // the context as the source left it; empty when it did not finish
  };

  // Runs the source's collect() on a copy of `context` and waits for it until `give_up` at the latest.
  Outcome run(const GatewayContext& context, Clock::time_point give_up);

 private:
  struct Job;
  void work(const std::stop_token& stop);

  Source& source_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::shared_ptr<Job> pending_;     // handed to the thread, not yet taken
  bool busy_ = false;                // a job is pending or running
  Clock::time_point busy_give_up_{};  // when the scrape that started the job in flight stopped waiting for it
  std::jthread thread_;               // last member: stops and joins before the state it uses goes away
};

}  // namespace openclaw::exporter
