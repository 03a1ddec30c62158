#include "time_window.hpp"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace openclaw::hook {

struct TimeZone::Rules {
  absl::TimeZone zone;
};

namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// IANA names are letters, digits and "/_-+."; no component may be empty, "." or "..": the name stays inside tzdir.
bool plausible_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("/_-+.").find(c) != std::string_view::npos;
  });
  if (!allowed) return false;
  std::size_t begin = 0;
  while (begin <= name.size()) {
    const std::size_t slash = std::min(name.find('/', begin), name.size());
    const std::string_view part(name.data() + begin, slash - begin);
    if (part.empty() || part == "." || part == "..") return false;
    begin = slash + 1;
  }
  return true;
}

bool in_window(const TimeWindow& w, minutes of_day) {
  if (w.start < w.end) return of_day >= w.start && of_day < w.end;
  return of_day >= w.start || of_day < w.end;  // crosses midnight
}

TimePoint to_time_point(absl::Time t) { return absl::ToChronoTime(t); }

// The instants near `t` (from three local days before to two days after) at which `w.contains` turns `opening`
// (true: the window opens, false: it closes), ascending. The clock reading reaches a window's edge either by
// passing it (once, twice in a repeated hour, never in a skipped one) or by jumping over it at a daylight-saving
// change: the candidates are both, and each is kept only when `contains` really changes there. Three days back: a
// change that jumps over a window's close keeps it open into a second day (Antarctica/Troll's 2-hour change: 45 h;
// a skipped day like Pacific/Apia's on 2011-12-30: up to 49 h), and its opening must still be found from its end.
std::vector<TimePoint> edges(const TimeWindow& w, TimePoint t, bool opening) {
  const absl::TimeZone& tz = w.zone.rules().zone;
  const absl::Time at = absl::FromChrono(t);
  const absl::CivilDay day(tz.At(at).cs);
  const minutes edge = opening ? w.start : w.end;
  std::vector<absl::Time> candidates;
  for (int k = -3; k <= 2; ++k) {
    const absl::CivilSecond local(day.year(), day.month(), day.day() + k, static_cast<int>(edge.count() / 60),
                                  static_cast<int>(edge.count() % 60), 0);
    const absl::TimeZone::TimeInfo info = tz.At(local);
    switch (info.kind) {
      case absl::TimeZone::TimeInfo::UNIQUE: candidates.push_back(info.pre); break;
      case absl::TimeZone::TimeInfo::SKIPPED: candidates.push_back(info.trans); break;
      case absl::TimeZone::TimeInfo::REPEATED:
        candidates.push_back(info.pre);
        candidates.push_back(info.post);
        break;
    }
  }
  const absl::Time last = at + absl::Hours(4 * 24);
  absl::Time cursor = at - absl::Hours(4 * 24);
  absl::TimeZone::CivilTransition transition;
  for (int i = 0; i < 16 && tz.NextTransition(cursor, &transition); ++i) {
    const absl::Time instant = tz.At(transition.to).trans;
    if (instant <= cursor || instant > last) break;
    candidates.push_back(instant);
    cursor = instant;
  }
  std::vector<TimePoint> out;
  for (const absl::Time c : candidates) {
    const TimePoint p = to_time_point(c);
    if (w.contains(p) == opening && w.contains(p - seconds{1}) != opening) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// How long the window that opened at `open` stays open: its nominal length unless a daylight-saving change
// falls inside it.
minutes span_length(const TimeWindow& w, TimePoint open) {
  for (const TimePoint close : edges(w, open, false)) {
    if (close > open) return std::chrono::duration_cast<minutes>(close - open);
  }
  return w.length();
}

}  // namespace

TimeZone TimeZone::utc() {
  TimeZone zone;
  zone.name_ = "UTC";
  zone.rules_ = std::make_shared<const Rules>(Rules{absl::UTCTimeZone()});
  return zone;
}

Result<TimeZone> TimeZone::load(const std::string& name, const std::string& tzdir) {
  if (name == "UTC" || name == "Etc/UTC") return utc();
  if (!plausible_zone_name(name)) {
    return Result<TimeZone>::failure(fmt::format("time zone \"{}\": expected an IANA name like Europe/Berlin", name));
  }
  std::string dir = tzdir;
  if (dir.empty()) {
    const char* env = std::getenv("TZDIR");
    dir = env != nullptr && *env != '\0' ? env : "/usr/share/zoneinfo";
  }
  const std::string path = dir + "/" + name;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Result<TimeZone>::failure(fmt::format("unknown time zone \"{}\" (no {})", name, path));
  }
  absl::TimeZone zone;
  // "file:" makes cctz read exactly this path (not $TZDIR's idea of it).
  if (!absl::LoadTimeZone("file:" + path, &zone)) {
    return Result<TimeZone>::failure(fmt::format("time zone \"{}\": {} is not a valid TZif file", name, path));
  }
  TimeZone loaded;
  loaded.name_ = name;
  loaded.rules_ = std::make_shared<const Rules>(Rules{zone});
  return loaded;
}

