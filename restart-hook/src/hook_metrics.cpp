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
      circuit_open_(BuildGauge()
                        .Name("openclaw_restart_hook_circuit_open")
                        .Help("1 while the gateway's restart circuit is open (no automatic restarts): page a human.")
                        .Register(*registry_)) {
  BuildGauge()
      .Name("openclaw_restart_hook_build_info")
      .Help("Build information of openclaw-restart-hook; the value is always 1.")
      .Register(*registry_)
      .Add({{"version", kVersion}, {"revision", kRevision}})
      .Set(1);
  for (const int code : {200, 400, 401, 405, 413, 500}) webhooks_.Add({{"code", std::to_string(code)}});
  for (const auto& gateway : gateways) {
    for (const char* urgency : {"immediate", "scheduled"}) {
      for (const char* result : {"success", "failed"}) {
        restarts_.Add({{"gateway", gateway}, {"urgency", urgency}, {"result", result}});
      }
    }
    circuit(gateway, false);
    last_restart_.Add({{"gateway", gateway}});
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

void HookMetrics::circuit(const std::string& gateway, bool open) {
  circuit_open_.Add({{"gateway", gateway}}).Set(open ? 1 : 0);
}

}  // namespace openclaw::hook
