#include "state_rebuild.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "policy.hpp"
#include "state_store.hpp"

namespace openclaw::hook {
namespace {

using nlohmann::json;

std::string text_of(const json& record, const char* key) {
  const auto it = record.find(key);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool configured(const Config& config, const std::string& gateway) {
  return std::any_of(config.gateways.begin(), config.gateways.end(),
                     [&](const GatewayConfig& gw) { return gw.name == gateway; });
}

// A restart decision: when it started, the alert it served, whether it opened the circuit.
void apply_restart_decision(const json& record, TimePoint at, const Config& config, PolicyState& state) {
  const std::string gateway = text_of(record, "gateway");
  GatewayState& gs = state.gateways[gateway];
  gs.restarts.push_back(at);
  gs.last_restart = std::max(gs.last_restart.value_or(at), at);
  gs.in_progress = true;
  gs.in_progress_rule = text_of(record, "rule");
  if (const auto alert = record.find("alert"); alert != record.end() && alert->is_object()) {
    Alert served;
    served.fingerprint = text_of(*alert, "fingerprint");
    served.starts_at = text_of(*alert, "starts_at");
    if (!served.fingerprint.empty()) state.dedupe[dedupe_key(gateway, served)] = at + config.policy.dedupe_ttl;
  }
}

}  // namespace

std::optional<TimePoint> parse_audit_time(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  char zone = 0;
  if (text.size() != 24 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &tm.tm_year, &tm.tm_mon,
                                       &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis, &zone) != 8 ||
      zone != 'Z') {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t seconds = timegm(&tm);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return from_unix_ms(static_cast<long long>(seconds) * 1000 + millis);
}

PolicyState rebuild_state_from_audit(const std::vector<json>& records, const Config& config, TimePoint now) {
  PolicyState state;
  for (const json& record : records) {
    const auto at = parse_audit_time(text_of(record, "ts"));
    const std::string gateway = text_of(record, "gateway");
    if (!at || !configured(config, gateway)) continue;
    const std::string event = text_of(record, "event");
    if (event == "decision" && text_of(record, "decision") == "restart") {
      apply_restart_decision(record, *at, config, state);
    } else if (event == "decision" && record.value("opens_circuit", false)) {
      state.gateways[gateway].circuit_opened_at = *at;
    } else if (event == "circuit_reset") {
      reset_circuit(state.gateways[gateway], *at);
    } else if (event == "restart") {
      GatewayState& gs = state.gateways[gateway];
      const std::string result = text_of(record, "result");
      if (result == "success") gs.last_success = *at;
      if (result == "failed") gs.last_failure = *at;
      // A failed first attempt is followed by a retry decision or by "gave_up"; either way nothing runs now.
      if (result == "success" || result == "failed") gs.in_progress = false;
    } else if (event == "gave_up") {
      state.gateways[gateway].in_progress = false;
    }
  }
  for (auto& [name, gs] : state.gateways) {
    if (!gs.in_progress) gs.in_progress_rule.clear();
  }
  prune_state(state, now, std::max(config.policy.window, config.policy.cooldown));
  return state;
}

}  // namespace openclaw::hook
