#include "webhook.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace openclaw::hook {
namespace {

std::string fixture(const std::string& name) {
  return openclaw::testing::read_file(openclaw::testing::source_dir() + "/tests/restart_hook/fixtures/" + name);
}

TEST(ParseWebhook, RealFiringPayloadFromAlertmanager025) {
  const auto payload = parse_webhook(fixture("am025-firing.json"));
  ASSERT_TRUE(payload.ok()) << payload.error();
  EXPECT_EQ(payload->version, "4");
  EXPECT_EQ(payload->status, "firing");
  EXPECT_EQ(payload->truncated_alerts, 0);
  ASSERT_EQ(payload->alerts.size(), 1U);
  const Alert& alert = payload->alerts[0];
  EXPECT_EQ(alert.status, "firing");
  EXPECT_EQ(alert.labels.at("alertname"), "OpenClawGatewayDown");
  EXPECT_EQ(alert.labels.at("gateway"), "default");
  EXPECT_EQ(alert.annotations.at("summary"), "gateway down");
  EXPECT_EQ(alert.ends_at, "0001-01-01T00:00:00Z");
  EXPECT_EQ(alert.fingerprint.size(), 16U);
  EXPECT_EQ(alert.dedupe_key(), alert.fingerprint + "|" + alert.starts_at);
}

TEST(ParseWebhook, RealResolvedGroupedAndTruncatedPayloads) {
  const auto resolved = parse_webhook(fixture("am025-resolved.json"));
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  EXPECT_EQ(resolved->alerts.at(0).status, "resolved");
  EXPECT_NE(resolved->alerts.at(0).ends_at, "0001-01-01T00:00:00Z");

  const auto grouped = parse_webhook(fixture("am025-grouped.json"));
  ASSERT_TRUE(grouped.ok()) << grouped.error();
  ASSERT_EQ(grouped->alerts.size(), 2U);
  EXPECT_EQ(grouped->group_labels.at("alertname"), "OpenClawGatewayUptimeHigh");
  EXPECT_NE(grouped->alerts[0].fingerprint, grouped->alerts[1].fingerprint);

  const auto truncated = parse_webhook(fixture("am025-truncated.json"));
  ASSERT_TRUE(truncated.ok()) << truncated.error();
  EXPECT_EQ(truncated->alerts.size(), 1U);
  EXPECT_EQ(truncated->truncated_alerts, 2);
}

TEST(ParseWebhook, LaterVersionsWithExtraFieldsParse) {
  const auto payload = parse_webhook(
      R"({"version":"5","newField":{"x":[1,2]},"alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"t",)"
      R"("fingerprint":"f","extra":true}]})");
  ASSERT_TRUE(payload.ok()) << payload.error();
  EXPECT_EQ(payload->alerts.size(), 1U);
}

struct Hostile {
  const char* name;
  std::string body;
  const char* reason_contains;
};

class HostilePayload : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostilePayload, IsRefusedWithAReason) {
  const auto result = parse_webhook(GetParam().body);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find(GetParam().reason_contains), std::string::npos) << result.error();
}

const std::string kAlert = R"({"status":"firing","labels":{"alertname":"X"},"startsAt":"t","fingerprint":"f"})";

INSTANTIATE_TEST_SUITE_P(
    Payloads, HostilePayload,
    ::testing::Values(
        Hostile{"empty", "", "malformed JSON"},
        Hostile{"truncated", R"({"version":"4","alerts":[{"status":"fir)", "malformed JSON"},
        Hostile{"not_an_object", "[1,2,3]", "expected a JSON object"},
        Hostile{"no_alerts", R"({"version":"4"})", "payload.alerts: missing"},
        Hostile{"alerts_not_array", R"({"alerts":{}})", "payload.alerts: expected an array"},
        Hostile{"alert_not_object", R"({"alerts":[1]})", "alerts[0]: expected an object"},
        Hostile{"labels_wrong_type", R"({"alerts":[{"status":"firing","labels":{"a":1},"startsAt":"t","fingerprint":"f"}]})",
                "alerts[0].labels.a: expected a string"},
        Hostile{"status_wrong_value", R"({"alerts":[{"status":"burning","labels":{},"startsAt":"t","fingerprint":"f"}]})",
                "alerts[0].status"},
        Hostile{"missing_fingerprint", R"({"alerts":[{"status":"firing","labels":{},"startsAt":"t"}]})",
                "alerts[0].fingerprint: missing"},
        Hostile{"missing_labels", R"({"alerts":[{"status":"firing","startsAt":"t","fingerprint":"f"}]})",
                "alerts[0].labels: missing"},
        Hostile{"truncated_alerts_string", R"({"truncatedAlerts":"2","alerts":[]})", "truncatedAlerts"},
        Hostile{"deep_nesting", std::string(100000, '[') + std::string(100000, ']'), "nested deeper"},
        Hostile{"deep_nesting_in_labels", R"({"alerts":[)" + kAlert + R"(],"x":)" + std::string(20, '[') +
                                               std::string(20, ']') + "}",
                "nested deeper"},
        Hostile{"invalid_utf8", std::string(R"({"alerts":[{"status":"firing","labels":{"a":"\xff\xfe"},)") +
                                    R"("startsAt":"t","fingerprint":"f"}]})",
                "malformed JSON"},
        Hostile{"second_alert_bad", R"({"alerts":[)" + kAlert + R"(,{"status":"firing"}]})", "alerts[1]"}),
    [](const ::testing::TestParamInfo<Hostile>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace openclaw::hook
