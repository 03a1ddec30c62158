// The "busy" check on /proc/net/tcp{,6} text captured from a real kernel (fixtures/proc/net, see the README
// there): a listener on 127.0.0.1:28789 and [::1]:28789 with 3 + 2 accepted connections, one accepted connection
// in CLOSE_WAIT, the clients' own sockets (remote port 28789, one in FIN_WAIT2), and an unrelated service on 28790.
#include "busy_probe.hpp"

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
  SystemBusyProbe probe(proc_root());
  GatewayConfig gateway;
  gateway.health_url = "http://127.0.0.1:28789/readyz";
  BusyConfig config;
  config.max_connections = 4;  // 5 established: busy
  EXPECT_EQ(probe.busy(gateway, config), std::optional<bool>(true));
  config.max_connections = 5;  // more than the threshold is busy, equal is not
  EXPECT_EQ(probe.busy(gateway, config), std::optional<bool>(false));
  gateway.health_url = "not a url";
  EXPECT_EQ(probe.busy(gateway, config), std::nullopt);  // could not tell: the restart is not blocked
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
