#pragma once

#include <time.h>

#include <chrono>

namespace openclaw::hook {

using TimePoint = std::chrono::system_clock::time_point;

// The policy never reads the time itself: it is given `now`, and everything that needs the time asks a Clock,
// so tests drive cooldowns, circuits and windows with a fake clock instead of sleeping.
//
// Two readings: the wall clock (`now`: windows, records, what state.json and the audit log hold) and a monotonic
// one (`elapsed`: never steps). The engine compares them to see wall-clock steps (clock_step.hpp), so that a step
// cannot shorten a cooldown or drop a restart from the circuit window.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Time since an arbitrary fixed origin, advancing at the rate of real time, including while the machine sleeps.
  virtual std::chrono::nanoseconds elapsed() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  // CLOCK_BOOTTIME, not steady_clock (CLOCK_MONOTONIC): a suspended host's cooldowns still count the suspension.
  std::chrono::nanoseconds elapsed() const override {
    timespec ts{};
    ::clock_gettime(CLOCK_BOOTTIME, &ts);
    return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
  }
};

// Milliseconds since the epoch: how times are persisted and written to the audit log.
inline long long to_unix_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_unix_ms(long long ms) { return TimePoint{std::chrono::milliseconds{ms}}; }

}  // namespace openclaw::hook
