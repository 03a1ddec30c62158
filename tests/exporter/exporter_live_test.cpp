// The real exporter binary against the real fixture gateway: its numbers must match the truth read independently
// from /proc (exact for fds, threads and connections; RSS within 5 %), and its output must pass promtool.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "proc_truth.hpp"
#include "process_tree.hpp"
#include "scrape.hpp"
#include "test_support.hpp"

using namespace openclaw::testing;
using namespace std::chrono_literals;

namespace {

std::string exporter_path() { return binary_dir() + "/exporter/openclaw-gateway-exporter"; }

std::string series(const std::string& name, const std::string& labels) { return name + "{" + labels + "}"; }

class ExporterLive : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_port_ = free_tcp_port();
    gateway_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        fixture_gateway_path(), "--port", std::to_string(gateway_port_), "--extra-fds", "10", "--extra-threads", "3",
        "--established-pairs", "2", "--close-wait", "3", "--child-rss-mib", "64"});
    ASSERT_TRUE(wait_until([&] { return http_get(gateway_url() + "/readyz").status == 200; }, 20s))
        << gateway_->log();
    // The child touches its 64 MiB after the gateway is ready; compare once it has.
    ASSERT_TRUE(wait_until([&] { return tree_rss_bytes(gateway_->pid()) > 64.0 * 1024 * 1024; }, 20s));
    write_file(pid_file(), std::to_string(gateway_->pid()) + "\n");
    exporter_port_ = free_tcp_port();
    // A long probe interval: one probe at start, then nothing that opens connections during the comparisons.
    exporter_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        exporter_path(), "--web.listen-address=127.0.0.1:" + std::to_string(exporter_port_),
        "--gateway.pid-file=" + pid_file(), "--gateway.url=" + gateway_url(), "--probe.interval=1h",
        "--probe.timeout=5s", "--log.level=debug"});
    ASSERT_TRUE(wait_until(
        [&] { return scrape(metrics_url()).has_prefix("openclaw_gateway_probe_success{gateway=\"default\",probe=\"websocket\"}"); },
        20s))
        << exporter_->log();
  }

  std::string gateway_url() const { return "http://127.0.0.1:" + std::to_string(gateway_port_); }
  std::string metrics_url() const { return "http://127.0.0.1:" + std::to_string(exporter_port_) + "/metrics"; }
  std::string pid_file() const { return dir_.file("gateway.pid"); }

  TempDir dir_;
  int gateway_port_ = 0;
  int exporter_port_ = 0;
  std::unique_ptr<ChildProcess> gateway_;
  std::unique_ptr<ChildProcess> exporter_;
};

}  // namespace

TEST_F(ExporterLive, ProcessNumbersMatchTheTruth) {
  const int pid = gateway_->pid();
  // RSS may still be settling (under ASan the fixture grows for a while): bracket the scrape with two readings.
  const double rss_before = tree_rss_bytes(pid);
  const Scrape s = scrape(metrics_url());
  const std::string g = "gateway=\"default\"";
  EXPECT_EQ(s.get(series("openclaw_gateway_up", g)), 1);
  EXPECT_EQ(s.get(series("openclaw_gateway_pid", g)), pid);
  EXPECT_EQ(s.get(series("openclaw_gateway_threads", g)), static_cast<double>(proc_status_field(pid, "Threads")));
  EXPECT_EQ(s.get(series("openclaw_gateway_open_fds", g)), open_fd_count(pid));
  EXPECT_EQ(s.get(series("openclaw_gateway_descendant_processes", g)), 1);
  const double rss = tree_rss_bytes(pid);
  ASSERT_TRUE(s.get(series("openclaw_gateway_resident_memory_bytes", g)).has_value());
  const double reported = *s.get(series("openclaw_gateway_resident_memory_bytes", g));
  EXPECT_GE(reported, std::min(rss_before, rss) * 0.95);
  EXPECT_LE(reported, std::max(rss_before, rss) * 1.05);
  EXPECT_GT(rss, 64.0 * 1024 * 1024);  // the child's 64 MiB is in the tree
  EXPECT_GT(*s.get(series("openclaw_gateway_max_fds", g)), 0);
  EXPECT_GT(*s.get(series("openclaw_gateway_memory_limit_bytes", g)), 0);
  EXPECT_GT(s.get("openclaw_host_memory_total_bytes").value_or(0), 0);
  const double start = *s.get(series("openclaw_gateway_process_start_time_seconds", g));
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 120);
  EXPECT_EQ(s.get(series("openclaw_exporter_source_success", g + ",source=\"process\"")), 1);
  EXPECT_EQ(s.get(series("openclaw_exporter_source_success", g + ",source=\"sockets\"")), 1);
}

TEST_F(ExporterLive, ConnectionCountsMatchTheKernelExactly) {
  const int pid = gateway_->pid();
  // Compare only when the truth is the same just before and just after the scrape (nothing in flight).
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto before = tcp_states_of_pid(pid);
    const Scrape s = scrape(metrics_url());
    const auto after = tcp_states_of_pid(pid);
    if (before != after) continue;
    for (const std::string state : {"established", "close_wait", "listen", "syn_sent", "fin_wait1", "last_ack"}) {
      std::string kernel_name = state;  // proc_truth names states as the kernel does: ESTABLISHED, CLOSE_WAIT
      for (char& c : kernel_name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const double expected = count_or_zero(before, kernel_name);
      EXPECT_EQ(s.get(series("openclaw_gateway_connections", "gateway=\"default\",state=\"" + state + "\"")), expected)
          << state;
    }
    EXPECT_EQ(count_or_zero(before, "CLOSE_WAIT"), 3);
    EXPECT_GE(count_or_zero(before, "ESTABLISHED"), 4);  // 2 pairs, both ends held by the fixture
    EXPECT_EQ(count_or_zero(before, "LISTEN"), 2);
    return;
  }
  FAIL() << "the gateway's sockets never held still";
}

