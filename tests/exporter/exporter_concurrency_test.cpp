// The exporter binary under concurrent scrapes of the fixture gateway while its prober threads probe every 50 ms and
// its log follower tails a log directory: every scrape is answered, whole and consistent, and none is lost. Run under
// ThreadSanitizer by the tsan preset (label tsan), where an unsynchronised access between the HTTP threads, the
// gateway's source chain, the prober and the log follower is reported (tests/tsan/reports.sh collects the exporter's
// reports, which go to a file of their own).
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <map>
#include <set>

#include "fixture_gateway_process.hpp"
#include "scrape.hpp"
#include "test_support.hpp"

using namespace openclaw::testing;
using namespace std::chrono_literals;

namespace {

// `name{labels} value` lines of one family, as the scrape parsed them.
std::map<std::string, double> family_of(const Scrape& s, const std::string& name) {
  std::map<std::string, double> out;
  for (const auto& [series, value] : s.series) {
    if (series.starts_with(name + "{")) out[series] = value;
  }
  return out;
}

TEST(ExporterConcurrency, ConcurrentScrapesOfTheFixtureAreAllAnsweredWholeAndNoneIsLost) {
  TempDir dir;
  FixtureGatewayProcess gateway({"--established-pairs", "2", "--close-wait", "1"});
  write_file(dir.file("gateway.pid"), std::to_string(gateway.pid()) + "\n");
  std::filesystem::create_directories(dir.file("logs"));
  const int port = free_tcp_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ChildProcess exporter({binary_dir() + "/exporter/openclaw-gateway-exporter",
                         "--web.listen-address=127.0.0.1:" + std::to_string(port),
                         "--gateway.pid-file=" + dir.file("gateway.pid"), "--gateway.url=" + gateway.url(""),
                         "--gateway.log-dir", dir.file("logs"), "--probe.interval=50ms", "--probe.timeout=2s"},
                        {}, dir.file("exporter.log"));
  const std::string probed = "openclaw_gateway_probe_success{gateway=\"default\",probe=\"websocket\"}";
  // Generous: under ThreadSanitizer the exporter's 256 HTTP threads take ~4 CPU-seconds to start.
  ASSERT_TRUE(wait_until([&] { return scrape(base + "/metrics").get(probed) == 1; }, 60s)) << exporter.log();

  // What every scrape must agree on: which sources succeed, and that the gateway is up.
  const Scrape reference = scrape(base + "/metrics");
  const auto sources = family_of(reference, "openclaw_exporter_source_success");
  ASSERT_FALSE(sources.empty()) << reference.text;
  ASSERT_EQ(reference.get("openclaw_gateway_up{gateway=\"default\"}"), 1) << reference.text;
  const double scrapes_before = reference.get("openclaw_exporter_scrapes_total").value_or(-1);

  constexpr int kClients = 8;
  constexpr int kScrapes = 12;
  struct Seen {
    std::vector<std::string> failures;
    std::vector<double> counters;  // openclaw_exporter_scrapes_total of each scrape
  };
  std::vector<std::future<Seen>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::async(std::launch::async, [&] {
      Seen seen;
      for (int i = 0; i < kScrapes; ++i) {
        const Scrape s = scrape(base + "/metrics");
        if (s.text.empty()) {
          seen.failures.push_back("a scrape was not answered 200");
          continue;
        }
        if (s.get("openclaw_gateway_up{gateway=\"default\"}") != 1) seen.failures.push_back("gateway not up:\n" + s.text);
        if (family_of(s, "openclaw_exporter_source_success") != sources) {
          seen.failures.push_back("other sources succeeded than in the reference scrape:\n" + s.text);
        }
        if (s.text.back() != '\n') seen.failures.push_back("cut short:\n" + s.text);
        seen.counters.push_back(s.get("openclaw_exporter_scrapes_total").value_or(-1));
        if (http_get(base + "/").status != 200) seen.failures.push_back("the landing page was not answered 200");
      }
      return seen;
    }));
  }
  std::set<double> counters;
  for (auto& client : clients) {
    Seen seen = client.get();
    for (const std::string& failure : seen.failures) ADD_FAILURE() << failure;
    counters.insert(seen.counters.begin(), seen.counters.end());
  }
  // Each scrape counted itself once: kClients * kScrapes distinct values right after the reference's.
  EXPECT_EQ(counters.size(), static_cast<std::size_t>(kClients * kScrapes));
  EXPECT_EQ(*counters.begin(), scrapes_before + 1);
  EXPECT_EQ(*counters.rbegin(), scrapes_before + kClients * kScrapes);
  EXPECT_TRUE(exporter.running()) << exporter.log();
}

}  // namespace
