#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock.hpp"
#include "result.hpp"

namespace openclaw::hook {

// An IANA time zone, read by Abseil's cctz (GCC 12 has no std::chrono::tzdb): the TZif transitions and, after the
// last one, the POSIX footer — which is all a "slim" file (zic's default since 2020b) has for recent years.
class TimeZone {
 public:
  static TimeZone utc();
  // `name` like "UTC", "Europe/Berlin"; read from `tzdir` (default $TZDIR or /usr/share/zoneinfo). A zone is read
  // once per process: a tzdata update applies at the hook's next start.
  static Result<TimeZone> load(const std::string& name, const std::string& tzdir = "");

  std::chrono::seconds offset_at(TimePoint utc) const;
  const std::string& name() const { return name_; }

  struct Rules;  // the loaded zone (time_window.cpp)
  const Rules& rules() const { return *rules_; }

 private:
  std::string name_;
  std::shared_ptr<const Rules> rules_;
};

// A daily window "HH:MM"-"HH:MM" of local (wall clock) time in a zone; end before start crosses midnight; end is
// exclusive. An instant is in the window when the zone's clock then reads a time of day inside it, so around a
// daylight-saving change a window can be shorter (part of it skipped), longer (part of it repeated), open at the
// change itself (the clock jumps into it), open twice (it lies inside the repeated hour) or not at all that day (it
// lies inside the skipped hour).
struct TimeWindow {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};
  TimeZone zone = TimeZone::utc();

  bool contains(TimePoint t) const;
  // The first moment strictly after `t` at which the window opens.
  TimePoint next_open(TimePoint t) const;
  // The last moment at or before `t` at which the window opened.
  TimePoint last_open(TimePoint t) const;
  // The nominal length (end - start); one opening may differ around a daylight-saving change (WindowSpan).
  std::chrono::minutes length() const;
  std::string describe() const;
};

// "04:00" -> 240 min; nullopt unless HH:MM with HH 00-23 (or "24:00") and MM 00-59.
std::optional<std::chrono::minutes> parse_clock_time(std::string_view text);

bool in_any_window(const std::vector<TimeWindow>& windows, TimePoint t);
// nullopt when there are no windows.
std::optional<TimePoint> next_window_open(const std::vector<TimeWindow>& windows, TimePoint t);

// One opening of a window: when, and for how long it stays open that time (real time: 30 min for a 02:30-03:30
// window on the day 02:00-03:00 is skipped).
struct WindowSpan {
  TimePoint open{};
  std::chrono::minutes length{0};
};
// The window `t` is in (the latest-opened one when windows overlap); nullopt outside every window.
std::optional<WindowSpan> current_window(const std::vector<TimeWindow>& windows, TimePoint t);
// The first window to open strictly after `t`; nullopt when there are no windows.
std::optional<WindowSpan> next_window(const std::vector<TimeWindow>& windows, TimePoint t);

}  // namespace openclaw::hook
