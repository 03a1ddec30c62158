#include "probe_source.hpp"

namespace openclaw::exporter {
namespace {

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
