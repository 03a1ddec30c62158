#include "hook_test_util.hpp"

#include <ctime>
#include <stdexcept>

namespace openclaw::hook::testing {

TimePoint utc(const std::string& rfc3339) {
  std::tm tm{};
  if (strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) throw std::invalid_argument(rfc3339);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string example_config_yaml(const std::string& state_dir) {
  return "state_dir: " + state_dir + R"(
gateways:
  - name: default
    unit: openclaw-gateway.service
    health_url: http://127.0.0.1:18789/readyz
    match: {gateway: default}
policy:
  cooldown: 15m
  max_restarts: 3
  window: 1h
  verify_timeout: 60s
  notice_lead: 0s            # tests of the notice set it
  low_traffic_windows:
    - {start: "04:00", end: "04:30", location: UTC}
    - {start: "12:00", end: "12:30", location: UTC}
    - {start: "20:00", end: "20:30", location: UTC}
rules:
  - match: {alertname: OpenClawGatewayDown}
    action: systemctl
    urgency: immediate
  - match: {alertname: OpenClawGatewayUptimeHigh}
    action: systemctl
    urgency: scheduled
)";
}

Config example_config(const std::string& state_dir) { return parse_config(example_config_yaml(state_dir)); }

Alert firing(const std::string& alertname, const std::string& gateway, const std::string& fingerprint,
             const std::string& starts_at) {
  Alert alert;
  alert.status = "firing";
  alert.labels = {{"alertname", alertname}, {"gateway", gateway}};
  alert.fingerprint = fingerprint;
  alert.starts_at = starts_at;
  alert.ends_at = "0001-01-01T00:00:00Z";
  return alert;
}

std::vector<nlohmann::json> audit_events(const Engine& engine, const std::string& event) {
  std::vector<nlohmann::json> out;
  for (const auto& r : engine.recent_decisions()) {
    if (r.value("event", "") == event) out.push_back(r);
  }
  return out;
}

}  // namespace openclaw::hook::testing
