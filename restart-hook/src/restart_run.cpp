#include "restart_run.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "restart_deadline.hpp"

namespace openclaw::hook {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds since(Steady::time_point t) { return std::chrono::duration_cast<milliseconds>(Steady::now() - t); }

void pause_for_step_unless_stopped(milliseconds d, const std::stop_token& stop) {
  const auto until = Steady::now() + d;
  while (Steady::now() < until && !stop.stop_requested()) {
    std::this_thread::sleep_for(std::min<milliseconds>(d, milliseconds(20)));
  }
}

double seconds(milliseconds ms) { return static_cast<double>(ms.count()) / 1000.0; }

const char* phase_name(const RestartPhaseTracker& t) {
  if (!t.old_gone()) return "old process draining";
  if (!t.started()) return "waiting for the new process";
  return "waiting for health";
}

}  // namespace

RestartOutcome RestartRun::run(const RestartRequest& request, const std::stop_token& stop) {
  RestartOutcome out;
  auto before = units_.status(request.unit);
  if (!before) {
    out.detail = fmt::format("cannot read {} from the user manager: {}", request.unit, before.error());
    return out;
  }
  if (before->main_pid != 0) out.pid_before = before->main_pid;
  out.drain_budget = gateway_drain_budget(before->timeout_stop);
  out.deadline_derived = !request.timeout.has_value();
  out.deadline = request.timeout.value_or(derive_restart_deadline(*before, request.action, request.signal));

  const auto sent = Steady::now();
  RestartPhaseTracker tracker(*before, sent);
  std::optional<JobHandle> job;
  std::string action_text;
  if (request.action == ActionKind::kSignal) {
    if (auto killed = units_.kill_main(request.unit, request.signal); !killed) {
      out.detail = killed.error();
      return out;
    }
    action_text = fmt::format("KillUnit({}, main, {})", request.unit, request.signal);
  } else {
    auto started = units_.start_restart(request.unit);
    if (!started) {
      out.detail = started.error();
      return out;
    }
    job = *started;
    action_text = fmt::format("RestartUnit({}, replace) job {}", request.unit, job->id);
  }

  const milliseconds step = std::clamp(poll_interval_, milliseconds(10), milliseconds(200));
  std::optional<Steady::time_point> next_health;
  const auto finish = [&](bool ok, std::string detail) {
    out.ok = ok;
    out.detail = std::move(detail);
    out.phases = tracker.phases(out.drain_budget);
    if (!out.pid_after) out.pid_after = tracker.pid_after();
    return out;
  };

  for (;;) {
    if (stop.stop_requested()) {
      // Not cancelled: the manager completes the restart by itself; a CancelJob now would leave the gateway stopped.
      if (job && out.job_result.empty()) units_.forget_job(*job);
      out.interrupted = true;
      return finish(false, fmt::format("{}: the hook is stopping ({} after {:.1f} s); the restart is left to the "
                                       "manager",
                                       action_text, phase_name(tracker), seconds(since(sent))));
    }
    if (job && out.job_result.empty()) {
      auto waited = units_.wait_job(*job, step);
      if (!waited) {
        spdlog::warn("{}: {}; following the unit's state instead", action_text, waited.error());
        job.reset();
      } else if (waited->has_value()) {
        out.job_result = **waited;
        if (out.job_result != "done") {
          return finish(false, fmt::format("{} ended with result \"{}\"", action_text, out.job_result));
        }
        tracker.job_done(Steady::now());
      }
    } else {
      pause_for_step_unless_stopped(step, stop);
    }
    if (auto now_status = units_.status(request.unit); now_status) {
      tracker.observe(*now_status, Steady::now());
    } else {
      spdlog::warn("{}: {}", action_text, now_status.error());
    }

    if (tracker.started()) {
      const auto now = Steady::now();
      if (!next_health || now >= *next_health) {
        next_health = now + poll_interval_;
        const auto left = request.verify_timeout - std::chrono::duration_cast<milliseconds>(now - *tracker.started_at());
        if (health_.healthy(request.health_url, std::clamp(left, milliseconds(100), milliseconds(5000)))) {
          tracker.healthy(Steady::now());
          if (auto after = units_.status(request.unit); after && after->main_pid != 0) out.pid_after = after->main_pid;
          return finish(true, fmt::format("{}: new main process healthy", action_text));
        }
      }
      if (Steady::now() - *tracker.started_at() >= request.verify_timeout) {
        return finish(false, fmt::format("{}: the new process did not answer 2xx on {} within verify_timeout ({:.1f} s "
                                         "from its start)",
                                         action_text, request.health_url, seconds(request.verify_timeout)));
      }
    } else if (since(sent) >= out.deadline) {
      std::string what = fmt::format("{}: no new main process within {:.1f} s ({}; {})", action_text,
                                     seconds(out.deadline),
                                     out.deadline_derived ? "derived from the unit's stop and start timeouts"
                                                          : "the rule's timeout",
                                     phase_name(tracker));
      if (job && out.job_result.empty()) {
        if (auto cancelled = units_.cancel_job(*job); !cancelled) {
          what += fmt::format("; CancelJob failed: {}", cancelled.error());
          units_.forget_job(*job);
        } else {
          auto waited = units_.wait_job(*job, milliseconds(2000));
          if (waited && waited->has_value()) {
            out.job_result = **waited;
          } else {
            units_.forget_job(*job);
          }
          what += "; job cancelled: the stop's SIGTERM was already sent, so the old process finishes its drain and "
                  "the unit is then left stopped (not started again)";
        }
      }
      return finish(false, std::move(what));
    }
  }
}

}  // namespace openclaw::hook
