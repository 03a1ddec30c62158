#include "time_window.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hook_test_util.hpp"
#include "paths.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
using testing::utc;

TimeWindow window(const std::string& start, const std::string& end, const std::string& zone = "UTC",
                  const std::string& tzdir = "") {
  TimeWindow w;
  w.start = *parse_clock_time(start);
  w.end = *parse_clock_time(end);
  w.zone = TimeZone::load(zone, tzdir).value();
  return w;
}

// tests/restart_hook/fixtures/zoneinfo: Test/Slim, compiled by `zic -b slim` from slim.zi next to it.
std::string fixture_zoneinfo() { return openclaw::testing::source_dir() + "/tests/restart_hook/fixtures/zoneinfo"; }

TEST(ClockTime, ParsesHoursAndMinutes) {
  EXPECT_EQ(parse_clock_time("04:30"), 270min);
  EXPECT_EQ(parse_clock_time("24:00"), 1440min);
  EXPECT_FALSE(parse_clock_time("4:30").has_value());
  EXPECT_FALSE(parse_clock_time("24:01").has_value());
  EXPECT_FALSE(parse_clock_time("12:60").has_value());
  EXPECT_FALSE(parse_clock_time("ab:cd").has_value());
}

TEST(TimeWindow, ContainsStartButNotEnd) {
  const TimeWindow w = window("04:00", "04:30");
  EXPECT_FALSE(w.contains(utc("2026-03-10T03:59:59Z")));
  EXPECT_TRUE(w.contains(utc("2026-03-10T04:00:00Z")));
  EXPECT_TRUE(w.contains(utc("2026-03-10T04:29:59Z")));
  EXPECT_FALSE(w.contains(utc("2026-03-10T04:30:00Z")));
}

TEST(TimeWindow, CrossesMidnight) {
  const TimeWindow w = window("23:30", "00:30");
  EXPECT_FALSE(w.contains(utc("2026-03-10T23:29:59Z")));
  EXPECT_TRUE(w.contains(utc("2026-03-10T23:45:00Z")));
  EXPECT_TRUE(w.contains(utc("2026-03-11T00:15:00Z")));
  EXPECT_FALSE(w.contains(utc("2026-03-11T00:30:00Z")));
  EXPECT_EQ(w.next_open(utc("2026-03-11T00:15:00Z")), utc("2026-03-11T23:30:00Z"));
  EXPECT_EQ(w.next_open(utc("2026-12-31T23:40:00Z")), utc("2027-01-01T23:30:00Z"));
}

TEST(TimeWindow, NextOpenIsStrictlyLater) {
  const TimeWindow w = window("04:00", "04:30");
  EXPECT_EQ(w.next_open(utc("2026-03-10T03:00:00Z")), utc("2026-03-10T04:00:00Z"));
  EXPECT_EQ(w.next_open(utc("2026-03-10T04:00:00Z")), utc("2026-03-11T04:00:00Z"));
}

TEST(TimeWindow, FollowsTheZonesDaylightSavingTime) {
  const TimeWindow berlin = window("04:00", "04:30", "Europe/Berlin");
  // CET (+1) in winter, CEST (+2) after 2026-03-29.
  EXPECT_TRUE(berlin.contains(utc("2026-01-15T03:10:00Z")));
  EXPECT_FALSE(berlin.contains(utc("2026-01-15T04:10:00Z")));
  EXPECT_TRUE(berlin.contains(utc("2026-07-15T02:10:00Z")));
  EXPECT_EQ(berlin.next_open(utc("2026-03-28T12:00:00Z")), utc("2026-03-29T02:00:00Z"));  // the switch day
  EXPECT_EQ(berlin.next_open(utc("2026-03-27T12:00:00Z")), utc("2026-03-28T03:00:00Z"));
}

TEST(TimeWindow, ZoneBehindUtcAcrossMidnight) {
  // 22:00-02:00 New York (EST, -5) is 03:00-07:00 UTC in winter.
  const TimeWindow w = window("22:00", "02:00", "America/New_York");
  EXPECT_TRUE(w.contains(utc("2026-01-15T03:00:00Z")));
  EXPECT_TRUE(w.contains(utc("2026-01-15T06:59:00Z")));
  EXPECT_FALSE(w.contains(utc("2026-01-15T07:00:00Z")));
  EXPECT_EQ(w.next_open(utc("2026-01-15T08:00:00Z")), utc("2026-01-16T03:00:00Z"));
}

