// Faults the hook must survive, each with a real mechanism (docs/testing.md, "Faults"): the user manager hung or
// gone (a socket that never answers, a stale socket), the health endpoint resetting, trickling or answering 200
// with garbage, and state_dir full (a tmpfs filled up), read-only (a read-only bind mount) or refusing the audit
// log alone (RLIMIT_FSIZE). When the hook cannot record a decision it refuses to act, says why with a 5xx (which
// Alertmanager retries), and the retry acts once the disk is back.
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>

#include "faulty_server.hpp"
#include "hook_http_fixture.hpp"
#include "private_mounts.hpp"
#include "sd_bus_unit_control.hpp"

namespace openclaw::hook {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::chrono::milliseconds since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
}

// ---- The user manager hung or gone --------------------------------------------------------------------------------

class HungOrGoneManager : public ::testing::TestWithParam<t::BusFault> {};

// Every call fails within about its call timeout, with a reason; before the fix a manager that accepted and never
// answered held each call for sd-bus's 90 s authentication timeout.
TEST_P(HungOrGoneManager, EveryCallFailsWithinTheCallTimeoutAndSaysWhy) {
  t::TempDir dir;
  const t::FaultyBusSocket manager(dir.file("private"), GetParam());
  SdBusUnitControl units(manager.address(), 300ms);
  auto started = SteadyClock::now();
  const auto status = units.status("openclaw-gateway.service");
  EXPECT_LT(since(started), 3s);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find(dir.file("private")), std::string::npos) << status.error();
  started = SteadyClock::now();
  const auto restart = units.start_restart("openclaw-gateway.service");
  EXPECT_LT(since(started), 3s);
  EXPECT_FALSE(restart.ok());
  started = SteadyClock::now();
  EXPECT_FALSE(units.kill_main("openclaw-gateway.service", SIGTERM).ok());
  EXPECT_LT(since(started), 3s);
}

INSTANTIATE_TEST_SUITE_P(Faults, HungOrGoneManager,
                         ::testing::Values(t::BusFault::kNeverAccepts, t::BusFault::kSilent,
                                           t::BusFault::kClosesAtOnce, t::BusFault::kStaleSocket),
                         [](const auto& p) { return t::bus_fault_name(p.param); });

// The whole engine with a hung manager: the restart is recorded as failed (naming the manager), retried once and
// given up, in seconds; the worker is free again and the next alert is decided.
TEST(HungManager, ARestartFailsInSecondsIsRetriedOnceAndGivenUp) {
  t::TempDir dir;
  const t::FaultyBusSocket manager(dir.file("private"), t::BusFault::kNeverAccepts);
  SdBusUnitControl units(manager.address(), 300ms);
  std::string yaml = testing::example_config_yaml(dir.file("state"));
  yaml.replace(yaml.find("  verify_timeout: 60s"), std::string("  verify_timeout: 60s").size(),
               "  verify_timeout: 60s\n  retry_backoff: 100ms");
  const Config config = parse_config(yaml);
  testing::FakeClock clock{testing::utc("2026-03-10T10:00:00Z")};
  testing::FakeRunner runner;
  testing::FakeHealth health;
  testing::FakeBusy busy;
  HookMetrics metrics({"default"});
  Engine engine(config, EngineDeps{clock, runner, health, busy, units}, metrics,
                EngineOptions{.dry_run = false, .tick_interval = 50ms, .verify_poll_interval = 10ms});
  const auto started = SteadyClock::now();
  const auto decided = engine.handle(*parse_webhook(fixture("am025-firing.json")));
  ASSERT_TRUE(decided.ok()) << decided.error();
  EXPECT_EQ((*decided)[0]["reason"], "executed");
  ASSERT_TRUE(t::wait_until([&] { return !testing::audit_events(engine, "gave_up").empty(); }, 15s));
  EXPECT_LT(since(started), 10s);
  const auto attempts = testing::audit_events(engine, "restart");
  ASSERT_EQ(attempts.size(), 2U);
  for (const auto& attempt : attempts) {
    EXPECT_EQ(attempt["result"], "failed") << attempt.dump();
    EXPECT_NE(attempt.value("detail", "").find(dir.file("private")), std::string::npos) << attempt.dump();
  }
  EXPECT_TRUE(t::wait_until([&] { return engine.idle(); }, 5s));
}

// ---- The health endpoint misbehaving ------------------------------------------------------------------------------

TEST(FaultyHealthEndpoint, AResetIsUnhealthyAtOnce) {
  const t::FaultyHttpServer gateway(t::FaultyHttpServer::Fault::kReset);
  CurlHealthChecker health;
  const auto started = SteadyClock::now();
  EXPECT_FALSE(health.healthy(gateway.url("/readyz"), 5s));
  EXPECT_LT(since(started), 2s);
  EXPECT_EQ(gateway.requests(), 1);
}

// A byte every 200 ms: the whole answer would be a ready gateway, but it does not arrive within the timeout.
TEST(FaultyHealthEndpoint, ATrickledAnswerIsCutAtTheTimeoutAndIsUnhealthy) {
  const t::FaultyHttpServer gateway(t::FaultyHttpServer::Fault::kTrickle, 200ms);
  CurlHealthChecker health;
  const auto started = SteadyClock::now();
  EXPECT_FALSE(health.healthy(gateway.url("/readyz"), 700ms));
  EXPECT_GE(since(started), 600ms);
  EXPECT_LT(since(started), 3s);
}

