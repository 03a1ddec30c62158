// Hardening of the hook's edges: raw requests curl would normalise, secrets kept off every page, the HTML page
// with hostile content, an unwritable state_dir (at start and at run time), the persisted dedupe map's bound,
// and the listen-address check.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "cli.hpp"
#include "fs_util.hpp"
#include "hook_http_fixture.hpp"

namespace openclaw::hook {
namespace {

// One request exactly as written (no client-side normalisation of the path); returns the status code or 0.
int raw_status(int port, const std::string& request) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 0;
  if (::write(fd.get(), request.data(), request.size()) != static_cast<ssize_t>(request.size())) return 0;
  char buffer[64] = {};
  const ssize_t n = ::read(fd.get(), buffer, sizeof buffer - 1);
  if (n < 12) return 0;
  return std::atoi(buffer + 9);  // "HTTP/1.1 401 ..."
}

TEST_F(HookHttpTest, DotSegmentsAndOddRequestTargetsNeverSkipAuth) {
  const int port = server->port();
  const std::string firing = R"({"alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown",)"
                             R"("gateway":"default"},"startsAt":"2026-03-10T09:59:00Z","fingerprint":"abc"}]})";
  const std::string host = "127.0.0.1:" + std::to_string(port);
  const auto post_raw = [&](const std::string& target) {
    return raw_status(port, "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                            "Content-Length: " + std::to_string(firing.size()) + "\r\nConnection: close\r\n\r\n" +
                            firing);
  };
  for (const char* target : {"/healthz/../alerts", "/healthz/./../alerts", "/healthz/%2e%2e/alerts",
                             "/healthz/..%2falerts", "/./alerts", "http://x/alerts"}) {
    // 401, 400, 404 or a closed connection (0): anything but an unauthenticated 200.
    const int status = post_raw(target);
    EXPECT_TRUE(status == 401 || status == 400 || status == 404 || status == 0) << target << " answered " << status;
  }
  EXPECT_EQ(raw_status(port, "GET /healthz/../api/v1/decisions HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"),
            401);
  wait_idle();
  EXPECT_EQ(restarts(), 0U);
}

TEST_F(HookHttpTest, SecretsAppearOnNoPageAndInNoRecord) {
  ASSERT_EQ(post(fixture("am025-firing.json")).status, 200);
  wait_idle();
  for (const char* path : {"/", "/api/v1/decisions", "/metrics"}) {
    const auto page = t::http_request("GET", base + path, "", {kBearer});
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_EQ(page.body.find("s3cret-token"), std::string::npos) << path;
    EXPECT_EQ(page.body.find("capture-password"), std::string::npos) << path;
  }
  const std::string audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_EQ(audit.find("s3cret-token"), std::string::npos);
  EXPECT_EQ(audit.find("capture-password"), std::string::npos);
}

// Bytes that are not UTF-8 are refused by the parser, but the page also shows records read back from
// audit.log, whose lines may have any shape: it must escape, repair and never throw.
TEST(StatusPage, EscapesMarkupRepairsInvalidUtf8AndSurvivesAnyRecordShape) {
  const Config config = testing::example_config();
  std::vector<nlohmann::json> records = {
      {{"event", "decision"}, {"reason", "<script>alert(1)</script>"},
       {"alert", {{"labels", {{"alertname", "\"><img src=x onerror=alert(1)>"}}}}}},
      {{"event", std::string("bad \xc3\x28 utf8 \xed\xa0\x80 surrogate \x01 ctl")}},
      {{"event", "decision"}, {"alert", {{"labels", {{"alertname", 7}}}}}},  // not a string
      {{"event", "decision"}, {"alert", "not an object"}},
      nlohmann::json::array({1, 2}),
      nlohmann::json("just a string")};
  std::string html;
  ASSERT_NO_THROW(html = render_index(config, false, records));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img"), std::string::npos);
  EXPECT_NE(html.find("bad \xEF\xBF\xBD( utf8"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  // The whole page is well-formed UTF-8: it round-trips through a strict JSON string.
  EXPECT_NO_THROW((void)nlohmann::json(html).dump());
}

TEST(StateDir, UnwritableAtStartIsAClearErrorNamingIt) {
  t::TempDir dir;
  std::filesystem::create_directories(dir.file("state/state.json.tmp"));  // every save fails: EISDIR
  const Config config = testing::example_config(dir.file("state"));
  testing::FakeClock clock{testing::utc("2026-03-10T10:00:00Z")};
  testing::FakeRunner runner;
  testing::FakeHealth health;
  testing::FakeBusy busy;
  testing::FakeUnitControl units;
  HookMetrics metrics({"default"});
  try {
    Engine engine(config, EngineDeps{clock, runner, health, busy, units}, metrics, EngineOptions{});
    FAIL() << "an engine whose state cannot be saved must not start";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("state")), std::string::npos) << e.what();
  }
}

// A corrupt state.json no longer keeps the hook from starting, and what the audit log shows done is not done again:
// the same alert re-delivered is a duplicate, another alert waits for the cooldown.
TEST_F(HookHttpTest, CorruptStateIsSetAsideAndRebuiltFromTheAuditLog) {
  ASSERT_EQ(post(fixture("am025-firing.json")).status, 200);
  wait_idle();
  ASSERT_EQ(restarts(), 1U);
  server.reset();
  engine.reset();
  t::write_file(dir.file("state/state.json"), "{\"version\": 3, \"gateways\": {\"default\": [tr");
  clock.advance(2min);
  start();  // the hook starts again
  std::vector<std::string> aside;
  for (const auto& entry : std::filesystem::directory_iterator(dir.file("state"))) {
    if (entry.path().filename().string().rfind("state.json.corrupt-", 0) == 0) aside.push_back(entry.path());
  }
  ASSERT_EQ(aside.size(), 1U);
  EXPECT_EQ(t::read_file(aside[0]), "{\"version\": 3, \"gateways\": {\"default\": [tr");  // kept for a person
  EXPECT_EQ(metric("openclaw_restart_hook_state_set_aside_timestamp_seconds", {}),
            static_cast<double>(to_unix_ms(clock.now())) / 1000.0);
  const auto audit = testing::audit_events(*engine, "state_set_aside");
  ASSERT_EQ(audit.size(), 1U);
  EXPECT_EQ(audit[0]["rebuilt_restarts"], 1);
  const auto again = post(fixture("am025-firing.json"));
  EXPECT_EQ(nlohmann::json::parse(again.body)["decisions"][0]["reason"], "duplicate") << again.body;
  const auto other = post(R"({"alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayDown",)"
                          R"("gateway":"default"},"startsAt":"2026-03-10T10:01:00Z","fingerprint":"other"}]})");
  EXPECT_EQ(nlohmann::json::parse(other.body)["decisions"][0]["reason"], "cooldown") << other.body;
  wait_idle();
  EXPECT_EQ(restarts(), 1U);
}

// Two hooks on one state directory would each keep their own cooldown and circuit: the second refuses to start.
TEST_F(HookHttpTest, ASecondHookOnTheSameStateDirRefusesToStart) {
  HookMetrics second_metrics({"default"});
  try {
    Engine second(*config, EngineDeps{clock, runner, health, busy, units}, second_metrics, EngineOptions{});
    FAIL() << "two engines shared " << config->state_dir;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another openclaw-restart-hook (pid " + std::to_string(::getpid())),
              std::string::npos)
        << e.what();
  }
  server.reset();
  engine.reset();  // the lock goes with its owner
  start();
  EXPECT_EQ(post(fixture("am025-firing.json")).status, 200);
}

TEST_F(HookHttpTest, UnwritableAtRunTimeAnswers500AndNothingRunsThenTheRetryActs) {
  std::filesystem::create_directories(dir.file("state/state.json.tmp"));
  EXPECT_EQ(post(fixture("am025-firing.json")).status, 500);
  wait_idle();
  EXPECT_EQ(restarts(), 0U);
  EXPECT_TRUE(engine->state().dedupe.empty());
  std::filesystem::remove(dir.file("state/state.json.tmp"));
  EXPECT_EQ(post(fixture("am025-firing.json")).status, 200);  // Alertmanager's retry
  wait_idle();
  EXPECT_EQ(restarts(), 1U);
}

TEST_F(HookHttpTest, ManyAlertsInOnePayloadAreDecidedTogetherAndRestartOnce) {
  nlohmann::json payload = {{"version", "4"}, {"alerts", nlohmann::json::array()}};
  for (int i = 0; i < 2000; ++i) {
    payload["alerts"].push_back({{"status", "firing"},
                                 {"labels", {{"alertname", "OpenClawGatewayDown"}, {"gateway", "default"}}},
                                 {"startsAt", "2026-03-10T09:59:00Z"},
                                 {"fingerprint", "fp" + std::to_string(i)}});
  }
  const auto answer = post(payload.dump());
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto decisions = nlohmann::json::parse(answer.body)["decisions"];
  ASSERT_EQ(decisions.size(), 2000U);
  EXPECT_EQ(decisions[0]["reason"], "executed");
  EXPECT_EQ(decisions[1999]["reason"], "in_progress_coalesced");
  wait_idle();
  EXPECT_EQ(restarts(), 1U);
  EXPECT_EQ(engine->state().dedupe.size(), 2000U);
  // Every decision reached the audit log, and the persisted state holds every served alert.
  const std::string audit = t::read_file(dir.file("state/audit.log"));
  EXPECT_NE(audit.find(R"("fingerprint":"fp1999")"), std::string::npos);
  EXPECT_NE(t::read_file(dir.file("state/state.json")).find("fp1999"), std::string::npos);
}

TEST(ListenAddress, EveryAddressOfACommaListMustBeLoopback) {
  EXPECT_TRUE(listens_on_loopback_only("127.0.0.1:9788"));
  EXPECT_TRUE(listens_on_loopback_only("localhost:9788"));
  EXPECT_TRUE(listens_on_loopback_only("127.0.0.1:9788,127.0.0.2:9789"));
  EXPECT_FALSE(listens_on_loopback_only("127.0.0.1:9788,0.0.0.0:9789"));
  EXPECT_FALSE(listens_on_loopback_only(":9788"));
  EXPECT_FALSE(listens_on_loopback_only("0.0.0.0:9788"));
  EXPECT_FALSE(listens_on_loopback_only("10.0.0.1:9788"));
}

}  // namespace
}  // namespace openclaw::hook
