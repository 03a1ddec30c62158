#include "state_store.hpp"
#include "state_rebuild.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

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
  gs.pending = PendingRestart{};
  gs.pending->since = utc("2026-03-10T10:40:00Z");
  gs.pending->rule_name = "rule-1";
  gs.pending->triggers = {"default|fp|2026"};
  gs.pending->last_reason = "outside_window";
  gs.pending->not_before = utc("2026-03-10T12:00:00Z");
  state.dedupe["default|fp|2026"] = utc("2026-03-11T10:00:00Z");
  return state;
}

std::string golden_file(const std::string& name) {
  return openclaw::testing::read_file(openclaw::testing::source_dir() + "/tests/restart_hook/fixtures/state/" + name);
}

// What fixtures/state/state-v1.json holds (see its README), built by hand rather than read from the file.
PolicyState golden_v1_state() {
  PolicyState state;
  GatewayState& gs = state.gateways["default"];
  gs.restarts = {utc("2026-03-10T10:00:00Z") + 120ms, utc("2026-03-10T10:20:00Z") + 250ms,
                 utc("2026-03-10T10:25:30Z") + 999ms};
  gs.last_restart = utc("2026-03-10T10:25:30Z") + 999ms;
  gs.circuit_opened_at = utc("2026-03-10T10:30:00Z") + 500ms;
  gs.circuit_reset_at = utc("2026-03-10T10:12:00Z");
  gs.in_progress = true;
  gs.pending = PendingRestart{};
  gs.pending->since = utc("2026-03-10T10:40:00Z") + 1ms;
  gs.pending->rule = 2;  // format 1: by index
  gs.pending->triggers = {"default|9f1c2a7b3e4d5f60|2026-03-10T10:39:58.123Z"};
  gs.pending->last_reason = "busy_deferred";
  state.gateways["staging"] = GatewayState{};
  state.dedupe["default|9f1c2a7b3e4d5f60|2026-03-10T10:39:58.123Z"] = utc("2026-03-11T10:40:00Z") + 1ms;
  state.dedupe["staging|0a1b2c3d4e5f6071|2026-03-09T23:59:59Z"] = utc("2026-03-10T00:59:59Z");
  return state;
}

// What fixtures/state/state-v2.json holds: format 2 names the pending restart's rule and keeps its triggers, notice
// and busy time, and the rule of a restart in progress.
PolicyState golden_v2_state() {
  PolicyState state = golden_v1_state();
  GatewayState& gs = state.gateways["default"];
  gs.in_progress_rule = "rule-0";
  PendingRestart& p = *gs.pending;
  p.rule = 0;
  p.rule_name = "uptime";
  p.triggers.push_back("default|77aa00bb11cc22dd|2026-03-10T10:41:00Z");
  p.not_before = utc("2026-03-10T12:05:00Z");
  p.busy_for = 754'321ms;
  p.busy_seen_at = utc("2026-03-10T12:17:30Z") + 250ms;
  return state;
}

// What fixtures/state/state-v3.json holds: format 3 adds when the last attempt succeeded and when it failed.
PolicyState golden_v3_state() {
  PolicyState state = golden_v2_state();
  GatewayState& gs = state.gateways["default"];
  gs.last_success = utc("2026-03-10T10:20:07Z") + 250ms;
  gs.last_failure = utc("2026-03-10T10:26:41Z") + 999ms;
  return state;
}

// Times as milliseconds since the epoch, so that a failure prints the numbers found in the golden file.
std::optional<long long> unix_ms(const std::optional<TimePoint>& t) {
  return t ? std::optional(to_unix_ms(*t)) : std::nullopt;
}

std::vector<long long> unix_ms(const std::vector<TimePoint>& times) {
  std::vector<long long> out;
  for (const auto t : times) out.push_back(to_unix_ms(t));
  return out;
}

std::map<std::string, long long> unix_ms(const std::map<std::string, TimePoint>& dedupe) {
  std::map<std::string, long long> out;
  for (const auto& [key, expiry] : dedupe) out[key] = to_unix_ms(expiry);
  return out;
}