TEST(TimeWindow, EarliestOfSeveralWindows) {
  const std::vector<TimeWindow> windows = {window("04:00", "04:30"), window("12:00", "12:30"), window("20:00", "20:30")};
  EXPECT_TRUE(in_any_window(windows, utc("2026-03-10T20:10:00Z")));
  EXPECT_FALSE(in_any_window(windows, utc("2026-03-10T13:00:00Z")));
  EXPECT_EQ(next_window_open(windows, utc("2026-03-10T13:00:00Z")), utc("2026-03-10T20:00:00Z"));
  EXPECT_EQ(next_window_open(windows, utc("2026-03-10T21:00:00Z")), utc("2026-03-11T04:00:00Z"));
  EXPECT_FALSE(next_window_open({}, utc("2026-03-10T21:00:00Z")).has_value());
}

TEST(TimeWindow, TheWindowANowIsInAndTheNextOneWithTheirLengths) {
  const std::vector<TimeWindow> windows = {window("04:00", "04:30"), window("23:00", "01:00")};
  const auto in_late = current_window(windows, utc("2026-03-11T00:20:00Z"));  // opened the day before
  ASSERT_TRUE(in_late.has_value());
  EXPECT_EQ(in_late->open, utc("2026-03-10T23:00:00Z"));
  EXPECT_EQ(in_late->length, std::chrono::minutes(120));
  const auto at_open = current_window(windows, utc("2026-03-11T04:00:00Z"));
  ASSERT_TRUE(at_open.has_value());
  EXPECT_EQ(at_open->open, utc("2026-03-11T04:00:00Z"));
  EXPECT_EQ(at_open->length, std::chrono::minutes(30));
  EXPECT_FALSE(current_window(windows, utc("2026-03-11T04:30:00Z")).has_value());
  const auto next = next_window(windows, utc("2026-03-11T04:30:00Z"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->open, utc("2026-03-11T23:00:00Z"));
  EXPECT_EQ(next->length, std::chrono::minutes(120));
  EXPECT_EQ(window("22:00", "02:00", "America/New_York").last_open(utc("2026-01-15T06:59:00Z")),
            utc("2026-01-15T03:00:00Z"));
  EXPECT_FALSE(next_window({}, utc("2026-03-11T04:30:00Z")).has_value());
}

TEST(TimeZone, RejectsUnknownAndHostileNames) {
  EXPECT_FALSE(TimeZone::load("Mars/Olympus").ok());
  EXPECT_FALSE(TimeZone::load("../../etc/passwd").ok());
  EXPECT_FALSE(TimeZone::load("/etc/passwd").ok());
}

}  // namespace
}  // namespace openclaw::hook

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
using testing::utc;

// Europe/Berlin 2026-03-29: at 01:00 UTC the clocks go from 02:00 CET to 03:00 CEST; 02:00-03:00 does not happen.
TEST(TimeWindowDst, AWindowInsideTheSkippedHourDoesNotOpenThatDay) {
  const TimeWindow w = window("02:00", "03:00", "Europe/Berlin");
  for (TimePoint t = utc("2026-03-28T23:00:00Z"); t < utc("2026-03-30T00:00:00Z"); t += 1min) {
    ASSERT_FALSE(w.contains(t)) << to_unix_ms(t);
  }
  EXPECT_TRUE(w.contains(utc("2026-03-28T01:00:00Z")));  // the day before: 02:00 CET
  EXPECT_TRUE(w.contains(utc("2026-03-30T00:00:00Z")));  // the day after: 02:00 CEST
  EXPECT_EQ(w.next_open(utc("2026-03-28T12:00:00Z")), utc("2026-03-30T00:00:00Z"));
  EXPECT_FALSE(current_window({w}, utc("2026-03-29T01:30:00Z")).has_value());
  const auto next = next_window({w}, utc("2026-03-28T12:00:00Z"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->open, utc("2026-03-30T00:00:00Z"));
  EXPECT_EQ(next->length, 60min);
}

TEST(TimeWindowDst, AWindowStartingInTheSkippedHourOpensWhenTheClockJumps) {
  const TimeWindow w = window("02:30", "03:30", "Europe/Berlin");
  EXPECT_FALSE(w.contains(utc("2026-03-29T00:59:59Z")));  // 01:59:59 CET
  EXPECT_TRUE(w.contains(utc("2026-03-29T01:00:00Z")));   // 03:00 CEST
  EXPECT_FALSE(w.contains(utc("2026-03-29T01:30:00Z")));  // 03:30 CEST
  EXPECT_EQ(w.next_open(utc("2026-03-28T12:00:00Z")), utc("2026-03-29T01:00:00Z"));
  EXPECT_EQ(w.last_open(utc("2026-03-29T01:10:00Z")), utc("2026-03-29T01:00:00Z"));
  const auto now_in = current_window({w}, utc("2026-03-29T01:10:00Z"));
  ASSERT_TRUE(now_in.has_value());
  EXPECT_EQ(now_in->open, utc("2026-03-29T01:00:00Z"));
  EXPECT_EQ(now_in->length, 30min);  // that day it lasts from 03:00 to 03:30 CEST
}

TEST(TimeWindowDst, AWindowEndingInTheSkippedHourClosesWhenTheClockJumps) {
  const TimeWindow w = window("01:30", "02:30", "Europe/Berlin");
  EXPECT_TRUE(w.contains(utc("2026-03-29T00:59:59Z")));  // 01:59:59 CET
  EXPECT_FALSE(w.contains(utc("2026-03-29T01:00:00Z")));  // 03:00 CEST
  const auto span = next_window({w}, utc("2026-03-28T12:00:00Z"));
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->open, utc("2026-03-29T00:30:00Z"));
  EXPECT_EQ(span->length, 30min);
}

