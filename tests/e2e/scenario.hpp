#pragma once
// What every restart scenario of the end-to-end test does and measures (docs/e2e.md).
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "e2e_stack.hpp"

namespace openclaw::e2e {

// The stack all scenarios share (created by the first caller, stopped after the last test).
Stack& shared_stack();

// One scenario's figures, printed per scenario and as a table at the end.
struct Measurement {
  std::string scenario;
  std::string alert;
  double degraded_at = 0;          // the fixture control call that crossed the threshold
  double active_at = 0;            // Prometheus first saw the condition (the alert's activeAt)
  double invoked_at = 0;           // the hook started `systemctl --user restart` (audit: restart ts - duration)
  double health_lost_at = 0;       // first failing /readyz of the outage the restart ended
  double healthy_again_at = 0;     // first 200 after it
  double to_healthy_hook = 0;      // the hook's own time_to_healthy_seconds
};
void record_measurement(const Measurement& m);
std::string measurements_table();

// Audit log helpers. `alertname` empty: any.
bool is_decision(const nlohmann::json& r, const std::string& decision, const std::string& alertname = "");
bool is_resolved_decision(const nlohmann::json& r, const std::string& alertname);
int count_events(const std::vector<nlohmann::json>& audit, const std::string& event);
int count_decisions(const std::vector<nlohmann::json>& audit, const std::string& decision,
                    const std::string& reason = "");
std::optional<nlohmann::json> first_record(const std::vector<nlohmann::json>& audit,
                                           const std::function<bool(const nlohmann::json&)>& pred);
std::string dump(const std::vector<nlohmann::json>& audit);

// Exporter series of the gateway.
std::optional<double> process_restarts(const Stack& s);
std::optional<double> unit_restarts(const Stack& s);
// The hook's restarts_total summed over urgency for `result`.
double hook_restarts(const Stack& s, const std::string& result);

// How long after a restart a second one caused by `alertname` could still arrive: one probe and one scrape to see
// the condition, the rule's `for`, one evaluation, and the slowest Alertmanager delivery (group_wait or
// group_interval) of the routes to the hook, plus 2 s; read from the rendered rules and routing, never a constant.
std::chrono::milliseconds alert_cycle(const Stack& s, const std::string& alertname);

// Waits until no restart alert (nor RestartLoop) is pending or firing and the gateway is ready. False on timeout.
bool wait_until_quiet(Stack& s, std::chrono::milliseconds timeout);

// The whole chain for one degradation: fresh hook with `policy` -> `degrade()` -> `alertname` fires -> the hook
// restarts the unit -> new MainPID -> exporter counters -> alert resolves -> exactly one restart, audit complete.
// Records the figures. Uses gtest assertions (check HasFatalFailure() after it).
void run_restart_scenario(Stack& s, const std::string& scenario, const std::string& alertname,
                          const std::function<void()>& degrade, const HookPolicy& policy = {});

// Scenario 7 (promql_coverage.cpp).
void check_promql_coverage(Stack& s);

}  // namespace openclaw::e2e