void expect_same_gateway(const GatewayState& actual, const GatewayState& expected) {
  EXPECT_EQ(unix_ms(actual.restarts), unix_ms(expected.restarts));
  EXPECT_EQ(unix_ms(actual.last_restart), unix_ms(expected.last_restart));
  EXPECT_EQ(unix_ms(actual.last_success), unix_ms(expected.last_success));
  EXPECT_EQ(unix_ms(actual.last_failure), unix_ms(expected.last_failure));
  EXPECT_EQ(unix_ms(actual.circuit_opened_at), unix_ms(expected.circuit_opened_at));
  EXPECT_EQ(unix_ms(actual.circuit_reset_at), unix_ms(expected.circuit_reset_at));
  EXPECT_EQ(actual.in_progress, expected.in_progress);
  ASSERT_EQ(actual.pending.has_value(), expected.pending.has_value());
  if (!expected.pending) return;
  EXPECT_EQ(to_unix_ms(actual.pending->since), to_unix_ms(expected.pending->since));
  EXPECT_EQ(actual.in_progress_rule, expected.in_progress_rule);
  EXPECT_EQ(actual.pending->rule_name, expected.pending->rule_name);
  if (expected.pending->rule_name.empty()) {
    EXPECT_EQ(actual.pending->rule, expected.pending->rule);
  }
  EXPECT_EQ(actual.pending->triggers, expected.pending->triggers);
  EXPECT_EQ(actual.pending->last_reason, expected.pending->last_reason);
  EXPECT_EQ(unix_ms(actual.pending->not_before), unix_ms(expected.pending->not_before));
  EXPECT_EQ(actual.pending->busy_for, expected.pending->busy_for);
  EXPECT_EQ(unix_ms(actual.pending->busy_seen_at), unix_ms(expected.pending->busy_seen_at));
}

void expect_loads(const std::string& file, const PolicyState& expected) {
  const auto loaded = deserialize_state(golden_file(file));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_EQ(loaded->gateways.size(), expected.gateways.size());
  for (const auto& [name, gs] : expected.gateways) {
    SCOPED_TRACE("gateway " + name);
    ASSERT_EQ(loaded->gateways.count(name), 1U);
    expect_same_gateway(loaded->gateways.at(name), gs);
  }
  EXPECT_EQ(unix_ms(loaded->dedupe), unix_ms(expected.dedupe));
}

// The reader against files it did not write: a renamed key, a unit change (s vs ms) or a dropped field fails here.
// Format 1 (written by hooks before pending restarts kept their rule name) still loads.
TEST(StateSerialization, LoadsTheVersion1GoldenFile) { expect_loads("state-v1.json", golden_v1_state()); }
TEST(StateSerialization, LoadsTheVersion2GoldenFile) { expect_loads("state-v2.json", golden_v2_state()); }
TEST(StateSerialization, LoadsTheVersion3GoldenFile) { expect_loads("state-v3.json", golden_v3_state()); }

// The writer against the current format's file, compared as parsed JSON (indentation and key order are free), so
// the writer cannot drift either: what one hook writes, another hook of the same format version must read.
TEST(StateSerialization, WritesTheVersion3GoldenFormat) {
  const auto written = nlohmann::json::parse(serialize_state(golden_v3_state()));
  const auto golden = nlohmann::json::parse(golden_file("state-v3.json"));
  EXPECT_EQ(written, golden) << "JSON patch from what is written to the golden file: "
                             << nlohmann::json::diff(written, golden).dump();
}

// The same code both ways, on a state unlike the golden one (no circuit reset): reader and writer agree with each
// other. Only the golden tests above pin the format.
TEST(StateSerialization, RoundTrips) {
  const PolicyState state = sample_state();
  const auto back = deserialize_state(serialize_state(state));
  ASSERT_TRUE(back.ok()) << back.error();
  expect_same_gateway(back->gateways.at("default"), state.gateways.at("default"));
  EXPECT_EQ(unix_ms(back->dedupe), unix_ms(state.dedupe));
}

TEST(StateSerialization, CorruptOrForeignStateIsAnError) {
  EXPECT_FALSE(deserialize_state("{").ok());
  EXPECT_FALSE(deserialize_state(R"({"version":4,"gateways":{},"dedupe":{}})").ok());
  EXPECT_FALSE(deserialize_state(R"({"version":1,"gateways":{"x":{}},"dedupe":{}})").ok());
}

