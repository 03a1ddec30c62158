// The hook's HTTP surface in-process on 127.0.0.1:0, with real payloads captured from Alertmanager 0.25, hostile
// ones, and the engine behind it (fake process runner and health checker; the real ones are tested elsewhere).
#include <future>
#include <thread>

#include "hook_http_fixture.hpp"

namespace openclaw::hook {
namespace {

TEST_F(HookHttpTest, RealFiringPayloadRestartsTheMatchingGatewayOnce) {
  const auto response = post(fixture("am025-firing.json"));
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = nlohmann::json::parse(response.body);
  ASSERT_EQ(body["decisions"].size(), 1U);
  EXPECT_EQ(body["decisions"][0]["reason"], "executed");
  EXPECT_EQ(body["decisions"][0]["gateway"], "default");
  wait_idle();
  ASSERT_EQ(restarts(), 1U);
  EXPECT_EQ(units.calls()[0], "restart openclaw-gateway.service");
  // The same notification again (an Alertmanager retry) is answered 200 and does nothing.
  EXPECT_EQ(post(fixture("am025-firing.json")).status, 200);
  wait_idle();
  EXPECT_EQ(restarts(), 1U);
  const std::string text = metric_text();
  EXPECT_NE(text.find(R"(openclaw_restart_hook_restarts_total{gateway="default",result="success",urgency="immediate"} 1)"),
            std::string::npos) << text;
  EXPECT_NE(text.find(R"(openclaw_restart_hook_decisions_total{decision="none",gateway="default",reason="duplicate"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(openclaw_restart_hook_webhooks_total{code="200"} 2)"), std::string::npos);
  // The audit log holds the decision and the restart with its verification.
  const std::string audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_NE(audit.find(R"("event":"restart")"), std::string::npos);
  EXPECT_NE(audit.find(R"("main_pid_changed":true)"), std::string::npos);
  EXPECT_NE(audit.find(R"("reason":"duplicate")"), std::string::npos);
}

TEST_F(HookHttpTest, ResolvedGroupedAndTruncatedPayloads) {
  auto resolved = post(fixture("am025-resolved.json"));
  ASSERT_EQ(resolved.status, 200);
  EXPECT_EQ(nlohmann::json::parse(resolved.body)["decisions"][0]["reason"], "resolved");
  // Grouped (sent with basic auth, exactly the header Alertmanager sent): one alert per gateway label.
  const std::string basic_header = "Authorization: Basic YWxlcnRtYW5hZ2VyOmNhcHR1cmUtcGFzc3dvcmQ=";
  ASSERT_NE(fixture("am025-grouped.headers").find(basic_header.substr(15)), std::string::npos);
  auto grouped = post(fixture("am025-grouped.json"), {basic_header});
  ASSERT_EQ(grouped.status, 200) << grouped.body;
  const auto decisions = nlohmann::json::parse(grouped.body)["decisions"];
  ASSERT_EQ(decisions.size(), 2U);
  EXPECT_EQ(decisions[0]["reason"], "outside_window");  // UptimeHigh is scheduled; 10:00 is outside
  EXPECT_EQ(decisions[1]["reason"], "no_matching_gateway");
  auto truncated = post(fixture("am025-truncated.json"));
  ASSERT_EQ(truncated.status, 200);
  EXPECT_EQ(nlohmann::json::parse(truncated.body)["decisions"][0]["reason"], "no_matching_rule");
  wait_idle();
  EXPECT_EQ(restarts(), 0U);
  EXPECT_TRUE(engine->state().gateways.at("default").pending.has_value());
}

TEST_F(HookHttpTest, HundredConcurrentIdenticalWebhooksRestartOnce) {
  const std::string body = fixture("am025-firing.json");
  std::vector<std::future<long>> answers;
  for (int i = 0; i < 100; ++i) {
    answers.push_back(std::async(std::launch::async, [&] { return post(body).status; }));
  }
  for (auto& a : answers) EXPECT_EQ(a.get(), 200);
  wait_idle();
  EXPECT_EQ(restarts(), 1U);
  const std::string text = metric_text();
  EXPECT_NE(text.find(R"(reason="duplicate"} 99)"), std::string::npos) << text;
}

struct Refused {
  const char* name;
  std::string method;
  std::string path;
  std::string body;
  std::vector<std::string> headers;
  long status;
  std::size_t filler_bytes = 0;  // a body of this many 'x', built when the test runs (not in every test process)
};

class HostileRequest : public HookHttpTest, public ::testing::WithParamInterface<Refused> {};

TEST_P(HostileRequest, GetsItsStatusCausesNoActionAndTheServerKeepsServing) {
  const Refused& r = GetParam();
  const std::string body = r.filler_bytes > 0 ? std::string(r.filler_bytes, 'x') : r.body;
  const auto response = t::http_request(r.method, base + r.path, body, r.headers, 30s);
  EXPECT_EQ(response.status, r.status) << response.body << response.error;
  for (const auto& [name, value] : response.headers) EXPECT_FALSE(name.starts_with("access-control-")) << name;
  EXPECT_EQ(t::http_get(base + "/healthz").status, 200);
  EXPECT_EQ(post(fixture("am025-resolved.json")).status, 200);  // still serving webhooks
  wait_idle();
  EXPECT_EQ(restarts(), 0U);
}

const std::string kFiring = R"({"version":"4","alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown",)"
                            R"("gateway":"default"},"startsAt":"2026-03-10T09:59:00Z","fingerprint":"abc"}]})";
const std::vector<std::string> kAuth = {"Authorization: Bearer s3cret-token"};
const std::vector<std::string> kJsonAuth = {"Authorization: Bearer s3cret-token", "Content-Type: application/json"};

INSTANTIATE_TEST_SUITE_P(
    Requests, HostileRequest,
    ::testing::Values(
        Refused{"truncated_json", "POST", "/alerts", kFiring.substr(0, 60), kJsonAuth, 400},
        Refused{"ten_megabytes", "POST", "/alerts", "", kJsonAuth, 413, 10U << 20U},
        Refused{"wrong_types", "POST", "/alerts", R"({"alerts":[{"status":"firing","labels":{"alertname":7},)"
                                                  R"("startsAt":"t","fingerprint":"f"}]})", kJsonAuth, 400},
        Refused{"deep_nesting", "POST", "/alerts", std::string(5000, '[') + std::string(5000, ']'), kJsonAuth, 400},
        Refused{"invalid_utf8", "POST", "/alerts",
                R"({"alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown","gateway":")"
                "\xc3\x28" R"("},"startsAt":"t","fingerprint":"f"}]})", kJsonAuth, 400},
        Refused{"missing_fields", "POST", "/alerts", R"({"alerts":[{"status":"firing"}]})", kJsonAuth, 400},
        Refused{"no_credentials", "POST", "/alerts", kFiring, {}, 401},
        Refused{"wrong_bearer", "POST", "/alerts", kFiring, {"Authorization: Bearer s3cret-tokeN"}, 401},
        Refused{"wrong_basic_password", "POST", "/alerts", kFiring,
                {"Authorization: Basic YWxlcnRtYW5hZ2VyOndyb25n"}, 401},
        Refused{"bearer_as_basic", "POST", "/alerts", kFiring, {"Authorization: Basic s3cret-token"}, 401},
        Refused{"get_method", "GET", "/alerts", "", kAuth, 405},
        Refused{"put_method", "PUT", "/alerts", kFiring, kAuth, 405},
        Refused{"delete_method", "DELETE", "/alerts", "", kAuth, 405},
        Refused{"unauthenticated_decisions", "GET", "/api/v1/decisions", "", {}, 401},
        Refused{"unauthenticated_reset", "POST", "/api/v1/circuit/reset?gateway=default", "", {}, 401},
        Refused{"unknown_path", "GET", "/nope", "", kAuth, 404},
        // Auth cannot be side-stepped by method, case, encoding or dot segments: every path but /healthz asks.
        Refused{"head_unauthenticated", "HEAD", "/api/v1/decisions", "", {}, 401},
        Refused{"options_unauthenticated", "OPTIONS", "/alerts", "", {}, 401},
        Refused{"head_method", "HEAD", "/alerts", "", kAuth, 405},
        Refused{"options_method", "OPTIONS", "/alerts", "", kAuth, 405},
        Refused{"encoded_path", "POST", "/%61lerts", kFiring, {}, 401},
        Refused{"upper_case_path", "POST", "/ALERTS", kFiring, {}, 401},
        Refused{"trailing_slash", "POST", "/alerts/", kFiring, {}, 401},
        Refused{"encoded_dot_segments_from_healthz", "POST", "/healthz/%2e%2e/alerts", kFiring, {}, 401},
        Refused{"double_slash", "POST", "//alerts", kFiring, {}, 401},
        Refused{"lower_case_scheme_empty_bearer", "POST", "/alerts", kFiring, {"Authorization: bearer "}, 401},
        Refused{"token_prefix", "POST", "/alerts", kFiring, {"Authorization: Bearer s3cret"}, 401},
        Refused{"token_with_suffix", "POST", "/alerts", kFiring, {"Authorization: Bearer s3cret-token2"}, 401},
        // Browsers (docs/restart-hook.md "What the hook refuses"): a page can POST a form's content types to any
        // origin without a CORS preflight; a page on another site says so; a DNS-rebinding page names its own host.
        Refused{"text_plain_post", "POST", "/alerts", kFiring,
                {"Authorization: Bearer s3cret-token", "Content-Type: text/plain"}, 415},
        Refused{"form_post", "POST", "/alerts", kFiring,
                {"Authorization: Bearer s3cret-token", "Content-Type: application/x-www-form-urlencoded"}, 415},
        Refused{"no_content_type", "POST", "/alerts", kFiring, kAuth, 415},
        Refused{"json_lookalike_content_type", "POST", "/alerts", kFiring,
                {"Authorization: Bearer s3cret-token", "Content-Type: application/jsonp"}, 415},
        Refused{"text_plain_circuit_reset", "POST", "/api/v1/circuit/reset?gateway=default", "",
                {"Authorization: Bearer s3cret-token", "Content-Type: text/plain"}, 415},
        Refused{"circuit_reset_by_get", "GET", "/api/v1/circuit/reset?gateway=default", "", kAuth, 405},
        Refused{"cross_site", "POST", "/alerts", kFiring,
                {"Authorization: Bearer s3cret-token", "Content-Type: application/json", "Sec-Fetch-Site: cross-site"},
                403},
        Refused{"cross_site_status_page", "GET", "/", "", {"Authorization: Bearer s3cret-token",
                                                           "Sec-Fetch-Site: cross-site"}, 403},
        Refused{"rebinding_host", "POST", "/alerts", kFiring,
                {"Authorization: Bearer s3cret-token", "Content-Type: application/json", "Host: evil.example"}, 403},
        Refused{"rebinding_host_unauthenticated", "GET", "/", "", {"Host: evil.example:9788"}, 403},
        Refused{"cors_preflight", "OPTIONS", "/alerts", "",
                {"Origin: http://evil.example", "Access-Control-Request-Method: POST",
                 "Access-Control-Request-Headers: content-type"}, 401}),
    [](const ::testing::TestParamInfo<Refused>& param_info) { return std::string(param_info.param.name); });