TEST_F(ExporterLive, ProbesAndReadyzBodyAreReported) {
  const Scrape s = scrape(metrics_url());
  const std::string g = "gateway=\"default\"";
  EXPECT_EQ(s.get(series("openclaw_gateway_probe_success", g + ",probe=\"http\"")), 1);
  EXPECT_EQ(s.get(series("openclaw_gateway_probe_success", g + ",probe=\"websocket\"")), 1);
  EXPECT_EQ(s.get(series("openclaw_gateway_probe_http_status_code", g + ",probe=\"websocket\"")), 101);
  EXPECT_LT(*s.get(series("openclaw_gateway_probe_duration_seconds", g + ",probe=\"http\"")), 1);
  EXPECT_EQ(s.get(series("openclaw_gateway_ready", g)), 1);
  EXPECT_TRUE(s.get(series("openclaw_gateway_uptime_seconds", g)).has_value());
  EXPECT_TRUE(s.get(series("openclaw_gateway_event_loop_delay_p99_seconds", g)).has_value());
  EXPECT_TRUE(s.get(series("openclaw_gateway_event_loop_utilization", g)).has_value());
}

// A full scrape of a live gateway (every source succeeding): each family, the exporter's own (build_info, scrapes,
// source_success) and the gateway's, carries `host` on every sample; without --host it is the machine's name.
TEST_F(ExporterLive, EverySeriesOfAFullScrapeCarriesTheHost) {
  const Scrape s = scrape(metrics_url());
  char name[256] = {};
  ASSERT_EQ(gethostname(name, sizeof name - 1), 0);
  EXPECT_EQ(s.hosts, (std::map<std::string, std::size_t>{{name, s.samples}})) << s.text;
  std::istringstream lines(s.text);
  std::size_t families = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("# TYPE ")) continue;
    ++families;
    const std::string family = line.substr(7, line.find(' ', 7) - 7);
    EXPECT_NE(s.text.find("\n" + family + "{"), std::string::npos) << family << " has no sample with labels";
  }
  EXPECT_GT(families, 30u) << s.text;  // the gateway's families are there (38 here), not only the exporter's ~7
}

TEST_F(ExporterLive, OutputPassesPromtoolAndServesGzipAndALandingPage) {
  const Scrape s = scrape(metrics_url());
  const std::string file = dir_.file("metrics.txt");
  write_file(file, s.text);
  const CommandResult check = run_command({"sh", "-c", "promtool check metrics < " + file});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  const HttpResponse gz = http_request("GET", metrics_url(), {}, {"Accept-Encoding: gzip"});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers.count("content-encoding") ? gz.headers.at("content-encoding") : "", "gzip");
  const HttpResponse landing = http_get("http://127.0.0.1:" + std::to_string(exporter_port_) + "/");
  EXPECT_EQ(landing.status, 200);
  EXPECT_NE(landing.body.find("/metrics"), std::string::npos);
  EXPECT_EQ(http_get("http://127.0.0.1:" + std::to_string(exporter_port_) + "/nope").status, 404);
}

TEST_F(ExporterLive, AHungGatewayNeverSlowsTheScrape) {
  ASSERT_EQ(http_post_json(gateway_url() + "/__fixture/hang", "{}").status, 200);
  // Restart the exporter with a short interval so that probes are in flight (and hanging) during scrapes.
  exporter_.reset();
  exporter_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      exporter_path(), "--web.listen-address=127.0.0.1:" + std::to_string(exporter_port_),
      "--gateway.pid-file=" + pid_file(), "--gateway.url=" + gateway_url(), "--probe.interval=1s",
      "--probe.timeout=2s"});
  ASSERT_TRUE(wait_until([&] { return scrape(metrics_url()).has_prefix("openclaw_gateway_probe_success"); }, 10s));
  for (int i = 0; i < 10; ++i) {
    const HttpResponse r = http_get(metrics_url());
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(r.seconds, 0.5);
  }
  const Scrape s = scrape(metrics_url());
  EXPECT_EQ(s.get("openclaw_gateway_probe_success{gateway=\"default\",probe=\"http\"}"), 0);
  EXPECT_EQ(s.get("openclaw_gateway_probe_duration_seconds{gateway=\"default\",probe=\"http\"}"), 2);
  EXPECT_EQ(s.get("openclaw_gateway_probe_success{gateway=\"default\",probe=\"websocket\"}"), 0);
  EXPECT_EQ(s.get("openclaw_gateway_up{gateway=\"default\"}"), 1);  // hung, not gone
  http_post_json(gateway_url() + "/__fixture/unhang", "{}");
}

TEST_F(ExporterLive, AGatewayThatExitsLeavesNoProcessSeries) {
  gateway_.reset();  // SIGTERM, reaped
  const Scrape s = scrape(metrics_url());
  EXPECT_EQ(s.get("openclaw_gateway_up{gateway=\"default\"}"), 0);
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_resident_memory_bytes"));
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_connections"));
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_pid"));
  EXPECT_EQ(s.get("openclaw_exporter_source_success{gateway=\"default\",source=\"discovery\"}"), 1);
  EXPECT_TRUE(exporter_->running());
}
