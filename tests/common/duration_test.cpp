#include "duration.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using openclaw::format_duration;
using openclaw::parse_duration;

TEST(Duration, ParsesPrometheusStyleDurations) {
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("2d"), 48h);
  EXPECT_EQ(parse_duration("1w"), 168h);
  EXPECT_EQ(parse_duration("1m1s1ms"), 61001ms);
  EXPECT_EQ(parse_duration("0"), 0ms);
}

TEST(Duration, RejectsMalformedDurations) {
  for (const char* bad : {"", "s", "15", "1x", "m15", "1s1m", "1m1m", "-5s", "1.5h", " 1s", "1s ",
                          "99999999999999999999s"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Duration, FormatsTheShortestSpelling) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(49h + 1s), "2d1h1s");
  EXPECT_EQ(parse_duration(format_duration(12345678ms)), 12345678ms);
}