TEST_F(HookHttpTest, AlertContentsNeverReachArgv) {
  const std::string hostile =
      R"J({"alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown","gateway":"default",)J"
      R"J("unit":"evil.service; rm -rf /","instance":"$(reboot)"},"annotations":{"cmd":"`id`"},)J"
      R"J("startsAt":"2026-03-10T09:00:00Z","fingerprint":"zzz"}]})J";
  ASSERT_EQ(post(hostile).status, 200);
  wait_idle();
  ASSERT_EQ(restarts(), 1U);
  EXPECT_EQ(units.calls()[0], "restart openclaw-gateway.service");
  EXPECT_TRUE(runner.calls().empty());
}

TEST_F(HookHttpTest, UnhealthyAfterRestartIsFailedRetriedOnceThenGivenUp) {
  server.reset();
  engine.reset();
  start("", "  verify_timeout: 200ms\n  retry_backoff: 10ms");
  health.healthy_ = false;
  ASSERT_EQ(post(fixture("am025-firing.json")).status, 200);
  wait_idle();
  EXPECT_EQ(restarts(), 2U);  // the restart and its one retry
  const std::string text = metric_text();
  EXPECT_NE(text.find(R"(openclaw_restart_hook_restarts_total{gateway="default",result="failed",urgency="immediate"} 2)"),
            std::string::npos) << text;
  const std::string audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_NE(audit.find(R"("event":"gave_up")"), std::string::npos);
  EXPECT_NE(audit.find(R"("attempt":2)"), std::string::npos);
  EXPECT_EQ(engine->state().gateways.at("default").restarts.size(), 2U);  // the retry counts towards the circuit
}

