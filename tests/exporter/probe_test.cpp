// The probes against a real HTTP server on 127.0.0.1:0 (civetweb), including a real WebSocket handshake.
#include <CivetServer.h>
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "http_server.hpp"
#include "net.hpp"
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
    send_response(
        conn, status, "application/json",
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

TEST(Prober, KeepsTheLastResultOfEachProbe) {
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
    std::this_thread::sleep_for(300ms);  // slower than the interval (a hung probe: the test below)
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

// What the probe functions and the test share. Held by shared_ptr: a Prober that fails to stop keeps running them.
struct HangState {
  std::atomic<int> http_calls{0};
  std::atomic<int> websocket_calls{0};
  std::atomic<bool> released{false};

  void release() {
    released = true;
    released.notify_all();
  }
};

// Destroys `prober` on a thread of its own; false when that takes longer than `limit`. The thread is then left
// behind owning all it uses, so a Prober that never stops fails this test instead of hanging the binary.
bool stops_within(std::unique_ptr<Prober> prober, std::chrono::milliseconds limit) {
  std::promise<void> stopped;
  std::future<void> done = stopped.get_future();
  std::thread([prober = std::move(prober), stopped = std::move(stopped)]() mutable {
    prober.reset();
    stopped.set_value();
  }).detach();
  return done.wait_for(limit) == std::future_status::ready;
}

// A gateway that accepts and never answers hangs its probe for as long as the probe function lets it. The other
// probe kind must go on (each runs on its own thread), and a scrape reading the last results must not wait for the
// hung one (the lock is not held while probing).
TEST(Prober, AHungProbeStallsNeitherTheOtherKindNorReaders) {
  auto state = std::make_shared<HangState>();
  auto hanging_http = [state](const std::string& /*url*/, std::chrono::milliseconds /*timeout*/) {
    if (++state->http_calls == 2) state->released.wait(false);  // the first probe completes, the second hangs
    ProbeResult r;
    r.success = true;
    r.completed_at = std::chrono::system_clock::now();
    return r;
  };
  auto websocket = [state](const std::string& /*url*/, std::chrono::milliseconds /*timeout*/) {
    ++state->websocket_calls;
    ProbeResult r;
    r.success = true;
    r.completed_at = std::chrono::system_clock::now();
    return r;
  };
  auto prober =
      std::make_unique<Prober>(std::vector<Prober::Target>{{"a", "http://gw:1"}}, 20ms, 1s, hanging_http, websocket);
  // Ends the hang at the latest after kHangLimit (which also frees a reader that a wrong Prober would block), and
  // at once when the test ends early.
  constexpr auto kHangLimit = 4s;
  std::jthread releaser([state, kHangLimit](const std::stop_token& stop) {
    std::mutex mutex;
    std::condition_variable_any never;
    std::unique_lock lock(mutex);
    never.wait_for(lock, stop, kHangLimit, [] { return false; });
    state->release();
  });

  // Reads as a scrape does, timing every call.
  std::chrono::steady_clock::duration slowest_read{};
  int reads = 0;
  const auto timed_last = [&](ProbeKind kind) {
    const auto started = std::chrono::steady_clock::now();
    auto result = prober->last("a", kind);
    slowest_read = std::max(slowest_read, std::chrono::steady_clock::now() - started);
    ++reads;
    return result;
  };

  ASSERT_TRUE(openclaw::testing::wait_until([&] { return state->http_calls == 2; }, 5s)) << "never probed twice";
  const int websocket_calls_at_hang = state->websocket_calls;
  const auto first_http = timed_last(ProbeKind::kHttp);
  ASSERT_TRUE(first_http.has_value());

  // For 1.5 s of the hang.
  bool http_result_kept = true;
  int fresh_websocket_results = 0;
  std::chrono::system_clock::time_point last_websocket_completed{};
  const auto window_end = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < window_end) {
    for (ProbeKind kind : {ProbeKind::kHttp, ProbeKind::kWebsocket}) {
      const auto result = timed_last(kind);
      if (kind == ProbeKind::kHttp) {
        http_result_kept = http_result_kept && result.has_value() && result->completed_at == first_http->completed_at;
      } else if (result.has_value() && result->completed_at > last_websocket_completed) {
        ++fresh_websocket_results;
        last_websocket_completed = result->completed_at;
      }
    }
    std::this_thread::sleep_for(5ms);
  }
  const bool still_hung = !state->released && state->http_calls == 2;
  const int websocket_calls_during_hang = state->websocket_calls - websocket_calls_at_hang;

  EXPECT_TRUE(still_hung) << "the hang ended before the reads did (a read blocked, or kHangLimit is too short here)";
  EXPECT_LT(slowest_read, 50ms) << "slowest of " << reads
                                << " reads: " << std::chrono::duration<double, std::milli>(slowest_read).count()
                                << " ms";
  EXPECT_TRUE(http_result_kept) << "readers must see the last completed http probe while the next one hangs";
  // 20 ms apart, about 75 probes fit in the window; 10 leaves room for a loaded machine.
  EXPECT_GE(websocket_calls_during_hang, 10);
  EXPECT_GE(fresh_websocket_results, 10);

  releaser.request_stop();
  releaser.join();
  EXPECT_TRUE(stops_within(std::move(prober), 2s)) << "the Prober did not stop after the hung probe returned";
}

// An exception escaping a probe thread would call std::terminate and take the exporter (and this test binary)
// with it: a throwing probe is a failed probe, and probing goes on.
TEST(Prober, AThrowingProbeIsAFailedProbeAndProbingGoesOn) {
  std::atomic<int> http_calls{0};
  std::atomic<int> websocket_calls{0};
  auto throwing_http = [&](const std::string& /*url*/, std::chrono::milliseconds /*timeout*/) -> ProbeResult {
    ++http_calls;
    throw std::runtime_error("curl handle exploded");
  };
  auto throwing_websocket = [&](const std::string& /*url*/, std::chrono::milliseconds /*timeout*/) -> ProbeResult {
    ++websocket_calls;
    throw 42;  // not even a std::exception
  };
  Prober prober({{"a", "http://gw:1"}}, 10ms, 1s, throwing_http, throwing_websocket);
  ASSERT_TRUE(openclaw::testing::wait_until([&] { return http_calls >= 3 && websocket_calls >= 3; }, 10s))
      << "probing stopped after an exception";
  const auto http = prober.last("a", ProbeKind::kHttp);
  ASSERT_TRUE(http.has_value());
  EXPECT_FALSE(http->success);
  EXPECT_EQ(http->error, "unexpected error: curl handle exploded");
  const auto websocket = prober.last("a", ProbeKind::kWebsocket);
  ASSERT_TRUE(websocket.has_value());
  EXPECT_FALSE(websocket->success);
  EXPECT_NE(websocket->error.find("unexpected error"), std::string::npos);
}

}  // namespace
