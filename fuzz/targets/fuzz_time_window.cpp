// Low-traffic windows (restart-hook/src/time_window.cpp): the zone name and the "HH:MM" strings as the config gives
// them, and the window arithmetic the policy runs on them at any instant (1970-2100) in real zones, including
// those with odd daylight-saving rules. The zone files themselves are read by Abseil (cctz), not by us.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "time_window.hpp"

using namespace openclaw::hook;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

// Zones whose rules stress the window code: 30-minute DST (Lord_Howe), a 2-hour DST (Troll), negative DST
// (Dublin, Casablanca), 45-minute offsets (Chatham, Kathmandu), DST at midnight (Havana, Santiago), none (UTC).
constexpr std::array kZones = {"UTC",           "Europe/Berlin",     "America/New_York", "Australia/Lord_Howe",
                               "Antarctica/Troll", "Europe/Dublin",  "Africa/Casablanca", "Pacific/Chatham",
                               "Asia/Kathmandu", "America/Havana",  "America/Santiago", "America/St_Johns"};

std::optional<TimeZone> zone(FuzzedDataProvider& in) {
  if (in.ConsumeBool()) {
    // A name as a config could spell it: must be refused or loaded, never escape tzdir (checked by load itself).
    auto loaded = TimeZone::load(in.ConsumeRandomLengthString(48));
    if (!loaded) return std::nullopt;
    return std::move(loaded).value();
  }
  auto loaded = TimeZone::load(kZones[in.ConsumeIntegralInRange<std::size_t>(0, kZones.size() - 1)]);
  if (!loaded) return TimeZone::utc();  // a machine without that zone
  return std::move(loaded).value();
}

// As config.cpp reads a window: start 00:00-23:59, end 00:01-24:00, not equal.
std::optional<TimeWindow> window(FuzzedDataProvider& in) {
  TimeWindow w;
  const auto start = parse_clock_time(in.ConsumeBytesAsString(5));
  const auto end = parse_clock_time(in.ConsumeBytesAsString(5));
  w.start = start && *start < minutes{24 * 60} ? *start : minutes{in.ConsumeIntegralInRange(0, 24 * 60 - 1)};
  w.end = end ? *end : minutes{in.ConsumeIntegralInRange(1, 24 * 60)};
  if (w.start == w.end) return std::nullopt;
  auto z = zone(in);
  if (!z) return std::nullopt;
  w.zone = *z;
  return w;
}

// One opening lasts at most a day plus the largest daylight-saving shift, or two days when the change skips the
// window's close: 02:39-01:54 in Antarctica/Troll (+2 h at 01:00 UTC) on 2087-03-30 never reaches 01:54, so the
// opening of the 29th lasts until the 31st's 01:54, 45 h (found by this target: the first bound, 27 h, was wrong).
constexpr auto kLongestOpening = hours{49};

long long unix_s(TimePoint t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

}  // namespace

// Names the property that failed and the instant, for the report.
#define CHECK(condition)                                                                                    \
  do {                                                                                                      \
    if (!(condition)) {                                                                                     \
      std::fprintf(stderr, "fuzz_time_window: %s failed at t=%lld\n", #condition, unix_s(t));               \
      for (const auto& w : windows) std::fprintf(stderr, "  window %s\n", w.describe().c_str());           \
      std::abort();                                                                                         \
    }                                                                                                       \
  } while (false)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  std::vector<TimeWindow> windows;
  const int count = in.ConsumeIntegralInRange(1, 3);
  for (int i = 0; i < count; ++i) {
    if (auto w = window(in)) windows.push_back(std::move(*w));
  }
  if (windows.empty()) return 0;
  const TimePoint t{std::chrono::milliseconds{in.ConsumeIntegralInRange<std::int64_t>(0, 4'102'444'800'000)}};

  for (const TimeWindow& w : windows) {
    (void)w.describe();
    CHECK(w.length() > minutes{0} && w.length() <= hours{24});
    const TimePoint open = w.next_open(t);
    CHECK(open > t && open - t <= hours{72});
    CHECK(w.contains(open));
    if (w.contains(t)) {
      const TimePoint last = w.last_open(t);
      CHECK(last <= t && t - last <= kLongestOpening);
      CHECK(w.contains(last));
    }
  }
  const auto current = current_window(windows, t);
  CHECK(current.has_value() == in_any_window(windows, t));
  if (current) CHECK(current->open <= t && current->length > minutes{0} && current->length <= kLongestOpening);
  const auto next = next_window(windows, t);
  CHECK(next.has_value() && next->open > t && next->length > minutes{0} && next->length <= kLongestOpening);
  CHECK(next_window_open(windows, t) == next->open);
  return 0;
}
