#include "time_window.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace openclaw::hook {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

long long read_be(std::string_view data, std::size_t offset, std::size_t width) {
  unsigned long long value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value = (value << 8U) | static_cast<unsigned char>(data[offset + i]);
  }
  if (width == 4) return static_cast<int>(static_cast<unsigned int>(value));  // sign-extend 32-bit fields
  return static_cast<long long>(value);
}

struct TzifCounts {
  std::size_t isut, isstd, leap, time, type, chars;
};

std::optional<TzifCounts> read_counts(std::string_view data, std::size_t header) {
  if (data.size() < header + 44 || data.substr(header, 4) != "TZif") return std::nullopt;
  auto count = [&](std::size_t i) { return static_cast<std::size_t>(read_be(data, header + 20 + 4 * i, 4)); };
  return TzifCounts{count(0), count(1), count(2), count(3), count(4), count(5)};
}

std::size_t block_size(const TzifCounts& c, std::size_t time_width) {
  return c.time * time_width + c.time + c.type * 6 + c.chars + c.leap * (time_width + 4) + c.isstd + c.isut;
}

constexpr long long kDay = 86400;

long long floor_div(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

}  // namespace

TimeZone TimeZone::utc() {
  TimeZone zone;
  zone.name_ = "UTC";
  return zone;
}

Result<TimeZone> TimeZone::parse(std::string name, std::string_view tzif) {
  auto fail = [&](const char* why) { return Result<TimeZone>::failure(fmt::format("time zone {}: {}", name, why)); };
  const auto v1 = read_counts(tzif, 0);
  if (!v1) return fail("not a TZif file");
  std::size_t header = 0;
  std::size_t width = 4;
  TzifCounts counts = *v1;
  if (tzif[4] >= '2') {  // skip the 32-bit block; the 64-bit one follows with its own header
    header = 44 + block_size(*v1, 4);
    const auto v2 = read_counts(tzif, header);
    if (!v2) return fail("truncated TZif v2 header");
    counts = *v2;
    width = 8;
  }
  const std::size_t data = header + 44;
  if (tzif.size() < data + block_size(counts, width) || counts.type == 0) return fail("truncated TZif data");
  TimeZone zone;
  zone.name_ = std::move(name);
  const std::size_t types_at = data + counts.time * width + counts.time;
  auto type_offset = [&](std::size_t type) {
    return static_cast<int>(read_be(tzif, types_at + type * 6, 4));
  };
  zone.initial_offset_ = type_offset(0);
  for (std::size_t i = 0; i < counts.time; ++i) {
    const auto type = static_cast<std::size_t>(static_cast<unsigned char>(tzif[data + counts.time * width + i]));
    if (type >= counts.type) return fail("transition names an unknown type");
    zone.transitions_.push_back(read_be(tzif, data + i * width, width));
    zone.offsets_.push_back(type_offset(type));
  }
  return zone;
}

Result<TimeZone> TimeZone::load(const std::string& name, const std::string& tzdir) {
  if (name == "UTC" || name == "Etc/UTC") return utc();
  if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') {
    return Result<TimeZone>::failure(fmt::format("time zone \"{}\": expected an IANA name like Europe/Berlin", name));
  }
  std::string dir = tzdir;
  if (dir.empty()) {
    const char* env = std::getenv("TZDIR");
    dir = env != nullptr && *env != '\0' ? env : "/usr/share/zoneinfo";
  }
  std::ifstream in(dir + "/" + name, std::ios::binary);
  if (!in) return Result<TimeZone>::failure(fmt::format("unknown time zone \"{}\" (no {}/{})", name, dir, name));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(name, buffer.str());
}

seconds TimeZone::offset_at(TimePoint utc) const {
  const long long t = std::chrono::duration_cast<seconds>(utc.time_since_epoch()).count();
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  if (it == transitions_.begin()) return seconds{initial_offset_};
  return seconds{offsets_[static_cast<std::size_t>(it - transitions_.begin() - 1)]};
}

bool TimeWindow::contains(TimePoint t) const {
  const long long local = std::chrono::duration_cast<seconds>(t.time_since_epoch() + zone.offset_at(t)).count();
  const minutes of_day{(local - floor_div(local, kDay) * kDay) / 60};
  if (start < end) return of_day >= start && of_day < end;
  return of_day >= start || of_day < end;  // crosses midnight
}

namespace {

// The UTC moments near `t` (the day before to two days after, local time) at which `window` opens.
std::vector<TimePoint> openings_near(const TimeWindow& window, TimePoint t) {
  const long long local =
      std::chrono::duration_cast<seconds>(t.time_since_epoch() + window.zone.offset_at(t)).count();
  const long long day = floor_div(local, kDay);
  std::vector<TimePoint> out;
  for (long long d = day - 1; d <= day + 2; ++d) {
    const long long local_open = d * kDay + std::chrono::duration_cast<seconds>(window.start).count();
    // Local -> UTC: guess with the offset at the local reading, then correct once with the offset there.
    TimePoint guess{seconds{local_open}};
    guess = TimePoint{seconds{local_open}} - window.zone.offset_at(guess);
    out.push_back(TimePoint{seconds{local_open}} - window.zone.offset_at(guess));
  }
  return out;
}

}  // namespace

TimePoint TimeWindow::next_open(TimePoint t) const {
  std::optional<TimePoint> best;
  for (const TimePoint candidate : openings_near(*this, t)) {
    if (candidate > t && (!best || candidate < *best)) best = candidate;
  }
  return *best;
}

TimePoint TimeWindow::last_open(TimePoint t) const {
  std::optional<TimePoint> best;
  for (const TimePoint candidate : openings_near(*this, t)) {
    if (candidate <= t && (!best || candidate > *best)) best = candidate;
  }
  return *best;
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
    if (!best || open > best->open) best = WindowSpan{open, window.length()};
  }
  return best;
}

std::optional<WindowSpan> next_window(const std::vector<TimeWindow>& windows, TimePoint t) {
  std::optional<WindowSpan> best;
  for (const auto& window : windows) {
    const TimePoint open = window.next_open(t);
    if (!best || open < best->open) best = WindowSpan{open, window.length()};
  }
  return best;
}

}  // namespace openclaw::hook
