#include "process_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace openclaw::exporter {

std::optional<double> memory_limit_bytes(const ProcessSample& process, const std::optional<UnitState>& unit,
                                         const std::optional<HostMemory>& host) {
  std::optional<std::uint64_t> limit = process.cgroup_memory_limit_bytes;
  if (unit && unit->memory_max) limit = limit ? std::min(*limit, *unit->memory_max) : *unit->memory_max;
  // A limit above physical memory is no limit at all.
  if (host && (!limit || *limit > host->total_bytes)) limit = host->total_bytes;
  if (!limit) return std::nullopt;
  return static_cast<double>(*limit);
}

Status ProcessSource::collect(GatewayContext& context, MetricSet& out) {
  auto sample = sampler_->sample(*context.pid);
  if (!sample) return Status::failure(sample.error());
  // The gateway died after discovery found it and its PID went to another process: never report that one.
  if (context.pid_start_ticks != 0 && sample->start_ticks != context.pid_start_ticks) {
    return Status::failure(fmt::format("process {} is not the one discovered a moment ago (it started at tick {}, "
                                       "not {}): the gateway exited and its PID was reused",
                                       *context.pid, sample->start_ticks, context.pid_start_ticks));
  }
  const ProcessSample& p = *sample;
  const auto labels = context.labels();
  out.add("openclaw_gateway_process_start_time_seconds", labels, p.start_time_seconds);
  out.add("openclaw_gateway_resident_memory_bytes", labels, static_cast<double>(p.resident_bytes));
  if (const auto limit = memory_limit_bytes(p, context.unit, context.host)) {
    out.add("openclaw_gateway_memory_limit_bytes", labels, *limit);
  }
  out.add("openclaw_gateway_open_fds", labels, static_cast<double>(p.open_fds));
  out.add("openclaw_gateway_max_fds", labels,
          p.max_fds ? static_cast<double>(*p.max_fds) : std::numeric_limits<double>::infinity());
  out.add("openclaw_gateway_threads", labels, static_cast<double>(p.threads));
  out.add("openclaw_gateway_descendant_processes", labels, static_cast<double>(p.descendants));
  out.add("openclaw_gateway_cpu_seconds_total", labels, p.cpu_seconds);
  context.process = std::move(sample).value();
  return Ok{};
}

}  // namespace openclaw::exporter
