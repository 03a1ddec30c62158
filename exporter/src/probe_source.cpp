#include "probe_source.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace openclaw::exporter {
namespace {

// The checks openclaw 2026.9.6 names in /readyz `failing` (besides channel ids, which are the user's: "other").
constexpr std::array<std::string_view, 6> kReadyzChecks = {"gateway-draining", "startup-sidecars", "plugin-reload",
                                                           "state-database",   "internal",         "other"};

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

void add_readyz(const ReadyzBody& body, const MetricSet::Labels& labels, MetricSet& out) {
  if (body.ready) out.add("openclaw_gateway_ready", labels, *body.ready ? 1 : 0);
  if (body.event_loop_degraded) out.add("openclaw_gateway_event_loop_degraded", labels, *body.event_loop_degraded ? 1 : 0);
  if (body.event_loop_delay_p99_seconds) {
    out.add("openclaw_gateway_event_loop_delay_p99_seconds", labels, *body.event_loop_delay_p99_seconds);
  }
  if (body.event_loop_utilization) out.add("openclaw_gateway_event_loop_utilization", labels, *body.event_loop_utilization);
  if (body.uptime_seconds) out.add("openclaw_gateway_uptime_seconds", labels, *body.uptime_seconds);
  if (!body.failing) return;
  std::set<std::string_view> failing;
  for (const std::string& check : *body.failing) {
    failing.insert(std::find(kReadyzChecks.begin(), kReadyzChecks.end(), check) != kReadyzChecks.end()
                       ? std::string_view(check)
                       : "other");
  }
  for (std::string_view check : kReadyzChecks) {
    auto check_labels = labels;
    check_labels["check"] = std::string(check);
    out.add("openclaw_gateway_readyz_failing", check_labels, failing.contains(check) ? 1 : 0);
  }
  // SIGTERM (a restart or stop) makes the gateway drain its active work with /readyz answering 503: busy, not down.
  out.add("openclaw_gateway_draining", labels, failing.contains("gateway-draining") ? 1 : 0);
}

}  // namespace

Status ProbeSource::collect(GatewayContext& context, MetricSet& out) {
  const auto labels = context.labels();
  for (ProbeKind kind : {ProbeKind::kHttp, ProbeKind::kWebsocket}) {
    const auto result = prober_->last(context.target.name, kind);
    if (!result) continue;  // the first probe has not finished yet
    auto probe_labels = labels;
    probe_labels["probe"] = std::string(probe_kind_name(kind));
    out.add("openclaw_gateway_probe_success", probe_labels, result->success ? 1 : 0);
    out.add("openclaw_gateway_probe_duration_seconds", probe_labels, result->duration_seconds);
    out.add("openclaw_gateway_probe_http_status_code", probe_labels, static_cast<double>(result->http_status));
    out.add("openclaw_gateway_probe_timestamp_seconds", probe_labels, unix_seconds(result->completed_at));
    if (kind == ProbeKind::kHttp && result->readyz) add_readyz(*result->readyz, labels, out);
  }
  return Ok{};
}

}  // namespace openclaw::exporter
