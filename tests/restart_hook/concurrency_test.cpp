// The hook under concurrent load while its worker is in the middle of a restart: webhooks (duplicates, new alerts,
// resolutions), the status page, the decisions API, /metrics and a circuit reset, all at once from several clients.
// Run under ThreadSanitizer by the tsan preset (label tsan), where an unsynchronised access between a civetweb
// handler thread and the worker fails the run; here it also proves the answers stay right and one restart runs.
#include <future>
#include <thread>

#include "hook_http_fixture.hpp"

namespace openclaw::hook {
namespace {

std::string down_alert(const std::string& status, const std::string& fingerprint) {
  return R"({"alerts":[{"status":")" + status +
         R"(","labels":{"alertname":"OpenClawGatewayDown","gateway":"default"},)"
         R"("startsAt":"2026-03-10T09:00:00Z","fingerprint":")" + fingerprint + R"("}]})";
}

TEST_F(HookHttpTest, ConcurrentRequestsWhileTheWorkerRestartsAreAllAnsweredAndRestartOnce) {
  // The restart's new process stays unhealthy until the test says so: the worker polls its health (every 10 ms, up
  // to verify_timeout 60 s) while the clients below run.
  health.healthy_ = false;
  ASSERT_EQ(post(down_alert("firing", "first")).status, 200);
  ASSERT_TRUE(t::wait_until([&] { return units.calls().size() == 1U; }, 10s)) << "the worker did not start the restart";
  ASSERT_FALSE(engine->idle());

  constexpr int kClients = 6;
  constexpr int kRounds = 5;
  const std::vector<std::string> json_auth = {kBearer, "Content-Type: application/json"};
  std::vector<std::future<std::vector<std::string>>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::async(std::launch::async, [&, c] {
      std::vector<std::string> failures;  // "what: status", empty when every answer was as expected
      const auto expect = [&](const char* what, const t::HttpResponse& r, long status) {
        if (r.status != status) failures.push_back(std::string(what) + ": " + std::to_string(r.status) + " " + r.error);
      };
      for (int round = 0; round < kRounds; ++round) {
        const std::string fingerprint = "c" + std::to_string(c) + "r" + std::to_string(round);
        expect("duplicate", post(down_alert("firing", "first")), 200);
        expect("new alert", post(down_alert("firing", fingerprint)), 200);
        expect("resolved", post(down_alert("resolved", fingerprint)), 200);
        expect("status page", t::http_request("GET", base + "/", "", {kBearer}), 200);
        expect("decisions", t::http_request("GET", base + "/api/v1/decisions", "", {kBearer}), 200);
        expect("metrics", t::http_request("GET", base + "/metrics", "", {kBearer}), 200);
        if (round == 2) {
          expect("circuit reset",
                 t::http_request("POST", base + "/api/v1/circuit/reset?gateway=default", "", json_auth), 200);
        }
      }
      return failures;
    }));
  }
  for (auto& client : clients) {
    for (const std::string& failure : client.get()) ADD_FAILURE() << failure;
  }
  // Still the same restart: every request above ran beside it.
  EXPECT_FALSE(engine->idle()) << "the restart ended before the clients did: they did not overlap it";
  EXPECT_EQ(units.calls().size(), 1U);

  health.healthy_ = true;
  wait_idle();
  EXPECT_EQ(restarts(), 1U);  // every other alert arrived during the restart or its cooldown
  const auto restart_records = testing::audit_events(*engine, "restart");
  ASSERT_EQ(restart_records.size(), 1U);
  EXPECT_EQ(restart_records[0]["result"], "success");
  const double each = kClients * kRounds;
  EXPECT_EQ(metric("openclaw_restart_hook_webhooks_total", {{"code", "200"}}), 1 + 3 * each);
  const auto decided = [&](const char* reason) {
    return metric("openclaw_restart_hook_decisions_total",
                  {{"gateway", "default"}, {"decision", "none"}, {"reason", reason}});
  };
  EXPECT_EQ(decided("duplicate"), each);
  EXPECT_EQ(decided("in_progress_coalesced"), each);  // the running restart served them
  EXPECT_EQ(decided("resolved"), each);
}

}  // namespace
}  // namespace openclaw::hook