TEST(FaultyHealthEndpoint, BytesThatAreNotHttpAreUnhealthy) {
  const t::FaultyHttpServer gateway(t::FaultyHttpServer::Fault::kNotHttp);
  CurlHealthChecker health;
  EXPECT_FALSE(health.healthy(gateway.url("/readyz"), 2s));
}

// health_url's contract is "2xx is healthy" (docs/restart-hook.md): the body is not read, so a 200 with garbage is
// healthy. Pinned here so that a change of that contract is a decision, not an accident.
TEST(FaultyHealthEndpoint, A200WithGarbageIsHealthyAsDocumented) {
  const t::FaultyHttpServer gateway(t::FaultyHttpServer::Fault::kGarbage200);
  CurlHealthChecker health;
  EXPECT_TRUE(health.healthy(gateway.url("/readyz"), 2s));
}

// ---- state_dir full, read-only, or the audit log refusing writes --------------------------------------------------

// The hook's HTTP server and engine on a state_dir with a real file-system fault. The mounts come first, in a
// private mount namespace of the test's main thread, so that the engine's and the server's threads see them.
class StateDirFault : public HookHttpTest {
 protected:
  void SetUp() override {
    if (const std::string why = t::PrivateMounts::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    mounts = std::make_unique<t::PrivateMounts>();
  }
  void TearDown() override {
    server.reset();
    engine.reset();  // its files on the mounts are closed before they go
    mounts.reset();
  }
  // The answer to one firing alert, with the reason the hook gave.
  t::HttpResponse deliver() { return post(fixture("am025-firing.json")); }
  // Nothing acted, nothing was kept in memory or on disk that would make Alertmanager's retry a duplicate.
  void expect_nothing_done() {
    wait_idle();
    EXPECT_EQ(restarts(), 0U);
    EXPECT_TRUE(engine->state().dedupe.empty());
    const std::string on_disk = t::read_file(dir.file("state/state.json"));
    EXPECT_EQ(on_disk.find("e6e1d23547e4ced7"), std::string::npos) << on_disk;  // the alert's fingerprint
    EXPECT_EQ(on_disk.find("\"in_progress\": true"), std::string::npos) << on_disk;
    EXPECT_EQ(metric("openclaw_restart_hook_webhooks_total", {{"code", "500"}}), 1);
  }
  // Alertmanager's retry, once the disk is back: acts once.
  void expect_the_retry_acts() {
    const auto retry = deliver();
    ASSERT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(nlohmann::json::parse(retry.body)["decisions"][0]["reason"], "executed") << retry.body;
    wait_idle();
    EXPECT_EQ(restarts(), 1U);
    EXPECT_NE(t::read_file(dir.file("state/audit.log")).find(R"("reason":"executed")"), std::string::npos);
  }
  std::unique_ptr<t::PrivateMounts> mounts;
};

TEST_F(StateDirFault, AFullDiskRefusesToActSaysSoWith500AndTheRetryActsOnceThereIsSpace) {
  mounts->tmpfs(dir.file("state"), 256 * 1024);
  start();
  t::fill_file_system(dir.file("state/filler"));
  const auto refused = deliver();
  EXPECT_EQ(refused.status, 500) << refused.body;  // 5xx: Alertmanager retries it
  EXPECT_NE(refused.body.find("No space left on device"), std::string::npos) << refused.body;
  expect_nothing_done();
  std::filesystem::remove(dir.file("state/filler"));
  expect_the_retry_acts();
}

TEST_F(StateDirFault, AReadOnlyStateDirRefusesToActSaysSoWith500AndTheRetryActsOnceWritable) {
  std::filesystem::create_directories(dir.file("state"));
  start();
  mounts->read_only(dir.file("state"));
  const auto refused = deliver();
  EXPECT_EQ(refused.status, 500) << refused.body;
  EXPECT_NE(refused.body.find("Read-only file system"), std::string::npos) << refused.body;
  expect_nothing_done();
  mounts->unmount(dir.file("state"));
  expect_the_retry_acts();
}

// state.json can be written but the audit log cannot (the file-size limit stops it alone): the decision is not
// recorded, so it is undone on disk too — a crash now must not leave a restart on disk that never ran.
TEST_F(StateDirFault, AnAuditLogThatCannotBeWrittenUndoesTheSavedStateAndRefusesToAct) {
  std::filesystem::create_directories(dir.file("state"));
  // Lines the hook skips (not JSON), making the audit log larger than state.json will be.
  t::write_file(dir.file("state/audit.log"), std::string(16 * 1024, '#') + "\n");
  start();
  const auto audit_size = std::filesystem::file_size(dir.file("state/audit.log"));
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &before), 0);
  const auto previous = ::signal(SIGXFSZ, SIG_IGN);  // the write fails with EFBIG instead of killing us
  rlimit at_audit_size = before;
  at_audit_size.rlim_cur = audit_size;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &at_audit_size), 0);
  const auto refused = deliver();
  ::setrlimit(RLIMIT_FSIZE, &before);
  ::signal(SIGXFSZ, previous);
  EXPECT_EQ(refused.status, 500) << refused.body;
  EXPECT_NE(refused.body.find("audit.log"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("File too large"), std::string::npos) << refused.body;
  expect_nothing_done();
  expect_the_retry_acts();
}

TEST_F(StateDirFault, AReadOnlyStateDirAtStartIsAClearErrorNamingIt) {
  std::filesystem::create_directories(dir.file("state"));
  mounts->read_only(dir.file("state"));
  try {
    start();
    FAIL() << "the hook started on a read-only state_dir";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("state")), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Read-only file system"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace openclaw::hook
