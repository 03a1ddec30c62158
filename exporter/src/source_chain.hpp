#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "source.hpp"

namespace openclaw::exporter {

// Runs, for one gateway, the sources that may block (a /proc read of a process in D state, a hung sd-bus call) in
// order on one long-lived thread, so that a scrape can stop waiting for a stuck source and answer in time with the
// rest.
//
// Why one thread per gateway running the whole chain, and not a thread per source, per scrape or a pool: a thread
// stuck in the kernel cannot be cancelled, only abandoned, so abandoned work must not be able to pile up; and each
// hand-off between threads costs wake-ups (~0.1 ms of CPU per source at the real gateway's size, more than the
// source itself). Here a scrape hands over the chain once and is woken once; at most one run of the chain per
// gateway is ever in flight (a source's per-gateway state is thus never touched by two threads), the thread count
// is fixed at the number of gateways, and a stuck source costs exactly one thread until it returns.
//
// A scrape that finds a run in flight which another scrape still waits for joins it and takes its results (two
// scrapes at once get the same, equally fresh sample). A run that every scrape has given up on is stuck: later
// scrapes report the chain failed at once, never queueing behind it, until it returns. The price of one thread for
// the chain: a source stuck past the deadline fails, for that scrape, the sources after it in the chain too (they
// are not run), where a thread per source let them run without what it would have found; and while it stays stuck
// the whole chain fails. In practice the sources after a stuck one had little to go on anyway (no unit state → no
// MainPID → no process to sample).
class SourceChain {
 public:
  using Clock = std::chrono::steady_clock;

  // `sources` outlive the chain.
  explicit SourceChain(std::vector<Source*> sources);
  // Joins the thread: waits for a collect() in progress to return.
  ~SourceChain();
  SourceChain(const SourceChain&) = delete;
  SourceChain& operator=(const SourceChain&) = delete;
  SourceChain(SourceChain&&) = delete;
  SourceChain& operator=(SourceChain&&) = delete;

  struct Step {
    Status status = Ok{};
    MetricSet out;       // what the source emitted (also on failure; the caller decides)
    double seconds = 0;  // how long collect() took, or how long the scrape waited for it
  };
  struct Outcome {
    std::vector<std::optional<Step>> steps;  // one per source, in order; nullopt = did not apply
    GatewayContext context;                  // as the finished sources left it
  };

  // Runs the chain on a copy of `context` (or joins a run in flight) and waits for it until `give_up` at the latest.
  Outcome run(const GatewayContext& context, Clock::time_point give_up);

 private:
  struct Job;
  void work(const std::stop_token& stop);
  void run_job(Job& job);
  Outcome outcome_of(Job& job, bool last_waiter, std::string_view unfinished_reason) const;

  std::vector<Source*> sources_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::shared_ptr<Job> pending_;  // handed to the thread, not yet taken
  std::shared_ptr<Job> current_;  // pending or running
  std::jthread thread_;           // last member: stops and joins before the state it uses goes away
};

}  // namespace openclaw::exporter
