#include "log_source.hpp"

namespace openclaw::exporter {
namespace {

using EventKey = std::tuple<std::string_view, std::string_view, std::string_view>;

// Every series at 0 from the start, so that increase() sees the first event (a series born at 1 shows no increase).
std::map<EventKey, std::uint64_t> zero_events() {
  std::map<EventKey, std::uint64_t> events;
  for (const GatewayLogEventKind kind : kAllGatewayLogEventKinds) {
    if (kind != GatewayLogEventKind::kMemoryPressure) {
      events[{event_kind_name(kind), "", ""}] = 0;
      continue;
    }
    for (std::string_view level : kMemoryPressureLevels) {
      for (std::string_view reason : kMemoryPressureReasons) events[{event_kind_name(kind), level, reason}] = 0;
    }
  }
  return events;
}

}  // namespace

LogSource::LogSource(const std::vector<GatewayTarget>& targets, std::chrono::milliseconds poll_interval,
                     const LogFollower::Today& today) {
  for (const GatewayTarget& target : targets) {
    if (target.log_dir.empty()) continue;
    auto gateway = std::make_unique<Gateway>();
    gateway->counts.events = zero_events();
    Gateway& counted = *gateway;
    LogTail::Callbacks callbacks{[&counted](std::string_view line) { count_line(counted, line); },
                                 [&counted] {
                                   std::lock_guard lock(counted.mutex);
                                   ++counted.counts.lines;
                                   ++counted.counts.unparsable;
                                 }};
    gateway->follower = std::make_unique<LogFollower>(LogTail::Options{target.log_dir, target.profile},
                                                      std::move(callbacks), poll_interval, today);
    gateways_.emplace(target.name, std::move(gateway));
  }
}

void LogSource::count_line(Gateway& gateway, std::string_view line) {
  const auto parsed = parse_gateway_log_line(line);  // outside the lock: parsing is the slow part
  std::lock_guard lock(gateway.mutex);
  Counts& counts = gateway.counts;
  ++counts.lines;
  if (!parsed) {
    ++counts.unparsable;
    return;
  }
  if (!parsed->has_value()) return;
  const GatewayLogEvent& event = **parsed;
  ++counts.events[{event_kind_name(event.kind), event.level, event.reason}];
  if (event.kind != GatewayLogEventKind::kMemoryPressure) return;
  if (event.heap_used_bytes) counts.heap_used_bytes = event.heap_used_bytes;
  if (event.rss_bytes) counts.rss_bytes = event.rss_bytes;
  if (event.reason == "heap_threshold" && event.threshold_bytes) counts.heap_threshold_bytes = event.threshold_bytes;
}

Status LogSource::collect(GatewayContext& context, MetricSet& out) {
  Gateway& gateway = *gateways_.find(context.target.name)->second;
  if (Status status = gateway.follower->last_status(); !status) return status;
  Counts counts;
  {
    std::lock_guard lock(gateway.mutex);
    counts = gateway.counts;
  }
  const auto labels = context.labels();
  out.add("openclaw_gateway_log_file_present", labels, gateway.follower->file_present() ? 1 : 0);
  out.add("openclaw_gateway_log_lines_total", labels, static_cast<double>(counts.lines));
  out.add("openclaw_gateway_log_unparsable_lines_total", labels, static_cast<double>(counts.unparsable));
  for (const auto& [key, count] : counts.events) {
    auto event_labels = labels;
    event_labels["event"] = std::string(std::get<0>(key));
    event_labels["level"] = std::string(std::get<1>(key));
    event_labels["reason"] = std::string(std::get<2>(key));
    out.add("openclaw_gateway_log_events_total", event_labels, static_cast<double>(count));
  }
  if (counts.heap_used_bytes) {
    out.add("openclaw_gateway_reported_heap_used_bytes", labels, static_cast<double>(*counts.heap_used_bytes));
  }
  if (counts.rss_bytes) out.add("openclaw_gateway_reported_rss_bytes", labels, static_cast<double>(*counts.rss_bytes));
  if (counts.heap_threshold_bytes) {
    out.add("openclaw_gateway_reported_heap_threshold_bytes", labels,
            static_cast<double>(*counts.heap_threshold_bytes));
  }
  return Ok{};
}

}  // namespace openclaw::exporter
