#include "source_runner.hpp"

#include <exception>

namespace openclaw::exporter {

struct SourceRunner::Job {
  explicit Job(const GatewayContext& from) : context(from) {}
  GatewayContext context;  // the thread's own copy: a scrape that gave up may be gone when the source returns
  MetricSet out;
  Status status = Ok{};
  double seconds = 0;
  bool done = false;  // guarded by mutex_; the fields above belong to the thread until it is set
};

SourceRunner::SourceRunner(Source& source)
    : source_(source), thread_([this](const std::stop_token& stop) { work(stop); }) {}

SourceRunner::~SourceRunner() {
  thread_.request_stop();  // wakes the thread's wait; a collect() in progress is waited for by the join
}

SourceRunner::Outcome SourceRunner::run(const GatewayContext& context, Clock::time_point give_up) {
  const auto started = Clock::now();
  const auto waited = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  std::unique_lock lock(mutex_);
  if (busy_) {
    // Wait for a healthy collection in flight (another scrape's), but never past its own scrape's deadline: a
    // collection that overran the scrape that started it is stuck, and nobody queues behind it.
    changed_.wait_until(lock, std::min(give_up, busy_give_up_), [&] { return !busy_; });
    if (busy_) {
      return {Status::failure("still running from an earlier scrape that gave up on it"), {}, waited(), {}};
    }
  }
  auto job = std::make_shared<Job>(context);
  pending_ = job;
  busy_ = true;
  busy_give_up_ = give_up;
  changed_.notify_all();
  if (!changed_.wait_until(lock, give_up, [&] { return job->done; })) {
    return {Status::failure("did not finish before the scrape's deadline"), {}, waited(), {}};
  }
  return {std::move(job->status), std::move(job->out), job->seconds, std::move(job->context)};
}

void SourceRunner::work(const std::stop_token& stop) {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait(lock, stop, [&] { return pending_ != nullptr; })) return;
      job = std::move(pending_);
    }
    const auto started = Clock::now();
    Status status = Ok{};
    try {
      status = source_.collect(job->context, job->out);
    } catch (const std::exception& e) {
      status = Status::failure(std::string("unexpected error: ") + e.what());
    } catch (...) {
      status = Status::failure("unexpected error: an exception that is not a std::exception");
    }
    {
      std::lock_guard lock(mutex_);
      job->status = std::move(status);
      job->seconds = std::chrono::duration<double>(Clock::now() - started).count();
      job->done = true;
      busy_ = false;
    }
    changed_.notify_all();
  }
}

}  // namespace openclaw::exporter
