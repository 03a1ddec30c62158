// The real exporter binary's HTTP surface as a browser and a slowloris attacker meet it: no CORS, cross-site requests
// and foreign Host headers (DNS rebinding) refused, GET only, and a scrape answered within a bound while 500 slow
// connections are open. No gateway is needed: the scrape reports the gateway down.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "scrape.hpp"
#include "slow_clients.hpp"
#include "test_support.hpp"

using namespace openclaw::testing;
using namespace std::chrono_literals;

namespace {

class ExporterHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = free_tcp_port();
    exporter_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        binary_dir() + "/exporter/openclaw-gateway-exporter", "--web.listen-address=127.0.0.1:" + std::to_string(port_),
        "--gateway.pid-file=" + dir_.file("absent.pid"), "--gateway.url=http://127.0.0.1:1", "--gateway.log-dir", "",
        "--probe.interval=1h", "--web.allowed-hosts=prometheus.example,proxy.example:8443"});
    ASSERT_TRUE(wait_until([&] { return http_get(url("/metrics")).status == 200; }, 20s)) << exporter_->log();
  }
  std::string url(const std::string& path) const { return url(port_, path); }
  static std::string url(int port, const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::string host(const std::string& name) const { return "Host: " + name + ":" + std::to_string(port_); }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> exporter_;
};

void expect_no_cors(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) EXPECT_FALSE(name.starts_with("access-control-")) << name;
}

TEST_F(ExporterHttp, NoCorsAndGetOnly) {
  const auto preflight = http_request("OPTIONS", url("/metrics"), "",
                                      {"Origin: http://evil.example", "Access-Control-Request-Method: GET"});
  EXPECT_EQ(preflight.status, 405);  // civetweb's default answered 200 with Access-Control-Allow-Origin: *
  expect_no_cors(preflight);
  for (const char* path : {"/", "/metrics"}) {
    const auto page = http_request("GET", url(path), "", {"Origin: http://evil.example"});
    EXPECT_EQ(page.status, 200) << path;
    expect_no_cors(page);
    EXPECT_EQ(http_request("POST", url(path), "x", {"Content-Type: text/plain"}).status, 405) << path;
  }
}

TEST_F(ExporterHttp, RefusesCrossSiteRequestsAndForeignHosts) {
  for (const char* path : {"/", "/metrics"}) {
    const auto cross = http_request("GET", url(path), "", {"Sec-Fetch-Site: cross-site"});
    EXPECT_EQ(cross.status, 403) << path;
    EXPECT_NE(cross.body.find("cross-site"), std::string::npos) << cross.body;
    const auto rebound = http_request("GET", url(path), "", {host("evil.example")});
    EXPECT_EQ(rebound.status, 403) << path;
    EXPECT_NE(rebound.body.find("--web.allowed-hosts"), std::string::npos) << rebound.body;
    EXPECT_EQ(http_request("GET", url(path), "", {"Sec-Fetch-Site: same-origin"}).status, 200) << path;
  }
  // What Prometheus sends for a target written as 127.0.0.1:PORT, localhost:PORT or a configured name.
  EXPECT_EQ(http_request("GET", url("/metrics"), "", {host("localhost")}).status, 200);
  EXPECT_EQ(http_request("GET", url("/metrics"), "", {host("prometheus.example")}).status, 200);
  EXPECT_EQ(http_request("GET", url("/metrics"), "", {"Host: proxy.example:8443"}).status, 200);
  EXPECT_EQ(http_request("GET", url("/metrics"), "", {host("proxy.example")}).status, 403);
}

// Before the bound (8 threads, 10 s to send headers) a scrape waited minutes behind 500 slow connections.
TEST_F(ExporterHttp, AScrapeLandsWhileFiveHundredSlowConnectionsAreOpen) {
  SlowClients attack(port_, 500, 2s);
  ASSERT_TRUE(wait_until([&] { return attack.connected() >= 500; }, 10s)) << attack.connected();
  double worst = 0;
  for (int i = 0; i < 2; ++i) {
    const auto scrape = http_request("GET", url("/metrics"), "",
                                     {"Accept: text/plain", "X-Prometheus-Scrape-Timeout-Seconds: 10"}, 15s);
    ASSERT_EQ(scrape.status, 200) << scrape.error;
    EXPECT_NE(scrape.body.find("openclaw_gateway_up"), std::string::npos);
    worst = std::max(worst, scrape.seconds);
    std::printf("scrape %d answered in %.2f s (%d slow connections open, %ld let go so far)\n", i, scrape.seconds,
                attack.connected(), attack.dropped());
  }
  // ceil(500 / 256 workers) * 2 s request timeout = 4 s, with room for a loaded machine; Prometheus' default
  // scrape_timeout is 10 s.
  EXPECT_LT(worst, 10.0);
  EXPECT_GT(attack.dropped(), 250);  // the request timeout, not luck, freed the workers: slow connections were cut
}

std::string hostname() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// Every sample, whichever part of the exporter produced it, carries `host` (common/src/host_label.hpp); the fixture's
// exporter was started without --host, so it is the machine's name. (exporter_live_test.cpp checks it on a full scrape
// of a live gateway.)
TEST_F(ExporterHttp, EverySeriesCarriesTheMachinesHostnameByDefault) {
  const Scrape s = scrape(url("/metrics"));
  ASSERT_GT(s.samples, 5u) << s.text;
  EXPECT_EQ(s.hosts, (std::map<std::string, std::size_t>{{hostname(), s.samples}})) << s.text;
  EXPECT_TRUE(s.has_prefix("openclaw_exporter_build_info{revision=")) << s.text;
  EXPECT_NE(http_get(url("/")).body.find("host " + hostname()), std::string::npos);
}

TEST_F(ExporterHttp, TheHostFlagNamesTheHostOnEverySeries) {
  const int port = free_tcp_port();
  ChildProcess named({binary_dir() + "/exporter/openclaw-gateway-exporter",
                      "--web.listen-address=127.0.0.1:" + std::to_string(port),
                      "--gateway.pid-file=" + dir_.file("absent.pid"), "--gateway.url=http://127.0.0.1:1",
                      "--gateway.log-dir", "", "--probe.interval=1h", "--host=gw-b.fleet.example"});
  ASSERT_TRUE(wait_until([&] { return http_get(url(port, "/metrics")).status == 200; }, 20s)) << named.log();
  const Scrape s = scrape(url(port, "/metrics"));
  ASSERT_GT(s.samples, 5u) << s.text;
  EXPECT_EQ(s.hosts, (std::map<std::string, std::size_t>{{"gw-b.fleet.example", s.samples}})) << s.text;
  EXPECT_NE(s.text.find("openclaw_exporter_scrapes_total{host=\"gw-b.fleet.example\"} "), std::string::npos)
      << s.text;
}

}  // namespace
