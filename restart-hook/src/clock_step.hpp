#pragma once

#include <chrono>
#include <optional>

#include "clock.hpp"
#include "policy_state.hpp"

namespace openclaw::hook {

// Wall-clock steps (NTP, an operator's `date -s`, a VM resumed with a stale clock) seen by comparing how far the wall
// clock moved with how far the monotonic clock (CLOCK_BOOTTIME: counts suspend, never steps) moved between two
// readings. Each reading re-anchors, so a slew (at most 500 ppm) never adds up to a step.
class WallClockSteps {
 public:
  // Steps up to `tolerance` are not reported (they shift a cooldown by at most that much).
  explicit WallClockSteps(std::chrono::milliseconds tolerance = kDefaultTolerance) : tolerance_(tolerance) {}

  struct Reading {
    TimePoint wall{};
    std::chrono::milliseconds step{0};  // wall moved this much more than real time since the last reading; 0: none
  };
  Reading read(const Clock& clock);

  static constexpr std::chrono::milliseconds kDefaultTolerance{1000};

 private:
  std::chrono::milliseconds tolerance_;
  std::optional<TimePoint> last_wall_;
  std::chrono::nanoseconds last_elapsed_{0};
};

// After a step of `step`, every recorded time is re-expressed on the new wall clock (t + step): cooldown, circuit
// window, dedupe ttl, notice lead and busy time then measure the real time elapsed since what they count from.
void shift_recorded_times(PolicyState& state, std::chrono::milliseconds step);

// At start (a step while no hook ran cannot be measured): when a recorded event is later than `now`, the clock went
// back while the hook was down by at least that much, and every recorded time is shifted back so that the latest event
// happened at `now` (its cooldown holds from now; every restart still counts in the circuit window; the order of
// restarts, circuit opening and reset is kept). Returns the shift (zero or negative). Pure.
std::chrono::milliseconds rebase_future_records(PolicyState& state, TimePoint now);

}  // namespace openclaw::hook
