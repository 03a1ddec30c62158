#include "source_chain.hpp"

#include <exception>
#include <string>

namespace openclaw::exporter {

struct SourceChain::Job {
  Job(const GatewayContext& from, std::size_t sources) : steps(sources) { context.emplace(from); }
  // Guarded by mutex_. Steps [0, completed) are final and `context` is as those sources left it (the thread works
  // on its own copy, so a scrape that gives up can read both while a source still runs).
  std::optional<GatewayContext> context;
  std::vector<std::optional<Step>> steps;
  std::size_t completed = 0;
  Clock::time_point step_started{};
  int waiters = 0;  // scrapes waiting for this run; 0 while it is unfinished = stuck, abandoned
  bool done = false;
};

SourceChain::SourceChain(std::vector<Source*> sources)
    : sources_(std::move(sources)), thread_([this](const std::stop_token& stop) { work(stop); }) {}

SourceChain::~SourceChain() {
  thread_.request_stop();  // wakes the thread's wait; a collect() in progress is waited for by the join
}

SourceChain::Outcome SourceChain::run(const GatewayContext& context, Clock::time_point give_up) {
  std::unique_lock lock(mutex_);
  std::shared_ptr<Job> job = current_;
  if (job && job->waiters == 0 && job->completed < sources_.size()) {
    // Every scrape that waited for this run gave up on it: a source is stuck, and nobody queues behind it.
    Outcome outcome{std::vector<std::optional<Step>>(sources_.size()), context};
    const std::string reason = "the chain is still stuck in source " +
                               std::string(sources_[job->completed]->name()) + " since an earlier scrape gave up on it";
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (sources_[i]->applies(context)) outcome.steps[i] = Step{Status::failure(reason), {}, 0};
    }
    return outcome;
  }
  if (!job || job->waiters == 0) {  // none in flight, or one about to finish that nobody waits for: a new run
    job = std::make_shared<Job>(context, sources_.size());
    current_ = job;
    pending_ = job;
    changed_.notify_all();
  }
  ++job->waiters;
  changed_.wait_until(lock, give_up, [&] { return job->done; });
  --job->waiters;
  return outcome_of(*job, job->waiters == 0, "did not finish before the scrape's deadline");
}

SourceChain::Outcome SourceChain::outcome_of(Job& job, bool last_waiter, std::string_view unfinished_reason) const {
  // The last scrape to leave a run takes what it holds; earlier ones copy (a finished step is never written again).
  Outcome outcome{{}, last_waiter ? std::move(*job.context) : *job.context};
  outcome.steps.resize(sources_.size());
  for (std::size_t i = 0; i < job.completed; ++i) {
    outcome.steps[i] = last_waiter ? std::move(job.steps[i]) : job.steps[i];
  }
  if (job.done || job.completed == sources_.size()) return outcome;  // every step final, `done` about to be set
  const double waited = std::chrono::duration<double>(Clock::now() - job.step_started).count();
  const std::string stuck(sources_[job.completed]->name());
  for (std::size_t i = job.completed; i < sources_.size(); ++i) {
    if (!sources_[i]->applies(outcome.context)) continue;
    outcome.steps[i] = i == job.completed
                           ? Step{Status::failure(std::string(unfinished_reason)), {}, waited}
                           : Step{Status::failure("not run: source " + stuck + " before it did not finish"), {}, 0};
  }
  return outcome;
}

void SourceChain::work(const std::stop_token& stop) {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait(lock, stop, [&] { return pending_ != nullptr; })) return;
      job = std::move(pending_);
    }
    run_job(*job);
    {
      std::lock_guard lock(mutex_);
      job->done = true;
      if (current_ == job) current_.reset();
    }
    changed_.notify_all();
  }
}

void SourceChain::run_job(Job& job) {
  std::optional<GatewayContext> working;
  {
    std::lock_guard lock(mutex_);
    working.emplace(*job.context);
    job.step_started = Clock::now();
  }
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    {
      std::lock_guard lock(mutex_);
      if (job.waiters == 0) return;  // every scrape gave up on this run: the rest would be read by nobody
    }
    Source& source = *sources_[i];
    std::optional<Step> step;
    if (source.applies(*working)) {
      step.emplace();
      const auto started = Clock::now();
      try {
        step->status = source.collect(*working, step->out);
      } catch (const std::exception& e) {
        step->status = Status::failure(std::string("unexpected error: ") + e.what());
      } catch (...) {
        step->status = Status::failure("unexpected error: an exception that is not a std::exception");
      }
      step->seconds = std::chrono::duration<double>(Clock::now() - started).count();
    }
    std::lock_guard lock(mutex_);
    const bool ran = step.has_value();  // a source that did not apply left the context as it was
    job.steps[i] = std::move(step);
    if (i + 1 == sources_.size()) {
      job.context.emplace(std::move(*working));
    } else if (ran) {
      job.context.emplace(*working);
    }
    job.completed = i + 1;
    job.step_started = Clock::now();
  }
}

}  // namespace openclaw::exporter