// RestartFailed is driven by these two timestamps, so they must survive the hook's own restart: a failure just
// before an upgrade of the hook still pages, and a later success clears it.
TEST_F(HookHttpTest, RestartResultsAreTimestampsThatOutliveTheHook) {
  const std::map<std::string, std::string> gw = {{"gateway", "default"}};
  const char* failed = "openclaw_restart_hook_last_failed_restart_timestamp_seconds";
  const char* succeeded = "openclaw_restart_hook_last_successful_restart_timestamp_seconds";
  EXPECT_EQ(metric(failed, gw), 0.0);  // present from the start
  EXPECT_EQ(metric(succeeded, gw), 0.0);
  server.reset();
  engine.reset();
  start("", "  verify_timeout: 200ms\n  retry_backoff: 10ms");
  health.healthy_ = false;
  ASSERT_EQ(post(fixture("am025-firing.json")).status, 200);
  wait_idle();
  const double failed_at = static_cast<double>(to_unix_ms(clock.now())) / 1000.0;
  EXPECT_EQ(metric(failed, gw), failed_at);
  EXPECT_EQ(metric(succeeded, gw), 0.0);
  server.reset();
  engine.reset();  // the hook restarts: a new registry, the state from disk
  clock.advance(20min);
  start();
  EXPECT_EQ(metric(failed, gw), failed_at);
  EXPECT_EQ(metric(succeeded, gw), 0.0);
  EXPECT_FALSE(metric("openclaw_restart_hook_last_restart_downtime_seconds", gw).has_value());
  health.healthy_ = true;
  ASSERT_EQ(post(R"({"alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown","gateway":"default"},)"
                 R"("startsAt":"2026-03-10T10:20:00Z","fingerprint":"later"}]})").status,
            200);
  wait_idle();
  EXPECT_EQ(metric(succeeded, gw), failed_at + 1200.0);
  EXPECT_EQ(metric(failed, gw), failed_at);
  const auto downtime = metric("openclaw_restart_hook_last_restart_downtime_seconds", gw);
  ASSERT_TRUE(downtime.has_value());
  EXPECT_GE(*downtime, 0.0);
  EXPECT_LT(*downtime, 10.0);
}

