// The real gateway under a small V8 heap reports heap pressure in its log, and our exporter's log source turns that
// line into a counter increase with the line's own figures. Its own gateway, not the shared unit: the heap flag must
// be on node's command line (~50 s: start-up, then the first 30 s memory sample).
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>

#include "real_gateway.hpp"

using namespace openclaw::testing;
using namespace std::chrono_literals;

namespace {

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[16];
  return {text, std::strftime(text, sizeof(text), "%Y-%m-%d", &local)};
}

// The first line of `path` containing `text`, or "".
std::string line_with(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.find(text) != std::string::npos) return line;
  }
  return {};
}

double field(const std::string& line, const std::string& key) {
  std::smatch match;
  if (!std::regex_search(line, match, std::regex(key + "=([0-9]+)"))) return -1;
  return std::stod(match[1]);
}

}  // namespace

TEST(RealGatewayLog, AHeapPressureLineBecomesACounterIncrease) {
  const auto install = find_real_gateway_install();
  ASSERT_TRUE(install);
  TempDir dir("openclaw-real-log-");
  const std::string logs = dir.file("logs");
  const std::string home = dir.file("home");
  std::filesystem::create_directories(logs);
  std::filesystem::create_directories(home + "/.openclaw");
  // logging.file keeps this gateway's log apart from /tmp/openclaw, under the name the exporter follows.
  const std::string log_file = logs + "/openclaw-" + today() + ".log";
  write_file(home + "/.openclaw/openclaw.json", R"({"logging":{"file":")" + log_file + R"("}})");

  const int port = free_tcp_port();
  // --max-old-space-size=240 --max-semi-space-size=4: `memory pressure: level=critical reason=heap_threshold`
  // at the first 30 s sample after ready (checked by hand: 26-44 s after start on 2 loaded cores).
  ChildProcess gateway(
      {install->node_bin_dir + "/node", "--max-old-space-size=240", "--max-semi-space-size=4",
       install->cache_dir + "/oc/node_modules/openclaw/openclaw.mjs", "gateway", "run", "--allow-unconfigured",
       "--bind", "loopback", "--port", std::to_string(port), "--auth", "token", "--token", "T"},
      {"HOME=" + home, "NODE_OPTIONS=", "PATH=" + install->node_bin_dir + ":/usr/bin:/bin"}, dir.file("gateway.out"));
  write_file(dir.file("gateway.pid"), std::to_string(gateway.pid()) + "\n");
  const int exporter_port = free_tcp_port();
  ChildProcess exporter({binary_dir() + "/exporter/openclaw-gateway-exporter",
                         "--web.listen-address=127.0.0.1:" + std::to_string(exporter_port),
                         "--gateway.pid-file=" + dir.file("gateway.pid"),
                         "--gateway.url=http://127.0.0.1:" + std::to_string(port), "--gateway.log-dir=" + logs},
                        {}, dir.file("exporter.log"));
  const std::string metrics = "http://127.0.0.1:" + std::to_string(exporter_port) + "/metrics";
  const std::string critical =
      R"(openclaw_gateway_log_events_total{event="memory_pressure",gateway="default",level="critical",)"
      R"(reason="heap_threshold"})";
  ASSERT_TRUE(wait_until([&] { return scrape(metrics).get(critical).has_value(); }, 30s)) << exporter.log();
  EXPECT_EQ(scrape(metrics).get(critical), 0);

  const bool reported = wait_until([&] { return scrape(metrics).get(critical) == 1; }, 180s, 500ms);
  const std::string line = line_with(log_file, "memory pressure: level=critical reason=heap_threshold");
  ASSERT_TRUE(reported) << "no counter increase; pressure line: " << (line.empty() ? "none" : line) << "\nexporter:\n"
                        << exporter.log();
  const Scrape after = scrape(metrics);
  EXPECT_EQ(after.get(R"(openclaw_gateway_reported_heap_used_bytes{gateway="default"})"), field(line, "heapUsedBytes"));
  EXPECT_EQ(after.get(R"(openclaw_gateway_reported_rss_bytes{gateway="default"})"), field(line, "rssBytes"));
  EXPECT_EQ(after.get(R"(openclaw_gateway_reported_heap_threshold_bytes{gateway="default"})"),
            field(line, "thresholdBytes"));
  EXPECT_EQ(after.get(R"(openclaw_exporter_source_success{gateway="default",source="log"})"), 1);
  EXPECT_EQ(after.get(R"(openclaw_gateway_log_unparsable_lines_total{gateway="default"})"), 0);
}
