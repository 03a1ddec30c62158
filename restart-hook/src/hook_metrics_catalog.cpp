// The hook's metric names are part of the interface alerts/ and dashboards/ use. This list is the single source:
// HookMetrics takes each family's name and HELP from it, and the table in docs/restart-hook.md and the hook's names
// in tests/alerts/known_metrics.txt are generated from it (tools/metrics_reference; see
// exporter/src/metrics_catalog.cpp for the command). Adding a metric: one entry here, register it in
// hook_metrics.cpp with hook_metric("<name>"), regenerate.
#include "hook_metrics_catalog.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace openclaw::hook {

using prometheus::MetricType;

const std::vector<MetricDescriptor>& hook_metrics_catalog() {
  static const std::vector<MetricDescriptor> catalog = {
      {"openclaw_restart_hook_webhooks_total", MetricType::Counter, "Webhook requests on /alerts by HTTP status code.",
       "hook", "code",
       "Webhook requests on `/alerts` by HTTP status code (200, 400, 401, 405, 413, 500 pre-created at 0)."},
      {"openclaw_restart_hook_decisions_total", MetricType::Counter,
       "Policy decisions by gateway, decision (restart, defer, none) and reason.", "hook", "gateway, decision, reason",
       "Policy decisions: `gateway` (\"\" when none matched), `decision` (restart, defer, none), `reason`; the "
       "refusals `operator_stopped`, `config_invalid`, `confirmed_healthy` are pre-created at 0 per gateway."},
      {"openclaw_restart_hook_restarts_total", MetricType::Counter,
       "Restart attempts by gateway, urgency and result (success: healthy in time).", "hook",
       "gateway, urgency, result", "Restart attempts, per attempt: `result` success (healthy in time) or failed."},
      {"openclaw_restart_hook_restart_duration_seconds", MetricType::Histogram,
       "Time of a restart attempt: the action plus verification.", "hook", "gateway",
       "Time of a restart attempt: the action plus verification."},
      {"openclaw_restart_hook_last_restart_timestamp_seconds", MetricType::Gauge,
       "Unix time of the last restart attempt of the gateway (0: none since the hook started).", "hook", "gateway",
       "Unix time of the last restart attempt (0: none since the hook started)."},
      {"openclaw_restart_hook_last_successful_restart_timestamp_seconds", MetricType::Gauge,
       "Unix time at which the gateway's last successful restart attempt ended (healthy in time); 0: none recorded. "
       "Kept across restarts of the hook.",
       "hook", "gateway",
       "Unix time the last successful attempt ended; 0 = none; kept across restarts of the hook (`state.json`)."},
      {"openclaw_restart_hook_last_failed_restart_timestamp_seconds", MetricType::Gauge,
       "Unix time at which the gateway's last failed restart attempt ended (not healthy within verify_timeout, or "
       "the action failed); 0: none recorded. Kept across restarts of the hook: newer than the last success means "
       "the last restart failed.",
       "hook", "gateway",
       "Unix time the last failed attempt ended; 0 = none; kept across restarts of the hook. Newer than the last "
       "success: the last restart failed (`OpenClawGatewayRestartFailed`)."},
      {"openclaw_restart_hook_last_restart_downtime_seconds", MetricType::Gauge,
       "Downtime of the gateway's last successful restart through the user manager: from the restart request until "
       "health answered again (drain + start + ready). Absent until one since the hook started.",
       "hook", "gateway",
       "Downtime of the last successful restart through the user manager (drain + start + ready, as in the audit "
       "record); absent until one since the hook started (`OpenClawGatewayRestarted`)."},
      {"openclaw_restart_hook_last_declined_timestamp_seconds", MetricType::Gauge,
       "Unix time of the last alert the hook declined for this reason (no_matching_gateway, no_matching_rule, "
       "operator_stopped, config_invalid, circuit_open, wrong_host): remediation is off until a person acts; 0: none "
       "since the hook started.",
       "hook", "reason",
       "Unix time of the last alert declined for `reason` (no_matching_gateway, no_matching_rule, operator_stopped, "
       "config_invalid, circuit_open, wrong_host); 0 = none since the hook started (`OpenClawRestartHookDeclined`)."},
      {"openclaw_restart_hook_state_set_aside_timestamp_seconds", MetricType::Gauge,
       "Unix time at which a corrupt state.json was moved aside (state.json.corrupt-<ms>) and the state rebuilt from "
       "the audit log; 0: not since the hook started.",
       "hook", "",
       "Unix time a corrupt `state.json` was moved aside and the state rebuilt from the audit log; 0 = not since the "
       "hook started."},
      {"openclaw_restart_hook_circuit_open", MetricType::Gauge,
       "1 while the gateway's restart circuit is open (no automatic restarts): page a human.", "hook", "gateway",
       "1 while the restart circuit is open (no automatic restarts): page a human on `== 1`."},
      {"openclaw_restart_hook_pending_restart", MetricType::Gauge,
       "Unix time at which the gateway's pending scheduled restart may run at the earliest (waiting for a window, "
       "its notice lead or idle); absent when none is pending.",
       "hook", "gateway",
       "Unix time a pending scheduled restart may run at the earliest; absent when none is pending."},
      {"openclaw_restart_hook_notice_lead_seconds", MetricType::Gauge,
       "policy.notice_lead: how long before it runs a scheduled restart is announced.", "hook", "",
       "`policy.notice_lead`."},
      {"openclaw_restart_hook_busy_checks_total", MetricType::Counter,
       "Busy checks before a scheduled restart by gateway and result (idle, busy, failed: could not tell, counted as "
       "busy).",
       "hook", "gateway, result",
       "Busy checks before a scheduled restart: `result` idle, busy, failed; pre-created at 0."},
      {"openclaw_restart_hook_build_info", MetricType::Gauge,
       "Build information of openclaw-restart-hook; the value is always 1.", "hook", "version, revision",
       "Constant 1."},
  };
  return catalog;
}

const MetricDescriptor& hook_metric(std::string_view name) {
  const auto& catalog = hook_metrics_catalog();
  const auto it = std::find_if(catalog.begin(), catalog.end(), [&](const auto& d) { return d.name == name; });
  if (it == catalog.end()) throw std::logic_error("metric " + std::string(name) + " is not in the hook's catalog");
  return *it;
}

}  // namespace openclaw::hook