// A hook whose `match` disagrees with the exporter's labels declines everything with a 200: the timestamp is what
// lets a rule page on it. Only the reasons that leave remediation off are recorded.
TEST_F(HookHttpTest, DeclinedAlertsLeaveATimestampByReason) {
  const char* declined = "openclaw_restart_hook_last_declined_timestamp_seconds";
  for (const char* why : {"no_matching_gateway", "no_matching_rule", "operator_stopped", "config_invalid",
                          "circuit_open", "wrong_host"}) {
    EXPECT_EQ(metric(declined, {{"reason", why}}), 0.0) << why;
  }
  clock.advance(90s);
  const auto answer = post(R"({"alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown",)"
                           R"("gateway":"elsewhere"},"startsAt":"2026-03-10T09:00:00Z","fingerprint":"f1"}]})");
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(nlohmann::json::parse(answer.body)["decisions"][0]["reason"], "no_matching_gateway");
  EXPECT_EQ(metric(declined, {{"reason", "no_matching_gateway"}}),
            static_cast<double>(to_unix_ms(clock.now())) / 1000.0);
  EXPECT_EQ(metric(declined, {{"reason", "no_matching_rule"}}), 0.0);
  EXPECT_EQ(restarts(), 0U);
}

TEST_F(HookHttpTest, CircuitOpensIsVisibleAndResetsThroughTheEndpoint) {
  auto alert = [](int i) {
    return R"({"alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown","gateway":"default"},)"
           R"("startsAt":"2026-03-10T09:00:00Z","fingerprint":"f)" + std::to_string(i) + R"("}]})";
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(post(alert(i)).status, 200);
    wait_idle();
    clock.advance(16min);
  }
  const auto refused = post(alert(3));
  EXPECT_EQ(nlohmann::json::parse(refused.body)["decisions"][0]["reason"], "circuit_open");
  EXPECT_NE(metric_text().find(R"(openclaw_restart_hook_circuit_open{gateway="default"} 1)"), std::string::npos);
  const std::vector<std::string> json = {kBearer, "Content-Type: application/json"};
  EXPECT_EQ(t::http_request("POST", base + "/api/v1/circuit/reset?gateway=nope", "", json).status, 404);
  EXPECT_EQ(t::http_request("POST", base + "/api/v1/circuit/reset", "", json).status, 400);
  EXPECT_EQ(t::http_request("POST", base + "/api/v1/circuit/reset?gateway=default", "", json).status, 200);
  EXPECT_NE(metric_text().find(R"(openclaw_restart_hook_circuit_open{gateway="default"} 0)"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(post(alert(4)).body)["decisions"][0]["reason"], "executed");
  wait_idle();
  EXPECT_EQ(restarts(), 4U);
}

TEST_F(HookHttpTest, PendingScheduledRestartRunsWhenTheWindowOpens) {
  ASSERT_EQ(post(fixture("am025-grouped.json"), {"Authorization: Basic YWxlcnRtYW5hZ2VyOmNhcHR1cmUtcGFzc3dvcmQ="})
                .status,
            200);
  std::this_thread::sleep_for(200ms);  // several ticks of the worker (50 ms): outside the window, nothing runs
  EXPECT_EQ(restarts(), 0U);
  clock.set(testing::utc("2026-03-10T12:00:01Z"));
  ASSERT_TRUE(t::wait_until([&] { return restarts() == 1U; }, 5s));  // the worker's tick runs it
  wait_idle();
  EXPECT_FALSE(engine->state().gateways.at("default").pending.has_value());
  EXPECT_NE(t::read_file(dir.file("state/audit.log")).find(R"("urgency":"scheduled")"), std::string::npos);
}

std::string uptime_alert(const std::string& status) {
  return R"({"alerts":[{"status":")" + status +
         R"(","labels":{"alertname":"OpenClawGatewayUptimeHigh","gateway":"default"},)"
         R"("startsAt":"2026-03-10T09:00:00Z","fingerprint":"up1"}]})";
}

