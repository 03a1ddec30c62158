#include "hook_metrics.hpp"

#include "build_info.hpp"
#include "hook_metrics_catalog.hpp"

namespace openclaw::hook {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

namespace {
// Name and HELP from the catalog (hook_metrics_catalog.cpp): a family without an entry throws at start-up.
std::string name_of(std::string_view name) { return std::string(hook_metric(name).name); }
std::string help_of(std::string_view name) { return std::string(hook_metric(name).help); }
}  // namespace

HookMetrics::HookMetrics(const std::vector<std::string>& gateways)
    : registry_(std::make_shared<prometheus::Registry>()),
      webhooks_(BuildCounter()
                    .Name(name_of("openclaw_restart_hook_webhooks_total"))
                    .Help(help_of("openclaw_restart_hook_webhooks_total"))
                    .Register(*registry_)),
      decisions_(BuildCounter()
                     .Name(name_of("openclaw_restart_hook_decisions_total"))
                     .Help(help_of("openclaw_restart_hook_decisions_total"))
                     .Register(*registry_)),
      restarts_(BuildCounter()
                    .Name(name_of("openclaw_restart_hook_restarts_total"))
                    .Help(help_of("openclaw_restart_hook_restarts_total"))
                    .Register(*registry_)),
      duration_(BuildHistogram()
                    .Name(name_of("openclaw_restart_hook_restart_duration_seconds"))
                    .Help(help_of("openclaw_restart_hook_restart_duration_seconds"))
                    .Register(*registry_)),
      last_restart_(BuildGauge()
                        .Name(name_of("openclaw_restart_hook_last_restart_timestamp_seconds"))
                        .Help(help_of("openclaw_restart_hook_last_restart_timestamp_seconds"))
                        .Register(*registry_)),
      last_success_(BuildGauge()
                        .Name(name_of("openclaw_restart_hook_last_successful_restart_timestamp_seconds"))
                        .Help(help_of("openclaw_restart_hook_last_successful_restart_timestamp_seconds"))
                        .Register(*registry_)),
      last_failure_(BuildGauge()
                        .Name(name_of("openclaw_restart_hook_last_failed_restart_timestamp_seconds"))
                        .Help(help_of("openclaw_restart_hook_last_failed_restart_timestamp_seconds"))
                        .Register(*registry_)),
      last_declined_(BuildGauge()
                         .Name(name_of("openclaw_restart_hook_last_declined_timestamp_seconds"))
                         .Help(help_of("openclaw_restart_hook_last_declined_timestamp_seconds"))
                         .Register(*registry_)),
      last_downtime_(BuildGauge()
                         .Name(name_of("openclaw_restart_hook_last_restart_downtime_seconds"))
                         .Help(help_of("openclaw_restart_hook_last_restart_downtime_seconds"))
                         .Register(*registry_)),
      state_set_aside_(BuildGauge()
                           .Name(name_of("openclaw_restart_hook_state_set_aside_timestamp_seconds"))
                           .Help(help_of("openclaw_restart_hook_state_set_aside_timestamp_seconds"))
                           .Register(*registry_)),
      circuit_open_(BuildGauge()
                        .Name(name_of("openclaw_restart_hook_circuit_open"))
                        .Help(help_of("openclaw_restart_hook_circuit_open"))
                        .Register(*registry_)),
      pending_(BuildGauge()
                   .Name(name_of("openclaw_restart_hook_pending_restart"))
                   .Help(help_of("openclaw_restart_hook_pending_restart"))
                   .Register(*registry_)),
      notice_lead_(BuildGauge()
                       .Name(name_of("openclaw_restart_hook_notice_lead_seconds"))
                       .Help(help_of("openclaw_restart_hook_notice_lead_seconds"))
                       .Register(*registry_)),
      busy_checks_(BuildCounter()
                       .Name(name_of("openclaw_restart_hook_busy_checks_total"))
                       .Help(help_of("openclaw_restart_hook_busy_checks_total"))
                       .Register(*registry_)) {
  BuildGauge()
      .Name(name_of("openclaw_restart_hook_build_info"))
      .Help(help_of("openclaw_restart_hook_build_info"))
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
