#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "probe.hpp"

using namespace openclaw::exporter;

namespace {
std::string readyz_fixture(const std::string& name) {
  std::ifstream in(std::string(OPENCLAW_EXPORTER_FIXTURES) + "/readyz/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

TEST(Readyz, ParsesTheRealGatewaysBody) {
  const auto body = parse_readyz(readyz_fixture("ready.json"));
  ASSERT_TRUE(body.ok()) << body.error();
  EXPECT_EQ(body->ready, true);
  ASSERT_TRUE(body->uptime_seconds.has_value());
  EXPECT_DOUBLE_EQ(*body->uptime_seconds, 8502.0 / 1000.0);
  EXPECT_EQ(body->event_loop_degraded, false);
  ASSERT_TRUE(body->event_loop_delay_p99_seconds.has_value());
  EXPECT_DOUBLE_EQ(*body->event_loop_delay_p99_seconds, 0.02124);
  ASSERT_TRUE(body->event_loop_utilization.has_value());
  EXPECT_DOUBLE_EQ(*body->event_loop_utilization, 0.034);
}

TEST(Readyz, ParsesANotReadyBody) {
  const auto body = parse_readyz(readyz_fixture("not-ready.json"));
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->ready, false);
  EXPECT_EQ(body->event_loop_degraded, true);
}

TEST(Readyz, ToleratesMissingAndMistypedFields) {
  const auto body = parse_readyz(R"({"ready":"yes","uptimeMs":"12","eventLoop":[],"extra":{"x":1}})");
  ASSERT_TRUE(body.ok());
  EXPECT_FALSE(body->ready.has_value());
  EXPECT_FALSE(body->uptime_seconds.has_value());
  EXPECT_FALSE(body->event_loop_delay_p99_seconds.has_value());
}

TEST(Readyz, RejectsWhatIsNotAJsonObject) {
  EXPECT_FALSE(parse_readyz("<!DOCTYPE html><html></html>").ok());  // the control panel, served for unknown paths
  EXPECT_FALSE(parse_readyz("[1,2]").ok());
  EXPECT_FALSE(parse_readyz("").ok());
  EXPECT_FALSE(parse_readyz(R"({"ready":tru)").ok());
}

TEST(WebsocketProbe, ComputesTheRfc6455AcceptKey) {
  // The example in RFC 6455 section 1.3.
  EXPECT_EQ(websocket_accept_for("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

// The shape the real gateway answers (503) while it drains active work after SIGTERM (../shared notes, 2026.9.6).
TEST(Readyz, NamesTheFailingChecksOfADrainingGateway) {
  const auto body = parse_readyz(readyz_fixture("draining.json"));
  ASSERT_TRUE(body.ok()) << body.error();
  EXPECT_EQ(body->ready, false);
  EXPECT_EQ(body->failing, std::vector<std::string>{"gateway-draining"});
  EXPECT_EQ(parse_readyz(readyz_fixture("not-ready.json"))->failing, std::vector<std::string>{"channels"});
  EXPECT_FALSE(parse_readyz(R"({"ready":true})")->failing.has_value());  // an older gateway: unknown, not "none"
  EXPECT_EQ(parse_readyz(R"({"failing":["a",7,null]})")->failing, std::vector<std::string>{"a"});
}