// Antarctica/Troll 2087-03-30: at 01:00 UTC the clocks go from 01:00 +00 to 03:00 +02, over the window's close
// (01:54) but not out of it (03:00 is after its start): the opening of 03-29 02:39 lasts until 03-31 01:54 +02, 45 h.
// Found by fuzz_time_window (fuzz/corpus/fuzz_time_window/regression-troll-second-day): late in that opening the
// search for its start looked back one local day only, found none, and took "now" for the opening, 5 s long.
TEST(TimeWindowDst, AnOpeningLongerThanADayIsFoundFromItsLastDay) {
  const TimeWindow w = window("02:39", "01:54", "Antarctica/Troll");
  const TimePoint late = utc("2087-03-30T23:53:55Z");  // 2087-03-31 01:53:55 +02
  ASSERT_TRUE(w.contains(late));
  EXPECT_EQ(w.last_open(late), utc("2087-03-29T02:39:00Z"));
  const auto now_in = current_window({w}, late);
  ASSERT_TRUE(now_in.has_value());
  EXPECT_EQ(now_in->open, utc("2087-03-29T02:39:00Z"));
  EXPECT_EQ(now_in->length, 45h + 15min);  // closes 2087-03-30T23:54Z
}

// Europe/Berlin 2026-10-25: at 01:00 UTC the clocks go from 03:00 CEST back to 02:00 CET; 02:00-03:00 happens twice.
TEST(TimeWindowDst, AWindowCoveringTheRepeatedHourStaysOpenThroughBothPasses) {
  const TimeWindow w = window("02:00", "03:00", "Europe/Berlin");
  EXPECT_FALSE(w.contains(utc("2026-10-24T23:59:59Z")));
  for (TimePoint t = utc("2026-10-25T00:00:00Z"); t < utc("2026-10-25T02:00:00Z"); t += 1min) {
    ASSERT_TRUE(w.contains(t)) << to_unix_ms(t);
  }
  EXPECT_FALSE(w.contains(utc("2026-10-25T02:00:00Z")));  // 03:00 CET
  const auto span = current_window({w}, utc("2026-10-25T01:30:00Z"));
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->open, utc("2026-10-25T00:00:00Z"));
  EXPECT_EQ(span->length, 120min);
  // The second pass through 02:00 is not a new opening: the window never closed.
  EXPECT_EQ(w.next_open(utc("2026-10-25T00:30:00Z")), utc("2026-10-26T01:00:00Z"));
}

TEST(TimeWindowDst, AWindowInsideTheRepeatedHourOpensTwice) {
  const TimeWindow w = window("02:15", "02:45", "Europe/Berlin");
  EXPECT_TRUE(w.contains(utc("2026-10-25T00:20:00Z")));   // 02:20 CEST
  EXPECT_FALSE(w.contains(utc("2026-10-25T00:50:00Z")));  // 02:50 CEST
  EXPECT_TRUE(w.contains(utc("2026-10-25T01:20:00Z")));   // 02:20 CET
  EXPECT_EQ(w.next_open(utc("2026-10-24T12:00:00Z")), utc("2026-10-25T00:15:00Z"));
  EXPECT_EQ(w.next_open(utc("2026-10-25T00:15:00Z")), utc("2026-10-25T01:15:00Z"));
  const auto second = current_window({w}, utc("2026-10-25T01:20:00Z"));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->open, utc("2026-10-25T01:15:00Z"));
  EXPECT_EQ(second->length, 30min);
}

