// The log source end to end: a real gateway line appended to a real file becomes a counter increase and gauges.
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "families.hpp"
#include "fixture_files.hpp"
#include "gateway_collector.hpp"
#include "log_source.hpp"
#include "paths.hpp"

using namespace openclaw::exporter;
using namespace std::chrono_literals;
using openclaw::testing::append_file;
using openclaw::testing::TempDir;

namespace {

std::string real_line(const std::string& text) {
  std::ifstream in(kRealLog);
  for (std::string line; std::getline(in, line);) {
    if (line.find(text) != std::string::npos) return line;
  }
  throw std::runtime_error("no line with " + text);
}

using openclaw::testing::families::value_of;

GatewayTarget target_logging_to(const std::string& log_dir) {
  GatewayTarget t{"gw", "", "/nonexistent/pid", "", "http://127.0.0.1:1"};
  t.log_dir = log_dir;
  return t;
}

// A collector with only the log source, polling every 10 ms on a fixed date.
std::unique_ptr<GatewayCollector> log_collector(const GatewayTarget& gateway) {
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(
      std::make_unique<LogSource>(std::vector<GatewayTarget>{gateway}, 10ms, [] { return std::string("2026-12-01"); }));
  return std::make_unique<GatewayCollector>(std::vector<GatewayTarget>{gateway},
                                            std::make_shared<const ProcessSampler>(), std::move(sources));
}

const std::map<std::string, std::string> kHeapCritical = {
    {"gateway", "gw"}, {"event", "memory_pressure"}, {"level", "critical"}, {"reason", "heap_threshold"}};

// Scrapes until `name{labels}` reaches `value` (the follower polls every 10 ms) or 10 s pass; the last scrape.
std::vector<prometheus::MetricFamily> scrape_until(const GatewayCollector& collector, const std::string& name,
                                                   const std::map<std::string, std::string>& labels, double value) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    auto families = collector.Collect();
    if (value_of(families, name, labels) == value || std::chrono::steady_clock::now() > deadline) return families;
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace

TEST(LogSource, ARealHeapPressureLineBecomesACounterIncreaseAndGauges) {
  TempDir dir("openclaw-logsource-");
  const std::string file = dir.file("openclaw-2026-12-01.log");
  append_file(file, real_line("memory pressure: ") + "\n");  // history before the exporter started: not counted
  const auto collector = log_collector(target_logging_to(dir.path()));

  auto before = collector->Collect();
  EXPECT_EQ(value_of(before, "openclaw_exporter_source_success", {{"source", "log"}}), 1);
  EXPECT_EQ(value_of(before, "openclaw_gateway_log_events_total", kHeapCritical), 0);
  EXPECT_EQ(value_of(before, "openclaw_gateway_log_events_total",
                     {{"event", "memory_pressure"}, {"level", "warning"}, {"reason", "rss_growth"}}),
            0);
  EXPECT_EQ(value_of(before, "openclaw_gateway_log_events_total", {{"event", "stuck_session"}, {"level", ""}}), 0);
  EXPECT_EQ(value_of(before, "openclaw_gateway_reported_heap_used_bytes"), std::nullopt);
  EXPECT_EQ(value_of(before, "openclaw_gateway_reported_rss_bytes"), std::nullopt);
  EXPECT_EQ(value_of(before, "openclaw_gateway_log_lines_total"), 0);

  append_file(file, real_line("\"gateway ready\"") + "\n" + real_line("memory pressure: ") + "\n");
  const auto after = scrape_until(*collector, "openclaw_gateway_log_events_total", kHeapCritical, 1);
  EXPECT_EQ(value_of(after, "openclaw_gateway_log_events_total", kHeapCritical), 1);
  EXPECT_EQ(value_of(after, "openclaw_gateway_reported_heap_used_bytes", {{"gateway", "gw"}}), 206427136);
  EXPECT_EQ(value_of(after, "openclaw_gateway_reported_rss_bytes", {{"gateway", "gw"}}), 616542208);
  EXPECT_EQ(value_of(after, "openclaw_gateway_reported_heap_threshold_bytes", {{"gateway", "gw"}}), 198180864);
  EXPECT_EQ(value_of(after, "openclaw_gateway_log_lines_total"), 2);
  EXPECT_EQ(value_of(after, "openclaw_gateway_log_unparsable_lines_total"), 0);
}

TEST(LogSource, CountsEventsByKindAndUnparsableLines) {
  TempDir dir("openclaw-logsource-");
  const std::string file = dir.file("openclaw-2026-12-01.log");
  const auto collector = log_collector(target_logging_to(dir.path()));
  append_file(file, real_line("liveness heartbeat delayed") + "\n{\"truncated\": \n" +
                   real_line("draining active work before") + "\n" + real_line("still draining") + "\n");
  const auto families = scrape_until(*collector, "openclaw_gateway_log_lines_total", {}, 4);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_lines_total"), 4);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_unparsable_lines_total"), 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_events_total", {{"event", "liveness_heartbeat_delayed"}}), 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_events_total", {{"event", "drain_started"}}), 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_events_total", {{"event", "drain_forced"}}), 0);
  // No memory-pressure line yet: the gauges are unknown, not 0.
  EXPECT_EQ(value_of(families, "openclaw_gateway_reported_heap_used_bytes"), std::nullopt);
}

TEST(LogSource, AnUnreadableLogIsASourceFailureNotACrash) {
  TempDir dir("openclaw-logsource-");
  append_file(dir.file("a-file"), "");
  const auto collector = log_collector(target_logging_to(dir.file("a-file")));  // ENOTDIR
  const auto families = collector->Collect();
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "log"}}), 0);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_events_total"), std::nullopt);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_lines_total"), std::nullopt);
}

TEST(LogSource, NoLogDirectoryYetIsASuccessWithNothingRead) {
  TempDir dir("openclaw-logsource-");
  const auto collector = log_collector(target_logging_to(dir.file("openclaw")));  // not created yet
  auto families = collector->Collect();
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "log"}}), 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_file_present"), 0);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_lines_total"), 0);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_events_total", kHeapCritical), 0);

  std::filesystem::create_directory(dir.file("openclaw"));
  append_file(dir.file("openclaw") + "/openclaw-2026-12-01.log", real_line("memory pressure: ") + "\n");
  families = scrape_until(*collector, "openclaw_gateway_log_events_total", kHeapCritical, 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_events_total", kHeapCritical), 1);  // read from its start
  // The follower counts lines during its poll and records the file as present after it: a scrape between the two
  // (seen under ThreadSanitizer) has the event but not yet the file. Wait for the poll's end.
  families = scrape_until(*collector, "openclaw_gateway_log_file_present", {}, 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_file_present"), 1);
}

TEST(LogSource, AnEmptyLogDirTurnsTheSourceOff) {
  const auto collector = log_collector(target_logging_to(""));
  const auto families = collector->Collect();
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "log"}}), std::nullopt);
  EXPECT_EQ(value_of(families, "openclaw_gateway_log_events_total"), std::nullopt);
}