// Found by fuzz_hook_state (fuzz/README.md): a float where a time belongs (1.77e27) was converted with a static_cast
// whose result does not fit (undefined behaviour, UBSan's report), and a huge integer time overflowed when made
// nanoseconds. Numbers the writer never produces make the file corrupt (kept aside, counted) instead.
TEST(StateSerialization, ANumberTheWriterNeverProducesIsCorruption) {
  const auto with_restart = [](const std::string& value) {
    return deserialize_state(R"({"version":3,"dedupe":{},"gateways":{"default":{"restarts":[)" + value + "]}}}");
  };
  EXPECT_TRUE(with_restart("1773138330999").ok());
  // 17573139200001 (year 2526): its nanoseconds overflowed system_clock's 64 bits (the fuzzer's second input).
  for (const char* bad : {"1.77314e+27", "1773138330999.5", "9223372036854775807", "18446744073709551615", "-1",
                          "17573139200001", "true", "\"1773138330999\""}) {
    const auto loaded = with_restart(bad);
    EXPECT_FALSE(loaded.ok()) << bad;
    if (!loaded.ok()) {
      EXPECT_NE(loaded.error().find("corrupt state"), std::string::npos) << loaded.error();
    }
  }
  EXPECT_FALSE(deserialize_state(R"({"version":1e300,"gateways":{},"dedupe":{}})").ok());
  EXPECT_FALSE(deserialize_state(R"({"version":3,"gateways":{},"dedupe":{"k":1e30}})").ok());
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


// What the audit log shows done, in the records the engine writes (engine.cpp, engine_restart.cpp).
TEST(StateRebuild, WhatTheAuditLogShowsDoneBecomesTheStateAgain) {
  const Config config = testing::example_config();  // window 1h, cooldown 15m, dedupe_ttl 24h
  const auto line = [](const std::string& json) { return nlohmann::json::parse(json); };
  const std::vector<nlohmann::json> records = {
      line(R"({"ts":"2026-03-10T09:00:00.000Z","event":"decision","gateway":"default","rule":"rule-0","decision":"restart","reason":"executed","alert":{"status":"firing","labels":{},"fingerprint":"old","starts_at":"2026-03-10T08:59:00Z"}})"),
      line(R"({"ts":"2026-03-10T09:00:30.000Z","event":"restart","gateway":"default","result":"success"})"),
      line(R"({"ts":"2026-03-10T11:40:00.250Z","event":"decision","gateway":"default","rule":"rule-0","decision":"restart","reason":"executed","alert":{"status":"firing","labels":{},"fingerprint":"fp1","starts_at":"2026-03-10T11:39:00Z"}})"),
      line(R"({"ts":"2026-03-10T11:41:00.000Z","event":"restart","gateway":"default","result":"failed","attempt":1})"),
      line(R"({"ts":"2026-03-10T11:41:30.000Z","event":"decision","gateway":"default","rule":"rule-0","decision":"restart","reason":"retry"})"),
      line(R"({"ts":"2026-03-10T11:50:00.000Z","event":"decision","gateway":"default","decision":"none","reason":"circuit_open","opens_circuit":true})"),
      line(R"({"ts":"2026-03-10T11:55:00.000Z","event":"circuit_reset","gateway":"default","requested_by":"x"})"),
      line(R"({"ts":"2026-03-10T11:56:00.000Z","event":"decision","gateway":"unknown","decision":"restart"})"),
      line(R"({"ts":"not a time","event":"decision","gateway":"default","decision":"restart"})"),
      line(R"({"event":"decision","gateway":"default","decision":"restart"})"),
  };
  const PolicyState state = rebuild_state_from_audit(records, config, utc("2026-03-10T12:00:00Z"));
  ASSERT_EQ(state.gateways.size(), 1U) << "an unconfigured gateway is not rebuilt";
  const GatewayState& gs = state.gateways.at("default");
  // 09:00 is older than max(window, cooldown): pruned from the circuit's count, but its result still counts.
  EXPECT_EQ(unix_ms(gs.restarts), (std::vector<long long>{to_unix_ms(utc("2026-03-10T11:40:00Z")) + 250,
                                                           to_unix_ms(utc("2026-03-10T11:41:30Z"))}));
  EXPECT_EQ(gs.last_restart, utc("2026-03-10T11:41:30Z"));
  EXPECT_EQ(gs.last_success, utc("2026-03-10T09:00:30Z"));
  EXPECT_EQ(gs.last_failure, utc("2026-03-10T11:41:00Z"));
  EXPECT_FALSE(gs.circuit_opened_at.has_value());
  EXPECT_EQ(gs.circuit_reset_at, utc("2026-03-10T11:55:00Z"));
  // The retry has no result on record: a restart was running when the state was lost.
  EXPECT_TRUE(gs.in_progress);
  EXPECT_EQ(gs.in_progress_rule, "rule-0");
  EXPECT_EQ(state.dedupe.size(), 2U);
  EXPECT_EQ(state.dedupe.at("default|fp1|2026-03-10T11:39:00Z"), utc("2026-03-11T11:40:00Z") + 250ms);
  EXPECT_EQ(state.dedupe.count("default|old|2026-03-10T08:59:00Z"), 1U);
}

TEST(StateRebuild, AuditTimesParseOnlyInTheFormatTheHookWrites) {
  EXPECT_EQ(parse_audit_time("2026-03-10T11:40:00.250Z"), utc("2026-03-10T11:40:00Z") + 250ms);
  EXPECT_EQ(parse_audit_time(format_rfc3339_ms(1773136800120)), from_unix_ms(1773136800120));
  EXPECT_FALSE(parse_audit_time("2026-03-10T11:40:00Z").has_value());
  EXPECT_FALSE(parse_audit_time("2026-03-10T11:40:00.250+01:00").has_value());
  EXPECT_FALSE(parse_audit_time("").has_value());
}

}  // namespace
}  // namespace openclaw::hook
