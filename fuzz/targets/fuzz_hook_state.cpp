// The hook's state.json (restart-hook/src/state_store.cpp): read at start from a file that a crash, a full disk or
// a person's editor may have left in any shape. A loaded state must save to a file that loads to the same state.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config.hpp"
#include "policy.hpp"
#include "state_store.hpp"

using namespace openclaw::hook;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = deserialize_state(text);
  if (!loaded) return 0;
  const std::string saved = serialize_state(*loaded);
  const auto again = deserialize_state(saved);
  if (!again || serialize_state(*again) != saved) std::abort();

  // What the engine does with it at start: fit it to the configuration, then prune.
  static const Config config = parse_config(R"yaml(
state_dir: /nonexistent/fuzz
gateways:
  - {name: default, unit: openclaw-gateway.service, health_url: "http://127.0.0.1:18789/readyz", match: {gateway: default}}
policy:
  low_traffic_windows: [{start: "04:00", end: "04:30", location: UTC}]
rules:
  - {name: down, match: {alertname: OpenClawGatewayDown}}
  - {name: scheduled, match: {alertname: OpenClawGatewayUptimeHigh}, urgency: scheduled}
)yaml");
  PolicyState state = std::move(loaded).value();
  (void)reconcile_with_config(state, config);
  const TimePoint now{std::chrono::seconds{1773115800}};
  prune_state(state, now, config.policy.window);
  for (const auto& [name, gs] : state.gateways) {
    (void)circuit_open(gs, config.policy, now);
    (void)restarts_in_window(gs, config.policy, now);
    if (gs.pending) (void)busy_time(*gs.pending, now);
    (void)decide_pending(name, gs, config, now, Observations{});
  }
  return 0;
}
