// The probes against a real HTTP server on 127.0.0.1:0 (civetweb), including a real WebSocket handshake.
#include <CivetServer.h>
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "http_server.hpp"
#include "probe.hpp"
#include "prober.hpp"

using namespace openclaw;
using namespace openclaw::exporter;
using namespace std::chrono_literals;

namespace {

class ReadyzHandler final : public CivetHandler {
 public:
  std::atomic<int> status{200};
  std::atomic<int> delay_ms{0};
  std::atomic<bool> saw_forwarded_for{false};
  bool handleGet(CivetServer* /*server*/, mg_connection* conn) override {
    if (mg_get_header(conn, "X-Forwarded-For") != nullptr) saw_forwarded_for = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
    send_response(conn, status, "application/json",
                  R"({"ready":true,"failing":[],"uptimeMs":42000,"eventLoop":{"degraded":false,"delayP99Ms":12.5,"utilization":0.25}})");
    return true;
  }
};

class UpgradeHandler final : public CivetWebSocketHandler {
 public:
  explicit UpgradeHandler(bool accept) : accept_(accept) {}
  bool handleConnection(CivetServer* /*server*/, const mg_connection* /*conn*/) override { return accept_; }

 private:
  bool accept_;
};

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<HttpServer>(HttpServerOptions{"127.0.0.1:0", "", "", 4});
    server_->add_handler("/readyz", readyz_);
    base_ = "http://127.0.0.1:" + std::to_string(server_->listening_ports()[0]);
  }
  void TearDown() override { readyz_.delay_ms = 0; }
  ReadyzHandler readyz_;
  std::unique_ptr<HttpServer> server_;
  std::string base_;
};

}  // namespace

TEST_F(ProbeTest, HttpProbeSucceedsOn2xxAndParsesTheBody) {
  const ProbeResult result = probe_http(base_ + "/readyz", 2s);
  EXPECT_TRUE(result.success) << result.error;
  EXPECT_EQ(result.http_status, 200);
  EXPECT_GT(result.duration_seconds, 0);
  EXPECT_LT(result.duration_seconds, 1);
  ASSERT_TRUE(result.readyz.has_value());
  EXPECT_DOUBLE_EQ(*result.readyz->uptime_seconds, 42.0);
  EXPECT_DOUBLE_EQ(*result.readyz->event_loop_delay_p99_seconds, 0.0125);
  EXPECT_FALSE(readyz_.saw_forwarded_for);  // the real gateway answers 403 to it
}

TEST_F(ProbeTest, HttpProbeFailsOn503ButStillReadsTheBody) {
  readyz_.status = 503;
  const ProbeResult result = probe_http(base_ + "/readyz", 2s);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.http_status, 503);
  EXPECT_TRUE(result.readyz.has_value());
  readyz_.status = 200;
}

TEST_F(ProbeTest, ATimedOutProbeReportsTheTimeoutAsItsDuration) {
  readyz_.delay_ms = 1500;
  const ProbeResult result = probe_http(base_ + "/readyz", 300ms);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.error, "timeout");
  EXPECT_DOUBLE_EQ(result.duration_seconds, 0.3);
}

TEST_F(ProbeTest, ARefusedConnectionFailsFast) {
  const ProbeResult result = probe_http("http://127.0.0.1:1/readyz", 2s);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_FALSE(result.error.empty());
}

TEST_F(ProbeTest, WebsocketProbeCompletesARealHandshake) {
  UpgradeHandler upgrade(true);
  CivetServer ws_server(std::vector<std::string>{"listening_ports", "127.0.0.1:0", "num_threads", "4"});
  ws_server.addWebSocketHandler("/", upgrade);
  const std::string url = "http://127.0.0.1:" + std::to_string(ws_server.getListeningPorts()[0]) + "/";
  const ProbeResult result = probe_websocket(url, 2s);
  EXPECT_TRUE(result.success) << result.error;
  EXPECT_EQ(result.http_status, 101);
  EXPECT_LT(result.duration_seconds, 1);
}

TEST_F(ProbeTest, WebsocketProbeFailsWhenTheServerRefusesTheUpgrade) {
  UpgradeHandler refuse(false);
  CivetServer ws_server(std::vector<std::string>{"listening_ports", "127.0.0.1:0", "num_threads", "2"});
  ws_server.addWebSocketHandler("/", refuse);
  const std::string url = "http://127.0.0.1:" + std::to_string(ws_server.getListeningPorts()[0]) + "/";
  const ProbeResult result = probe_websocket(url, 2s);
  EXPECT_FALSE(result.success);
  EXPECT_NE(result.http_status, 101);
  EXPECT_FALSE(result.error.empty());
}

TEST(Prober, KeepsTheLastResultOfEachProbeAndNeverBlocksReaders) {
  std::atomic<int> http_calls{0};
  auto slow_http = [&](const std::string& url, std::chrono::milliseconds /*timeout*/) {
    ++http_calls;
    EXPECT_EQ(url, "http://gw:1/readyz");
    ProbeResult r;
    r.success = true;
    r.duration_seconds = 0.5;
    return r;
  };
  auto websocket = [](const std::string& url, std::chrono::milliseconds timeout) {
    EXPECT_EQ(url, "http://gw:1/");
    std::this_thread::sleep_for(300ms);  // slow: must not delay the http probe or readers
    ProbeResult r;
    r.duration_seconds = std::chrono::duration<double>(timeout).count();
    return r;
  };
  Prober prober({{"a", "http://gw:1"}}, 50ms, 1s, slow_http, websocket);
  EXPECT_FALSE(prober.last("a", ProbeKind::kWebsocket).has_value());
  for (int i = 0; i < 100 && http_calls < 3; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_GE(http_calls, 3);
  const auto http = prober.last("a", ProbeKind::kHttp);
  ASSERT_TRUE(http.has_value());
  EXPECT_TRUE(http->success);
  EXPECT_FALSE(prober.last("b", ProbeKind::kHttp).has_value());
}