TEST(TimeWindowDst, AWindowReenteredByTheClockGoingBackReopensAtTheTransition) {
  const TimeWindow w = window("01:30", "02:30", "Europe/Berlin");
  EXPECT_FALSE(w.contains(utc("2026-10-25T00:45:00Z")));  // 02:45 CEST
  EXPECT_TRUE(w.contains(utc("2026-10-25T01:00:00Z")));   // 02:00 CET
  EXPECT_EQ(w.next_open(utc("2026-10-25T00:40:00Z")), utc("2026-10-25T01:00:00Z"));
  const auto span = current_window({w}, utc("2026-10-25T01:10:00Z"));
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->open, utc("2026-10-25T01:00:00Z"));
  EXPECT_EQ(span->length, 30min);
}

// America/New_York 2026: 02:00 EST -> 03:00 EDT on 03-08 (07:00 UTC); 02:00 EDT -> 01:00 EST on 11-01 (06:00 UTC).
TEST(TimeWindowDst, NewYorkSkippedAndRepeatedHours) {
  const TimeWindow skipped = window("02:00", "02:30", "America/New_York");
  for (TimePoint t = utc("2026-03-08T05:00:00Z"); t < utc("2026-03-09T05:00:00Z"); t += 1min) {
    ASSERT_FALSE(skipped.contains(t)) << to_unix_ms(t);
  }
  EXPECT_EQ(skipped.next_open(utc("2026-03-07T12:00:00Z")), utc("2026-03-09T06:00:00Z"));
  const TimeWindow repeated = window("01:00", "02:00", "America/New_York");
  const auto span = current_window({repeated}, utc("2026-11-01T06:30:00Z"));  // 01:30 EST, the second pass
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->open, utc("2026-11-01T05:00:00Z"));  // 01:00 EDT
  EXPECT_EQ(span->length, 120min);
  EXPECT_FALSE(repeated.contains(utc("2026-11-01T07:00:00Z")));  // 02:00 EST
  const TimeWindow inside = window("01:30", "01:45", "America/New_York");
  EXPECT_EQ(inside.next_open(utc("2026-11-01T05:40:00Z")), utc("2026-11-01T06:30:00Z"));
}

// A slim TZif file (zic's default since 2020b) lists few transitions; later ones come from its POSIX footer.
TEST(TimeZone, ASlimFileFollowsItsFooterAfterTheLastTransition) {
  const TimeWindow slim = window("04:00", "04:30", "Test/Slim", fixture_zoneinfo());
  const TimeWindow berlin = window("04:00", "04:30", "Europe/Berlin");
  for (const char* at : {"2026-01-15T03:10:00Z", "2026-07-15T02:10:00Z", "2026-03-29T02:10:00Z",
                         "2026-10-25T03:10:00Z", "2041-12-01T03:10:00Z"}) {
    EXPECT_TRUE(slim.contains(utc(at))) << at;
    EXPECT_EQ(slim.contains(utc(at)), berlin.contains(utc(at))) << at;
  }
  EXPECT_FALSE(slim.contains(utc("2026-01-15T02:10:00Z")));  // 03:10 CET
  EXPECT_EQ(slim.next_open(utc("2026-10-24T12:00:00Z")), utc("2026-10-25T03:00:00Z"));  // 04:00 CET
  EXPECT_EQ(slim.next_open(utc("2026-03-28T12:00:00Z")), utc("2026-03-29T02:00:00Z"));  // 04:00 CEST
}

TEST(TimeZone, TzdirFromTheEnvironment) {
  ASSERT_EQ(::setenv("TZDIR", fixture_zoneinfo().c_str(), 1), 0);
  const auto loaded = TimeZone::load("Test/Slim");
  const auto berlin = TimeZone::load("Europe/Berlin");  // not in the fixture directory
  ::unsetenv("TZDIR");
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->name(), "Test/Slim");
  EXPECT_FALSE(berlin.ok());
}

TEST(TimeZone, RefusesAFileThatIsNotTzif) {
  openclaw::testing::TempDir dir("tz-bogus-");
  std::filesystem::create_directories(dir.path() + "/Bogus");
  std::ofstream(dir.path() + "/Bogus/Zone") << "not a tzif file\n";
  std::ofstream(dir.path() + "/Bogus/Truncated") << std::string("TZif2") + std::string(40, '\0');
  EXPECT_FALSE(TimeZone::load("Bogus/Zone", dir.path()).ok());
  EXPECT_FALSE(TimeZone::load("Bogus/Truncated", dir.path()).ok());
  EXPECT_FALSE(TimeZone::load("Bogus", dir.path()).ok());  // a directory
  EXPECT_FALSE(TimeZone::load("Bogus/../Bogus/Zone", dir.path()).ok());
}

}  // namespace
}  // namespace openclaw::hook
