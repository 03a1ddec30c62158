// The real gateway's quirks that our monitoring depends on, each pinned by a test so a new openclaw pin that
// changes one of them fails here first (see /work/shared/openclaw-gateway.md and docs/real-gateway.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "real_gateway.hpp"

using namespace openclaw::testing;
using namespace std::chrono_literals;

namespace {

class RealGatewayQuirks : public RealGatewayTest {};

std::string header(const HttpResponse& response, const std::string& name) {
  const auto it = response.headers.find(name);
  return it == response.headers.end() ? std::string{} : it->second;
}

// /metrics is not a metrics endpoint: unknown paths serve the control panel. Our exporter never asks the gateway for
// /metrics; its readiness series come only from the /readyz JSON and are absent when the answer is not JSON.
TEST_F(RealGatewayQuirks, MetricsPathIsTheControlPanelHtmlAndNeverMeaningful) {
  const HttpResponse metrics = http_get(gateway().url("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_TRUE(header(metrics, "content-type").starts_with("text/html")) << header(metrics, "content-type");
  EXPECT_NE(metrics.body.find("<html"), std::string::npos);
  EXPECT_EQ(metrics.body.find("# HELP"), std::string::npos);
  EXPECT_EQ(http_get(gateway().url("/no-such-path")).status, 200);

  // An exporter pointed at the wrong base URL (--gateway.url=<gateway>/metrics) probes /metrics/readyz: the
  // exporter gets 404 for that unknown path, and nothing readiness-like is made up from it.
  const int port = free_tcp_port();
  ChildProcess exporter({binary_dir() + "/exporter/openclaw-gateway-exporter",
                         "--web.listen-address=127.0.0.1:" + std::to_string(port),
                         "--gateway.unit=" + std::string(RealGateway::kUnit),
                         "--gateway.url=" + gateway().url("/metrics"), "--probe.interval=1s", "--probe.timeout=5s"});
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  const std::string http = "{gateway=\"default\",probe=\"http\"}";
  ASSERT_TRUE(wait_until([&] { return scrape(url).has_prefix("openclaw_gateway_probe_success" + http); }, 20s));
  const Scrape s = scrape(url);
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_ready{"));
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_uptime_seconds{"));
  EXPECT_FALSE(s.has_prefix("openclaw_gateway_event_loop_delay_p99_seconds{"));
  const double status = s.get("openclaw_gateway_probe_http_status_code" + http).value_or(-1);
  // The probe asks for JSON (Accept: application/json); the gateway then answers unknown paths 404, not HTML.
  EXPECT_EQ(status, 404);
  EXPECT_EQ(http_request("GET", gateway().url("/metrics/readyz"), {}, {"Accept: application/json"}).status, 404);
  record_figure("metrics_readyz_status_browser_accept",
                static_cast<double>(http_get(gateway().url("/metrics/readyz")).status), "");
  EXPECT_EQ(s.get("openclaw_gateway_probe_success" + http), status >= 200 && status < 300 ? 1 : 0);
  record_figure("metrics_readyz_status", status, "");
}

// Any request with X-Forwarded-For is refused (no gateway.trustedProxies); our probes never send it, so they pass
// at the same moment as such a request fails.
TEST_F(RealGatewayQuirks, XForwardedForGets403WhileOurProbesSucceed) {
  const HttpResponse forwarded = http_request("GET", gateway().url("/readyz"), {}, {"X-Forwarded-For: 203.0.113.7"});
  EXPECT_EQ(forwarded.status, 403);
  EXPECT_NE(forwarded.body.find("proxy_attribution_required"), std::string::npos) << forwarded.body;
  // Observed on 2026.9.6: the liveness path does not check it; recorded so a change shows in the figures.
  const HttpResponse healthz = http_request("GET", gateway().url("/healthz"), {}, {"X-Forwarded-For: 127.0.0.1"});
  record_figure("xff_healthz_status", static_cast<double>(healthz.status), "");
  const WebSocketClient ws = WebSocketClient::connect(gateway().port(), "/", 10s, "X-Forwarded-For: 203.0.113.7\r\n");
  record_figure("xff_websocket_upgrade_status", ws.status, "");

  const double since = static_cast<double>(std::time(nullptr));
  ASSERT_TRUE(wait_until(
      [&] {
        const Scrape s = gateway().scrape_exporter();
        return s.get("openclaw_gateway_probe_timestamp_seconds{gateway=\"default\",probe=\"websocket\"}").value_or(0) >
                   since &&
               s.get("openclaw_gateway_probe_timestamp_seconds{gateway=\"default\",probe=\"http\"}").value_or(0) >
                   since;
      },
      20s));
  const Scrape s = gateway().scrape_exporter();
  EXPECT_EQ(s.get("openclaw_gateway_probe_success{gateway=\"default\",probe=\"http\"}"), 1);
  EXPECT_EQ(s.get("openclaw_gateway_probe_success{gateway=\"default\",probe=\"websocket\"}"), 1);
  EXPECT_EQ(http_get(gateway().url("/readyz")).status, 200);
}

// It takes seconds, not milliseconds, to become ready after a start: /healthz comes first, /readyz later, and it
// never answered /readyz 200 right after `systemctl start` returned (the hook's verification has to wait).
TEST_F(RealGatewayQuirks, NeedsSecondsToBecomeReady) {
  EXPECT_GT(gateway().first_ready_seconds, 5.0);
  EXPECT_GE(gateway().first_ready_seconds, gateway().first_healthz_seconds);
  EXPECT_LT(gateway().first_ready_seconds, kReadyTimeout.count());
}

// /readyz gives loopback callers the details (event loop, uptime) the exporter parses; HEAD works, POST is 405.
TEST_F(RealGatewayQuirks, ReadyzGivesDetailsToLocalCallers) {
  for (const std::string host : {"127.0.0.1", "[::1]"}) {
    const HttpResponse response = http_get("http://" + host + ":" + std::to_string(gateway().port()) + "/readyz");
    ASSERT_EQ(response.status, 200) << host << " " << response.error;
    const auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body.at("ready"), true) << host;
    EXPECT_TRUE(body.at("failing").is_array());
    EXPECT_TRUE(body.at("uptimeMs").is_number());
    ASSERT_TRUE(body.contains("eventLoop")) << response.body;
    EXPECT_TRUE(body["eventLoop"].at("delayP99Ms").is_number());
    EXPECT_TRUE(body["eventLoop"].at("utilization").is_number());
    EXPECT_TRUE(body["eventLoop"].at("degraded").is_boolean());
  }
  EXPECT_EQ(http_request("HEAD", gateway().url("/readyz")).status, 200);
  EXPECT_EQ(http_request("POST", gateway().url("/readyz"), "{}", {"Content-Type: application/json"}).status, 405);
  const HttpResponse healthz = http_get(gateway().url("/healthz"));
  EXPECT_EQ(healthz.status, 200);
  EXPECT_NE(healthz.body.find("\"ok\":true"), std::string::npos) << healthz.body;
}

}  // namespace
