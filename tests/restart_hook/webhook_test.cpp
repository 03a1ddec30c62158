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

TEST(ParseWebhook, KeysAndLabelsAtTheirLimitsAreAccepted) {
  std::string labels;
  for (int i = 0; i < 63; ++i) labels += R"("l)" + std::to_string(i) + R"(":"v",)";
  labels += R"(")" + std::string(128, 'n') + R"(":")" + std::string(1024, 'v') + R"(")";
  const auto parsed = parse_webhook(R"({"alerts":[{"status":"firing","labels":{)" + labels + R"(},"startsAt":")" +
                                    std::string(64, '1') + R"(","fingerprint":")" + std::string(64, 'f') + R"("}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->alerts.at(0).labels.size(), 64U);
}

class HostilePayload : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostilePayload, IsRefusedWithAReason) {
  const auto result = parse_webhook(GetParam().body);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find(GetParam().reason_contains), std::string::npos) << result.error();
}

const std::string kAlert = R"({"status":"firing","labels":{"alertname":"X"},"startsAt":"t","fingerprint":"f"})";

// One firing alert whose fingerprint (and startsAt, when given) are `keys`.
std::string alert_with(const std::string& keys) {
  const bool has_starts_at = keys.find("startsAt") != std::string::npos;
  return R"({"alerts":[{"status":"firing","labels":{"alertname":"X"},)" +
         std::string(has_starts_at ? "" : R"("startsAt":"t",)") + keys + "}]}";
}

std::string many_labels(int n) {
  std::string labels;
  for (int i = 0; i < n; ++i) labels += (i ? "," : "") + std::string(R"("l)") + std::to_string(i) + R"(":"v")";
  return R"({"alerts":[{"status":"firing","labels":{)" + labels + R"(},"startsAt":"t","fingerprint":"f"}]})";
}

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
        Hostile{"second_alert_bad", R"({"alerts":[)" + kAlert + R"(,{"status":"firing"}]})", "alerts[1]"},
        // Bounded keys and labels: what lands in state.json and the audit log stays small.
        Hostile{"huge_fingerprint", alert_with(R"("fingerprint":")" + std::string(200000, 'a') + "\""),
                "alerts[0].fingerprint: longer than 64 bytes"},
        Hostile{"fingerprint_with_separator", alert_with(R"("fingerprint":"a|b")"), "alerts[0].fingerprint: expected"},
        Hostile{"fingerprint_with_newline", alert_with(R"("fingerprint":"a\nb")"), "alerts[0].fingerprint: expected"},
        Hostile{"huge_starts_at", alert_with(R"("fingerprint":"f","startsAt":")" + std::string(65, '1') + "\""),
                "alerts[0].startsAt: longer than 64 bytes"},
        Hostile{"huge_label_value", R"({"alerts":[{"status":"firing","labels":{"a":")" + std::string(1025, 'v') +
                                        R"("},"startsAt":"t","fingerprint":"f"}]})",
                "alerts[0].labels.a: longer than 1024 bytes"},
        Hostile{"bad_label_name", R"({"alerts":[{"status":"firing","labels":{"a b":"v"},"startsAt":"t","fingerprint":"f"}]})",
                "alerts[0].labels: a name that is not"},
        Hostile{"huge_label_name", R"({"alerts":[{"status":"firing","labels":{")" + std::string(129, 'n') +
                                       R"(":"v"},"startsAt":"t","fingerprint":"f"}]})",
                "alerts[0].labels: a name that is not"},
        Hostile{"too_many_labels", many_labels(65), "alerts[0].labels: more than 64 entries"}),
    [](const ::testing::TestParamInfo<Hostile>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace openclaw::hook