seconds TimeZone::offset_at(TimePoint utc) const { return seconds{rules_->zone.At(absl::FromChrono(utc)).offset}; }

bool TimeWindow::contains(TimePoint t) const {
  const absl::CivilSecond local = zone.rules().zone.At(absl::FromChrono(t)).cs;
  return in_window(*this, minutes{local.hour() * 60 + local.minute()});
}

TimePoint TimeWindow::next_open(TimePoint t) const {
  for (const TimePoint open : edges(*this, t, true)) {
    if (open > t) return open;
  }
  return t + std::chrono::hours(24);  // unreachable for a window with start != end (config.cpp refuses the rest)
}

TimePoint TimeWindow::last_open(TimePoint t) const {
  const auto opens = edges(*this, t, true);
  for (auto it = opens.rbegin(); it != opens.rend(); ++it) {
    if (*it <= t) return *it;
  }
  return t;  // unreachable for a window with start != end
}

minutes TimeWindow::length() const {
  const minutes day{24 * 60};
  return end > start ? end - start : end - start + day;
}

std::string TimeWindow::describe() const {
  return fmt::format("{:02}:{:02}-{:02}:{:02} {}", start.count() / 60, start.count() % 60, end.count() / 60,
                     end.count() % 60, zone.name());
}

std::optional<minutes> parse_clock_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1; };
  for (std::size_t i : {0U, 1U, 3U, 4U}) {
    if (digit(i) < 0) return std::nullopt;
  }
  const int hours = digit(0) * 10 + digit(1);
  const int mins = digit(3) * 10 + digit(4);
  if (mins > 59 || hours > 24 || (hours == 24 && mins != 0)) return std::nullopt;
  return minutes{hours * 60 + mins};
}

bool in_any_window(const std::vector<TimeWindow>& windows, TimePoint t) {
  return std::any_of(windows.begin(), windows.end(), [&](const TimeWindow& w) { return w.contains(t); });
}

std::optional<TimePoint> next_window_open(const std::vector<TimeWindow>& windows, TimePoint t) {
  std::optional<TimePoint> best;
  for (const auto& window : windows) {
    const TimePoint open = window.next_open(t);
    if (!best || open < *best) best = open;
  }
  return best;
}

std::optional<WindowSpan> current_window(const std::vector<TimeWindow>& windows, TimePoint t) {
  std::optional<WindowSpan> best;
  for (const auto& window : windows) {
    if (!window.contains(t)) continue;
    const TimePoint open = window.last_open(t);
    if (!best || open > best->open) best = WindowSpan{open, span_length(window, open)};
  }
  return best;
}

std::optional<WindowSpan> next_window(const std::vector<TimeWindow>& windows, TimePoint t) {
  std::optional<WindowSpan> best;
  for (const auto& window : windows) {
    const TimePoint open = window.next_open(t);
    if (!best || open < best->open) best = WindowSpan{open, span_length(window, open)};
  }
  return best;
}

}  // namespace openclaw::hook
