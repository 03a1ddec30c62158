#include "state_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "audit_log.hpp"
#include "hook_test_util.hpp"
#include "test_support.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
using testing::utc;

PolicyState sample_state() {
  PolicyState state;
  GatewayState& gs = state.gateways["default"];
  gs.restarts = {utc("2026-03-10T10:00:00Z"), utc("2026-03-10T10:20:00Z")};
  gs.last_restart = utc("2026-03-10T10:20:00Z");
  gs.circuit_opened_at = utc("2026-03-10T10:30:00Z");
  gs.in_progress = true;
  gs.pending = PendingRestart{utc("2026-03-10T10:40:00Z"), 1, "default|fp|2026", "outside_window"};
  state.dedupe["default|fp|2026"] = utc("2026-03-11T10:00:00Z");
  return state;
}

TEST(StateSerialization, RoundTrips) {
  const PolicyState state = sample_state();
  const auto back = deserialize_state(serialize_state(state));
  ASSERT_TRUE(back.ok()) << back.error();
  const GatewayState& gs = back->gateways.at("default");
  EXPECT_EQ(gs.restarts, state.gateways.at("default").restarts);
  EXPECT_EQ(gs.last_restart, utc("2026-03-10T10:20:00Z"));
  EXPECT_EQ(gs.circuit_opened_at, utc("2026-03-10T10:30:00Z"));
  EXPECT_FALSE(gs.circuit_reset_at.has_value());
  EXPECT_TRUE(gs.in_progress);
  ASSERT_TRUE(gs.pending.has_value());
  EXPECT_EQ(gs.pending->rule, 1U);
  EXPECT_EQ(gs.pending->last_reason, "outside_window");
  EXPECT_EQ(back->dedupe.at("default|fp|2026"), utc("2026-03-11T10:00:00Z"));
}

TEST(StateSerialization, CorruptOrForeignStateIsAnError) {
  EXPECT_FALSE(deserialize_state("{").ok());
  EXPECT_FALSE(deserialize_state(R"({"version":2,"gateways":{},"dedupe":{}})").ok());
  EXPECT_FALSE(deserialize_state(R"({"version":1,"gateways":{"x":{}},"dedupe":{}})").ok());
}

TEST(StateStore, SavesAtomicallyAndLoads) {
  openclaw::testing::TempDir dir;
  StateStore store(dir.path());
  EXPECT_TRUE(store.load()->gateways.empty());  // a missing file is a fresh state
  ASSERT_TRUE(store.save(sample_state()).ok());
  EXPECT_FALSE(std::filesystem::exists(store.path() + ".tmp"));
  struct stat st {};
  ASSERT_EQ(::stat(store.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777U, 0600U);
  const auto loaded = store.load();
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->gateways.at("default").restarts.size(), 2U);
  std::ofstream(store.path()) << "garbage";
  EXPECT_FALSE(store.load().ok());
}

TEST(StateStore, PruneDropsExpiredDedupeAndOldRestarts) {
  PolicyState state = sample_state();
  prune_state(state, utc("2026-03-11T10:00:00Z"), 24h);
  EXPECT_TRUE(state.dedupe.empty());
  EXPECT_EQ(state.gateways.at("default").restarts.size(), 1U);
}

TEST(AuditLog, AppendsJsonLinesAndReadsBackTheTail) {
  openclaw::testing::TempDir dir;
  {
    AuditLog log(dir.path());
    for (int i = 0; i < 60; ++i) ASSERT_TRUE(log.append({{"event", "decision"}, {"i", i}}, i % 10 == 0).ok());
    EXPECT_EQ(log.recent().size(), AuditLog::kRecentCapacity);
    EXPECT_EQ(log.recent().back()["i"], 59);
    // Invalid UTF-8 in a label is recorded (replaced), not lost.
    ASSERT_TRUE(log.append({{"label", std::string("bad\xff")}}, true).ok());
  }
  std::ifstream in(dir.file("audit.log"));
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    const auto record = nlohmann::json::parse(line);
    EXPECT_TRUE(record.contains("ts"));
    ++lines;
  }
  EXPECT_EQ(lines, 61);
  AuditLog reopened(dir.path());
  ASSERT_EQ(reopened.recent().size(), AuditLog::kRecentCapacity);
  EXPECT_EQ(reopened.recent().front()["i"], 11);
}

TEST(AuditLog, FormatsTimestamps) { EXPECT_EQ(format_rfc3339_ms(1773136800123), "2026-03-10T10:00:00.123Z"); }

}  // namespace
}  // namespace openclaw::hook
