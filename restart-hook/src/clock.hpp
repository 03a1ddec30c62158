#pragma once

#include <chrono>

namespace openclaw::hook {

using TimePoint = std::chrono::system_clock::time_point;

// The policy never reads the time itself: it is given `now`, and everything that needs the time asks a Clock,
// so tests drive cooldowns, circuits and windows with a fake clock instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// Milliseconds since the epoch: how times are persisted and written to the audit log.
inline long long to_unix_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_unix_ms(long long ms) { return TimePoint{std::chrono::milliseconds{ms}}; }

}  // namespace openclaw::hook