// The pending restart is a gauge valued at the earliest time it may run (what the notice rule reads), and the
// alert's resolution cancels it: a gateway restarted by hand meanwhile is not restarted again in the window.
TEST_F(HookHttpTest, APendingRestartIsAGaugeAndItsResolutionCancelsIt) {
  ASSERT_EQ(post(uptime_alert("firing")).status, 200);
  const double noon = static_cast<double>(to_unix_ms(testing::utc("2026-03-10T12:00:00Z"))) / 1000.0;
  EXPECT_EQ(metric("openclaw_restart_hook_pending_restart", {{"gateway", "default"}}), noon)
      << metric_text();
  EXPECT_EQ(metric("openclaw_restart_hook_notice_lead_seconds", {}), 0.0);
  const auto resolved = post(uptime_alert("resolved"));
  EXPECT_EQ(nlohmann::json::parse(resolved.body)["decisions"][0]["reason"], "resolved_cancelled");
  EXPECT_EQ(metric_text().find("openclaw_restart_hook_pending_restart{"), std::string::npos);
  clock.set(testing::utc("2026-03-10T12:00:01Z"));
  std::this_thread::sleep_for(200ms);  // several ticks of the worker (50 ms)
  EXPECT_EQ(restarts(), 0U);
}

// confirm: unhealthy — the hook asks the gateway itself before acting on "down".
TEST_F(HookHttpTest, ConfirmUnhealthyDeclinesWhileTheGatewayAnswers) {
  server.reset();
  engine.reset();
  start();
  config->rules[0].confirm = Confirm::kUnhealthy;
  health.healthy_ = true;
  const auto declined = post(fixture("am025-firing.json"));
  EXPECT_EQ(nlohmann::json::parse(declined.body)["decisions"][0]["reason"], "confirmed_healthy");
  EXPECT_EQ(restarts(), 0U);
  EXPECT_EQ(metric("openclaw_restart_hook_decisions_total",
                            {{"gateway", "default"}, {"decision", "none"}, {"reason", "confirmed_healthy"}}),
            1.0);
  health.healthy_ = false;  // the next delivery of the same alert asks again
  const auto acted = post(fixture("am025-firing.json"));
  EXPECT_EQ(nlohmann::json::parse(acted.body)["decisions"][0]["reason"], "executed");
}

