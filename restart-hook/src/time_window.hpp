#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock.hpp"
#include "result.hpp"

namespace openclaw::hook {

// A time zone read from a TZif file (GCC 12 has no std::chrono::tzdb). Debian ships "fat" TZif files whose
// transitions run to 2037; after the last transition the last offset holds.
class TimeZone {
 public:
  static TimeZone utc();
  // `name` like "UTC", "Europe/Berlin"; read from `tzdir` (default $TZDIR or /usr/share/zoneinfo).
  static Result<TimeZone> load(const std::string& name, const std::string& tzdir = "");
  // Parses TZif bytes (exposed for tests).
  static Result<TimeZone> parse(std::string name, std::string_view tzif);

  std::chrono::seconds offset_at(TimePoint utc) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<long long> transitions_;  // unix seconds, ascending
  std::vector<int> offsets_;            // offset after transition i
  int initial_offset_ = 0;
};

// A daily window "HH:MM"-"HH:MM" in a time zone; end before start crosses midnight; end is exclusive.
struct TimeWindow {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};
  TimeZone zone = TimeZone::utc();

  bool contains(TimePoint t) const;
  // The first moment strictly after `t` at which the window opens.
  TimePoint next_open(TimePoint t) const;
  // The last moment at or before `t` at which the window opened.
  TimePoint last_open(TimePoint t) const;
  std::chrono::minutes length() const;
  std::string describe() const;
};

// "04:00" -> 240 min; nullopt unless HH:MM with HH 00-23 (or "24:00") and MM 00-59.
std::optional<std::chrono::minutes> parse_clock_time(std::string_view text);

bool in_any_window(const std::vector<TimeWindow>& windows, TimePoint t);
// nullopt when there are no windows.
std::optional<TimePoint> next_window_open(const std::vector<TimeWindow>& windows, TimePoint t);

// One opening of a window: when, and for how long.
struct WindowSpan {
  TimePoint open{};
  std::chrono::minutes length{0};
};
// The window `t` is in (the latest-opened one when windows overlap); nullopt outside every window.
std::optional<WindowSpan> current_window(const std::vector<TimeWindow>& windows, TimePoint t);
// The first window to open strictly after `t`; nullopt when there are no windows.
std::optional<WindowSpan> next_window(const std::vector<TimeWindow>& windows, TimePoint t);

}  // namespace openclaw::hook
