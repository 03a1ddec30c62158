#include "clock_step.hpp"

namespace openclaw::hook {
namespace {

void shift(std::optional<TimePoint>& t, std::chrono::milliseconds by) {
  if (t) *t += by;
}

void latest(std::optional<TimePoint>& out, const std::optional<TimePoint>& t) {
  if (t && (!out || *t > *out)) out = t;
}

}  // namespace

WallClockSteps::Reading WallClockSteps::read(const Clock& clock) {
  const std::chrono::nanoseconds elapsed = clock.elapsed();
  const TimePoint wall = clock.now();
  Reading reading{wall, std::chrono::milliseconds{0}};
  if (last_wall_) {
    const auto expected = *last_wall_ + (elapsed - last_elapsed_);
    const auto step = std::chrono::duration_cast<std::chrono::milliseconds>(wall - expected);
    if (step > tolerance_ || step < -tolerance_) reading.step = step;
  }
  last_wall_ = wall;
  last_elapsed_ = elapsed;
  return reading;
}

void shift_recorded_times(PolicyState& state, std::chrono::milliseconds step) {
  for (auto& [key, expiry] : state.dedupe) expiry += step;
  for (auto& [name, gs] : state.gateways) {
    for (TimePoint& t : gs.restarts) t += step;
    shift(gs.last_restart, step);
    shift(gs.last_success, step);
    shift(gs.last_failure, step);
    shift(gs.circuit_opened_at, step);
    shift(gs.circuit_reset_at, step);
    if (gs.pending) {
      gs.pending->since += step;
      shift(gs.pending->not_before, step);
      shift(gs.pending->busy_seen_at, step);
    }
  }
}

std::chrono::milliseconds rebase_future_records(PolicyState& state, TimePoint now) {
  std::optional<TimePoint> last;  // the latest event (dedupe expiries and not_before are in the future by nature)
  for (const auto& [name, gs] : state.gateways) {
    for (const TimePoint t : gs.restarts) latest(last, t);
    for (const auto& t : {gs.last_restart, gs.last_success, gs.last_failure, gs.circuit_opened_at, gs.circuit_reset_at}) {
      latest(last, t);
    }
    if (gs.pending) {
      latest(last, gs.pending->since);
      latest(last, gs.pending->busy_seen_at);
    }
  }
  if (!last || *last <= now) return std::chrono::milliseconds{0};
  const auto step = std::chrono::floor<std::chrono::milliseconds>(now - *last);  // the latest lands at or before now
  shift_recorded_times(state, step);
  return step;
}

}  // namespace openclaw::hook
