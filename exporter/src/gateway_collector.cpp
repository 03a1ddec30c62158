#include "gateway_collector.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

#include "build_info.hpp"

namespace openclaw::exporter {

GatewayCollector::GatewayCollector(std::vector<GatewayTarget> targets, std::shared_ptr<const ProcessSampler> sampler,
                                   std::vector<std::unique_ptr<Source>> sources)
    : targets_(std::move(targets)), sampler_(std::move(sampler)), sources_(std::move(sources)) {}

std::vector<prometheus::MetricFamily> GatewayCollector::Collect() const {
  std::lock_guard lock(mutex_);
  MetricSet out;
  out.add("openclaw_exporter_build_info", {{"version", kVersion}, {"revision", kRevision}}, 1);
  out.add("openclaw_exporter_scrapes_total", {}, static_cast<double>(++scrapes_));

  std::optional<HostMemory> host;
  const auto started = std::chrono::steady_clock::now();
  auto memory = sampler_->host_memory();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (memory) {
    host = *memory;
    out.add("openclaw_host_memory_total_bytes", {}, static_cast<double>(host->total_bytes));
    out.add("openclaw_host_memory_available_bytes", {}, static_cast<double>(host->available_bytes));
  }
  out.add("openclaw_exporter_source_success", {{"gateway", ""}, {"source", "host"}}, memory ? 1 : 0);
  out.add("openclaw_exporter_source_duration_seconds", {{"gateway", ""}, {"source", "host"}}, seconds);
  note_outcome("", "host", memory ? Status(Ok{}) : Status::failure(memory.error()));

  for (const GatewayTarget& target : targets_) collect_gateway(target, host, out);
  return out.take();
}

void GatewayCollector::collect_gateway(const GatewayTarget& target, const std::optional<HostMemory>& host,
                                       MetricSet& out) const {
  GatewayContext context{target, host, {}, {}, {}};
  for (const auto& source : sources_) {
    if (!source->applies(context)) continue;
    // A source's series go to a scratch set first, so a source that fails halfway contributes nothing partial.
    MetricSet scratch;
    const auto started = std::chrono::steady_clock::now();
    Status status = Ok{};
    try {
      status = source->collect(context, scratch);
    } catch (const std::exception& e) {
      status = Status::failure(std::string("unexpected error: ") + e.what());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (status || source->keeps_output_on_failure()) out.merge(std::move(scratch));
    const MetricSet::Labels labels{{"gateway", target.name}, {"source", std::string(source->name())}};
    out.add("openclaw_exporter_source_success", labels, status ? 1 : 0);
    out.add("openclaw_exporter_source_duration_seconds", labels, seconds);
    note_outcome(target.name, source->name(), status);
  }
}

void GatewayCollector::note_outcome(const std::string& gateway, std::string_view source, const Status& status) const {
  const std::string key = gateway + "/" + std::string(source);
  const auto it = last_errors_.find(key);
  if (status) {
    if (it != last_errors_.end()) {
      spdlog::info("source recovered gateway={} source={}", gateway, source);
      last_errors_.erase(it);
    }
    return;
  }
  // One warn line per new reason, not one per scrape: a stopped gateway must not flood the journal.
  if (it == last_errors_.end() || it->second != status.error()) {
    spdlog::warn("source failed gateway={} source={} err=\"{}\"", gateway, source, status.error());
    last_errors_[key] = status.error();
  }
}

}  // namespace openclaw::exporter
