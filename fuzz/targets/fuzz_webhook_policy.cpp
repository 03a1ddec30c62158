// The hook's entry for an Alertmanager delivery (restart-hook/src/handlers.cpp, engine.cpp): the body is parsed
// (parse_webhook), then every alert is decided and applied as the engine does, twice (a redelivery a minute later),
// and the resulting state must survive state.json's round trip. The body is what any client that gets past auth
// (or any client, with auth off on loopback) can send.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config.hpp"
#include "policy.hpp"
#include "state_store.hpp"
#include "webhook.hpp"

using namespace openclaw::hook;

namespace {

// Two gateways, both urgencies, a confirm rule, a regex matcher, a host: every branch of decide() is reachable.
const Config& fuzz_config() {
  static const Config config = [] {
    Config c = parse_config(R"yaml(
state_dir: /nonexistent/fuzz
gateways:
  - name: default
    unit: openclaw-gateway.service
    health_url: http://127.0.0.1:18789/readyz
    match: {gateway: default}
  - name: work
    unit: openclaw-gateway-work.service
    health_url: http://127.0.0.1:18790/readyz
    match: {gateway: work}
    match_re: {instance: "127\\.0\\.0\\.1:[0-9]+"}
policy:
  cooldown: 15m
  max_restarts: 3
  window: 1h
  dedupe_ttl: 24h
  notice_lead: 5m
  low_traffic_windows:
    - {start: "04:00", end: "04:30", location: UTC}
    - {start: "23:30", end: "00:30", location: UTC}
  busy: {max_connections: 5, max_defer: 2h}
rules:
  - match: {alertname: OpenClawGatewayDown}
    action: systemctl
    urgency: immediate
  - match: {alertname: OpenClawGatewayUnhealthy}
    action: signal
    confirm: unhealthy
  - match_re: {alertname: "OpenClawGateway(UptimeHigh|MemoryHigh)"}
    action: systemctl
    urgency: scheduled
)yaml");
    assign_schedule_offsets(c, "fuzzhost");
    c.host = "fuzzhost";
    return c;
  }();
  return config;
}

// What the engine would have measured: derived from the payload so that the fuzzer steers it too.
Observations observe(const std::map<std::string, ObservationWanted>& wanted, std::size_t seed) {
  Observations observed;
  for (const auto& [name, w] : wanted) {
    GatewayObservation& o = observed.gateways[name];
    if (w.busy) o.busy = static_cast<Busy>(1 + seed % 3);
    if (w.unit) o.unit = UnitView{seed % 2 ? "active" : "failed", seed % 4 ? "success" : "exit-code", 1,
                                  static_cast<int>(seed % 80)};
    if (w.health) o.healthy = seed % 5 == 0;
  }
  return observed;
}

void deliver(const WebhookPayload& payload, PolicyState& state, TimePoint now, std::size_t seed) {
  const Config& config = fuzz_config();
  for (const Alert& alert : payload.alerts) {
    const Observations observed = observe(wanted_observations(alert, config, state, now), seed);
    for (const Decision& d : decide(alert, config, state, now, observed)) {
      if (d.rule && *d.rule >= config.rules.size()) std::abort();
      if (changes_state(d)) apply_decision(d, dedupe_key(d.gateway, alert), state, config, now);
      // The worker's part: a restart that was started finishes.
      if (d.action == Action::kRestart) state.gateways[d.gateway].in_progress = false;
    }
  }
  for (const auto& gateway : config.gateways) {
    const auto it = state.gateways.find(gateway.name);
    if (it == state.gateways.end()) continue;
    if (const auto wanted = wanted_for_pending(gateway.name, it->second, config, now)) {
      (void)decide_pending(gateway.name, it->second, config, now, observe({{gateway.name, *wanted}}, seed));
    }
  }
  if (state.dedupe.size() > kMaxDedupeEntries) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto payload = parse_webhook(body);
  if (!payload) return 0;
  for (const Alert& alert : payload->alerts) {
    if (alert.fingerprint.size() > kMaxFingerprintBytes || alert.starts_at.size() > kMaxStartsAtBytes) std::abort();
    if (alert.labels.size() > kMaxLabels || alert.annotations.size() > kMaxLabels) std::abort();
  }
  const std::size_t seed = size;
  PolicyState state;
  // 2026-03-10T04:10:00Z: inside a low-traffic window; and a delivery a minute later (a redelivery).
  const TimePoint t0{std::chrono::seconds{1773115800}};
  deliver(*payload, state, t0, seed);
  deliver(*payload, state, t0 + std::chrono::minutes{1}, seed / 2);
  const std::string saved = serialize_state(state);
  const auto loaded = deserialize_state(saved);
  if (!loaded || serialize_state(*loaded) != saved) std::abort();
  return 0;
}
