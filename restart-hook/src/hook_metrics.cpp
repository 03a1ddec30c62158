#include "hook_metrics.hpp"

#include "build_info.hpp"

namespace openclaw::hook {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

HookMetrics::HookMetrics(const std::vector<std::string>& gateways)
    : registry_(std::make_shared<prometheus::Registry>()),
      webhooks_(BuildCounter()
                    .Name("openclaw_restart_hook_webhooks_total")
                    .Help("Webhook requests on /alerts by HTTP status code.")
                    .Register(*registry_)),
      decisions_(BuildCounter()
                     .Name("openclaw_restart_hook_decisions_total")
                     .Help("Policy decisions by gateway, decision (restart, defer, none) and reason.")
                     .Register(*registry_)),
      restarts_(BuildCounter()
                    .Name("openclaw_restart_hook_restarts_total")
                    .Help("Restart attempts by gateway, urgency and result (success: healthy in time).")
                    .Register(*registry_)),
      duration_(BuildHistogram()
                    .Name("openclaw_restart_hook_restart_duration_seconds")
                    .Help("Time of a restart attempt: the action plus verification.")
                    .Register(*registry_)),
      last_restart_(BuildGauge()
                        .Name("openclaw_restart_hook_last_restart_timestamp_seconds")
                        .Help("Unix time of the last restart attempt of the gateway (0: none since the hook started).")
                        .Register(*registry_)),
      last_success_(BuildGauge()
                        .Name("openclaw_restart_hook_last_successful_restart_timestamp_seconds")
                        .Help("Unix time at which the gateway's last successful restart attempt ended (healthy in "
                              "time); 0: none recorded. Kept across restarts of the hook.")
                        .Register(*registry_)),
      last_failure_(BuildGauge()
                        .Name("openclaw_restart_hook_last_failed_restart_timestamp_seconds")
                        .Help("Unix time at which the gateway's last failed restart attempt ended (not healthy within "
                              "verify_timeout, or the action failed); 0: none recorded. Kept across restarts of the "
                              "hook: newer than the last success means the last restart failed.")
                        .Register(*registry_)),
      last_declined_(BuildGauge()
                         .Name("openclaw_restart_hook_last_declined_timestamp_seconds")
                         .Help("Unix time of the last alert the hook declined for this reason (no_matching_gateway, "
                               "no_matching_rule, operator_stopped, config_invalid, circuit_open): remediation is off "
                               "until a person acts; 0: none since the hook started.")
                         .Register(*registry_)),
      last_downtime_(BuildGauge()
                         .Name("openclaw_restart_hook_last_restart_downtime_seconds")
                         .Help("Downtime of the gateway's last successful restart through the user manager: from the "
                               "restart request until health answered again (drain + start + ready). Absent until "
                               "one since the hook started.")
                         .Register(*registry_)),
      state_set_aside_(BuildGauge()
                           .Name("openclaw_restart_hook_state_set_aside_timestamp_seconds")
                           .Help("Unix time at which a corrupt state.json was moved aside (state.json.corrupt-<ms>) "
                                 "and the state rebuilt from the audit log; 0: not since the hook started.")
                           .Register(*registry_)),
      circuit_open_(BuildGauge()
                        .Name("openclaw_restart_hook_circuit_open")
                        .Help("1 while the gateway's restart circuit is open (no automatic restarts): page a human.")
                        .Register(*registry_)),
      pending_(BuildGauge()
                   .Name("openclaw_restart_hook_pending_restart")
                   .Help("Unix time at which the gateway's pending scheduled restart may run at the earliest (waiting "
                         "for a window, its notice lead or idle); absent when none is pending.")
                   .Register(*registry_)),
      notice_lead_(BuildGauge()
                       .Name("openclaw_restart_hook_notice_lead_seconds")
                       .Help("policy.notice_lead: how long before it runs a scheduled restart is announced.")
                       .Register(*registry_)),
      busy_checks_(BuildCounter()
                       .Name("openclaw_restart_hook_busy_checks_total")
                       .Help("Busy checks before a scheduled restart by gateway and result (idle, busy, failed: "
                             "could not tell, counted as busy).")
                       .Register(*registry_)) {
  BuildGauge()
      .Name("openclaw_restart_hook_build_info")
      .Help("Build information of openclaw-restart-hook; the value is always 1.")
      .Register(*registry_)
      .Add({{"version", kVersion}, {"revision", kRevision}})
      .Set(1);
  for (const int code : {200, 400, 401, 405, 413, 500}) webhooks_.Add({{"code", std::to_string(code)}});
  for (const char* why : kDeclinedReasons) last_declined_.Add({{"reason", why}});
  state_set_aside_.Add({});
  for (const auto& gateway : gateways) {
    for (const char* urgency : {"immediate", "scheduled"}) {
      for (const char* result : {"success", "failed"}) {
        restarts_.Add({{"gateway", gateway}, {"urgency", urgency}, {"result", result}});
      }
    }
    circuit(gateway, false);
    for (const char* result : {"idle", "busy", "failed"}) busy_checks_.Add({{"gateway", gateway}, {"result", result}});
    // The gateway's own refusals, pre-created so that a rule sees the first one as an increase.
    for (const char* why : {reason::kOperatorStopped, reason::kConfigInvalid, reason::kConfirmedHealthy}) {
      decisions_.Add({{"gateway", gateway}, {"decision", "none"}, {"reason", why}});
    }
    last_restart_.Add({{"gateway", gateway}});
    last_success_.Add({{"gateway", gateway}});
    last_failure_.Add({{"gateway", gateway}});
    duration_.Add({{"gateway", gateway}}, prometheus::Histogram::BucketBoundaries{1, 2, 5, 10, 15, 20, 30, 45, 60,
                                                                                  90, 120, 180, 300, 600});
  }
}

void HookMetrics::webhook(int code) { webhooks_.Add({{"code", std::to_string(code)}}).Increment(); }

void HookMetrics::decision(const std::string& gateway, const std::string& decision, const std::string& reason) {
  decisions_.Add({{"gateway", gateway}, {"decision", decision}, {"reason", reason}}).Increment();
}

void HookMetrics::restart(const std::string& gateway, const std::string& urgency, bool success, double seconds) {
  restarts_.Add({{"gateway", gateway}, {"urgency", urgency}, {"result", success ? "success" : "failed"}}).Increment();
  duration_
      .Add({{"gateway", gateway}},
           prometheus::Histogram::BucketBoundaries{1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600})
      .Observe(seconds);
}

void HookMetrics::last_restart(const std::string& gateway, double unix_seconds) {
  last_restart_.Add({{"gateway", gateway}}).Set(unix_seconds);
}

void HookMetrics::last_outcome(const std::string& gateway, bool success, double unix_seconds) {
  (success ? last_success_ : last_failure_).Add({{"gateway", gateway}}).Set(unix_seconds);
}

void HookMetrics::last_downtime(const std::string& gateway, double seconds) {
  last_downtime_.Add({{"gateway", gateway}}).Set(seconds);
}

void HookMetrics::state_set_aside(double unix_seconds) { state_set_aside_.Add({}).Set(unix_seconds); }

void HookMetrics::declined(const std::string& reason, double unix_seconds) {
  last_declined_.Add({{"reason", reason}}).Set(unix_seconds);
}

void HookMetrics::circuit(const std::string& gateway, bool open) {
  circuit_open_.Add({{"gateway", gateway}}).Set(open ? 1 : 0);
}

}  // namespace openclaw::hook

namespace openclaw::hook {

void HookMetrics::pending_restart(const std::string& gateway, std::optional<double> unix_seconds) {
  if (!unix_seconds) {
    if (pending_.Has({{"gateway", gateway}})) pending_.Remove(&pending_.Add({{"gateway", gateway}}));
    return;
  }
  pending_.Add({{"gateway", gateway}}).Set(*unix_seconds);
}

void HookMetrics::notice_lead(double seconds) { notice_lead_.Add({}).Set(seconds); }

void HookMetrics::busy_check(const std::string& gateway, Busy result) {
  const char* name = result == Busy::kBusy ? "busy" : result == Busy::kFailed ? "failed" : "idle";
  if (result == Busy::kNotMeasured) return;
  busy_checks_.Add({{"gateway", gateway}, {"result", name}}).Increment();
}

}  // namespace openclaw::hook
