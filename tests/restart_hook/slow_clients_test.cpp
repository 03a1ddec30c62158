// Connection starvation: while 500 slowloris connections are open (a byte of headers every 2 s each, reopened as soon
// as the hook lets go of one), Alertmanager's delivery — the same headers Alertmanager 0.25 sent, with credentials —
// is still answered within a bound: ceil(500 / 128 threads) * 0.5 s request timeout = 2 s, asserted with room for a
// loaded machine. Before the bound (32 threads, 10 s to send headers) no delivery was answered within 15 s.
#include "hook_http_fixture.hpp"
#include "slow_clients.hpp"

namespace openclaw::hook {
namespace {

TEST_F(HookHttpTest, AlertmanagersDeliveryLandsWhileFiveHundredSlowConnectionsAreOpen) {
  t::SlowClients attack(server->port(), 500, 2s);
  ASSERT_TRUE(t::wait_until([&] { return attack.connected() >= 500; }, 10s)) << attack.connected();
  const std::vector<std::string> alertmanager = {"User-Agent: Alertmanager/0.25.0", "Content-Type: application/json",
                                                 kBearer};
  double worst = 0;
  for (int i = 0; i < 3; ++i) {
    const auto answer = t::http_request("POST", base + "/alerts", fixture("am025-resolved.json"), alertmanager, 15s);
    ASSERT_EQ(answer.status, 200) << answer.error;
    worst = std::max(worst, answer.seconds);
    std::printf("delivery %d answered in %.2f s (%d slow connections open, %ld let go so far)\n", i, answer.seconds,
                attack.connected(), attack.dropped());
  }
  EXPECT_LT(worst, 10.0);  // ceil(500 / 256 workers) * 2 s request timeout = 4 s, with room for a loaded machine
  EXPECT_GT(attack.dropped(), 250);  // the request timeout, not luck, freed the workers: slow connections were cut
}

}  // namespace
}  // namespace openclaw::hook
