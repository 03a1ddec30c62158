// The "busy" check on /proc/net/tcp{,6} text captured from a real kernel (fixtures/proc/net, see the README
// there): a listener on 127.0.0.1:28789 and [::1]:28789 with 3 + 2 accepted connections, one accepted connection
// in CLOSE_WAIT, the clients' own sockets (remote port 28789, one in FIN_WAIT2), and an unrelated service on 28790.
#include "busy_probe.hpp"
#include "process_runner.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace openclaw::hook {
namespace {

namespace t = openclaw::testing;

std::string proc_root() { return t::source_dir() + "/tests/restart_hook/fixtures/proc"; }
std::string net(const std::string& file) { return t::read_file(proc_root() + "/net/" + file); }

TEST(CountEstablished, CountsTheGatewaysAcceptedSocketsOnly) {
  // Not the listener (0A), not CLOSE_WAIT (08), not the clients' sockets whose *remote* port is the gateway's.
  EXPECT_EQ(count_established(net("tcp"), 28789), 3);
  EXPECT_EQ(count_established(net("tcp6"), 28789), 2);
  EXPECT_EQ(count_established(net("tcp"), 28790), 1);  // the other service's, counted for it alone
  EXPECT_EQ(count_established(net("tcp"), 18789), 0);
}

TEST(CountEstablished, SurvivesEmptyAndMalformedText) {
  EXPECT_EQ(count_established("", 28789), 0);
  EXPECT_EQ(count_established("  sl  local_address rem_address   st\n", 28789), 0);
  EXPECT_EQ(count_established("header\n garbage\n 0: nocolon 0100007F:7075 01\n 1: 0100007F:zz 0:0 01\n", 28789), 0);
}

TEST(SystemBusyProbe, ReadsBothFamiliesUnderTheProcRoot) {
  ForkExecRunner runner;
  SystemBusyProbe probe(runner, proc_root());
  GatewayConfig gateway;
  gateway.health_url = "http://127.0.0.1:28789/readyz";
  BusyConfig config;
  config.max_connections = 4;  // 5 established: busy
  EXPECT_EQ(probe.busy(gateway, config), Busy::kBusy);
  config.max_connections = 5;  // more than the threshold is busy, equal is not
  EXPECT_EQ(probe.busy(gateway, config), Busy::kIdle);
  gateway.health_url = "not a url";
  EXPECT_EQ(probe.busy(gateway, config), Busy::kFailed);  // could not tell: counts as busy, bounded by max_defer
  EXPECT_EQ(probe.busy(gateway, BusyConfig{}), Busy::kNotMeasured);
}

// The command check with a real child process: its JSON on stdout (stderr may be interleaved before it), the
// secret from a file in its environment (never argv), the gateway's port, and every way it can fail.
class BusyCommandTest : public ::testing::Test {
 protected:
  Busy check(const std::string& script) {
    config.command = {"/bin/sh", "-c", script};
    return probe.busy(gateway, config);
  }
  void SetUp() override {
    gateway.name = "default";
    gateway.health_url = "http://127.0.0.1:28789/readyz";
    openclaw::testing::write_file(dir.file("token"), "T0k3n\n");
    config.command_json_path = "counts.totalActive";
    config.command_timeout = std::chrono::milliseconds(2000);
    config.command_env_files = {{"OPENCLAW_GATEWAY_TOKEN", dir.file("token")}};
  }
  openclaw::testing::TempDir dir;
  ForkExecRunner runner;
  SystemBusyProbe probe{runner, proc_root()};
  GatewayConfig gateway;
  BusyConfig config;
};

TEST_F(BusyCommandTest, ReadsTheCountAtThePath) {
  EXPECT_EQ(check(R"(echo '{"safe":true,"counts":{"totalActive":0}}')"), Busy::kIdle);
  EXPECT_EQ(check(R"(echo 'warming up' >&2; echo '{"safe":false,"counts":{"queueSize":1,"totalActive":4}}')"),
            Busy::kBusy);
}

TEST_F(BusyCommandTest, GetsTheSecretAndThePortInItsEnvironment) {
  EXPECT_EQ(check(R"(test "$OPENCLAW_GATEWAY_TOKEN" = T0k3n && test "$OPENCLAW_GATEWAY_PORT" = 28789 &&
                     echo '{"counts":{"totalActive":0}}')"),
            Busy::kIdle);
  config.command_env_files = {{"OPENCLAW_GATEWAY_TOKEN", dir.file("missing")}};
  EXPECT_EQ(check(R"(echo '{"counts":{"totalActive":0}}')"), Busy::kFailed);  // the secret is unreadable
}

TEST_F(BusyCommandTest, EveryFailureIsFailedNotIdle) {
  EXPECT_EQ(check("echo gateway_credentials_required >&2; exit 1"), Busy::kFailed);
  EXPECT_EQ(check("echo 'not json'"), Busy::kFailed);
  EXPECT_EQ(check(R"(echo '{"counts":{"totalActive":"many"}}')"), Busy::kFailed);
  EXPECT_EQ(check(R"(echo '{"counts":[1,2]}')"), Busy::kFailed);
  config.command_timeout = std::chrono::milliseconds(300);
  EXPECT_EQ(check("sleep 10"), Busy::kFailed);  // killed at command_timeout
}

TEST(JsonNumberAt, DottedPaths) {
  EXPECT_EQ(json_number_at(R"({"a":{"b":2.5}})", "a.b"), 2.5);
  EXPECT_EQ(json_number_at(R"({"a":{"b":2.5}})", "a"), std::nullopt);
  EXPECT_EQ(json_number_at(R"({"a":1})", "a.b"), std::nullopt);
  EXPECT_EQ(json_number_at("[", "a"), std::nullopt);
}

TEST(UrlPort, ExplicitDefaultAndIpv6) {
  EXPECT_EQ(url_port("http://127.0.0.1:18789/readyz"), 18789);
  EXPECT_EQ(url_port("http://[::1]:18789/readyz"), 18789);
  EXPECT_EQ(url_port("http://[::1]/readyz"), 80);
  EXPECT_EQ(url_port("https://gw.example/readyz"), 443);
  EXPECT_EQ(url_port("http://gw:abc/"), std::nullopt);
  EXPECT_EQ(url_port("127.0.0.1:18789"), std::nullopt);
}

TEST(PromqlResultCount, SeriesOrNothing) {
  EXPECT_EQ(promql_result_count(R"({"status":"success","data":{"resultType":"vector","result":[{},{}]}})"), 2U);
  EXPECT_EQ(promql_result_count(R"({"status":"success","data":{"resultType":"vector","result":[]}})"), 0U);
  EXPECT_EQ(promql_result_count(R"({"status":"error","errorType":"bad_data"})"), std::nullopt);
  EXPECT_EQ(promql_result_count("<html>"), std::nullopt);
}

}  // namespace
}  // namespace openclaw::hook
