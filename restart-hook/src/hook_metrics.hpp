#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "policy.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace openclaw::hook {

// The hook's own metrics (names from the issue). Families are registered once here; everything else keeps
// references. Label children are created ahead for every configured gateway, so series exist from the start.
// Reasons for declining an alert that leave remediation off until a person acts (openclaw_restart_hook_last_declined_
// timestamp_seconds): the hook cannot match the alert, or the gateway or the circuit forbid any restart.
inline constexpr std::array<const char*, 6> kDeclinedReasons = {reason::kNoMatchingGateway, reason::kNoMatchingRule,
                                                                 reason::kOperatorStopped, reason::kConfigInvalid,
                                                                 reason::kCircuitOpen, reason::kWrongHost};

class HookMetrics {
 public:
  explicit HookMetrics(const std::vector<std::string>& gateways);
  HookMetrics(const HookMetrics&) = delete;
  HookMetrics& operator=(const HookMetrics&) = delete;
  HookMetrics(HookMetrics&&) = delete;
  HookMetrics& operator=(HookMetrics&&) = delete;
  ~HookMetrics() = default;

  void webhook(int code);
  void decision(const std::string& gateway, const std::string& decision, const std::string& reason);
  void restart(const std::string& gateway, const std::string& urgency, bool success, double seconds);
  void last_restart(const std::string& gateway, double unix_seconds);
  // When the gateway's last restart attempt ended, by result; 0 = none recorded.
  void last_outcome(const std::string& gateway, bool success, double unix_seconds);
  // How long the gateway did not answer during its last successful restart (restart_phases: drain + start + ready).
  void last_downtime(const std::string& gateway, double seconds);
  // An alert the hook declined for one of kDeclinedReasons (nothing else is recorded here).
  void declined(const std::string& reason, double unix_seconds);
  // state.json was corrupt at start: set aside and rebuilt from the audit log.
  void state_set_aside(double unix_seconds);
  void circuit(const std::string& gateway, bool open);
  // The earliest unix time a pending restart may run; nullopt removes the series (nothing pending).
  void pending_restart(const std::string& gateway, std::optional<double> unix_seconds);
  void notice_lead(double seconds);
  void busy_check(const std::string& gateway, Busy result);

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& webhooks_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Family<prometheus::Counter>& restarts_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Gauge>& last_restart_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Gauge>& last_failure_;
  prometheus::Family<prometheus::Gauge>& last_declined_;
  prometheus::Family<prometheus::Gauge>& last_downtime_;
  prometheus::Family<prometheus::Gauge>& state_set_aside_;
  prometheus::Family<prometheus::Gauge>& circuit_open_;
  prometheus::Family<prometheus::Gauge>& pending_;
  prometheus::Family<prometheus::Gauge>& notice_lead_;
  prometheus::Family<prometheus::Counter>& busy_checks_;
};

}  // namespace openclaw::hook