TEST_F(HookHttpTest, StatusPageDecisionsHealthzAndMetricsEndpoints) {
  ASSERT_EQ(post(fixture("am025-resolved.json")).status, 200);
  EXPECT_EQ(t::http_get(base + "/healthz").status, 200);  // open without credentials
  const auto page = t::http_request("GET", base + "/", "", {kBearer});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("OpenClawGatewayDown"), std::string::npos);
  EXPECT_NE(page.body.find("resolved"), std::string::npos);
  const auto decisions = t::http_request("GET", base + "/api/v1/decisions", "", {kBearer});
  ASSERT_EQ(decisions.status, 200);
  EXPECT_EQ(nlohmann::json::parse(decisions.body)["data"].back()["reason"], "resolved");
  const auto scrape = t::http_request("GET", base + "/metrics", "", {kBearer});
  ASSERT_EQ(scrape.status, 200);
  EXPECT_NE(scrape.body.find("openclaw_restart_hook_build_info{"), std::string::npos);
}

TEST_F(HookHttpTest, MetricsPassPromtoolCheckMetrics) {
  ASSERT_EQ(post(fixture("am025-firing.json")).status, 200);
  wait_idle();
  t::write_file(dir.file("metrics.txt"), metric_text());
  const auto result = t::run_command({"sh", "-c", "promtool check metrics < " + dir.file("metrics.txt")});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "");
  for (const char* name : {"openclaw_restart_hook_webhooks_total", "openclaw_restart_hook_decisions_total",
                           "openclaw_restart_hook_restarts_total", "openclaw_restart_hook_restart_duration_seconds",
                           "openclaw_restart_hook_last_restart_timestamp_seconds", "openclaw_restart_hook_circuit_open",
                           "openclaw_restart_hook_build_info"}) {
    EXPECT_NE(metric_text().find(std::string("# TYPE ") + name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace openclaw::hook
