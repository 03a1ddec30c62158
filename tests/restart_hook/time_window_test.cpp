#include "time_window.hpp"

#include <gtest/gtest.h>

#include "hook_test_util.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
using testing::utc;

TimeWindow window(const std::string& start, const std::string& end, const std::string& zone = "UTC") {
  TimeWindow w;
  w.start = *parse_clock_time(start);
  w.end = *parse_clock_time(end);
  w.zone = TimeZone::load(zone).value();
  return w;
}

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
  EXPECT_FALSE(TimeZone::parse("x", "not a tzif file").ok());
  EXPECT_FALSE(TimeZone::parse("x", std::string("TZif2") + std::string(40, '\0')).ok());
}

}  // namespace
}  // namespace openclaw::hook
