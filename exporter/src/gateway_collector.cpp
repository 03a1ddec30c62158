#include "gateway_collector.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "build_info.hpp"

namespace openclaw::exporter {

GatewayCollector::GatewayCollector(std::vector<GatewayTarget> targets, std::shared_ptr<const ProcessSampler> sampler,
                                   std::vector<std::unique_ptr<Source>> sources,
                                   std::chrono::milliseconds default_timeout)
    : targets_(std::move(targets)),
      sampler_(std::move(sampler)),
      default_timeout_(default_timeout),
      sources_(std::move(sources)) {
  for (const auto& source : sources_) runners_.push_back(std::make_unique<SourceRunner>(*source));
}

GatewayCollector::~GatewayCollector() {
  runners_.clear();  // their threads use the sources: join them first
}

std::vector<prometheus::MetricFamily> GatewayCollector::Collect() const {
  return collect(Clock::now() + default_timeout_);
}

std::vector<prometheus::MetricFamily> GatewayCollector::collect(Clock::time_point deadline) const {
  const auto scrape_started = Clock::now();
  const Budget budget{deadline - (deadline - scrape_started) / 10, deadline};
  MetricSet out;
  out.add("openclaw_exporter_build_info", {{"version", kVersion}, {"revision", kRevision}}, 1);
  out.add("openclaw_exporter_scrapes_total", {}, static_cast<double>(++scrapes_));

  // /proc/meminfo is the host's, never blocked by the gateway: read on the scrape's thread.
  std::optional<HostMemory> host;
  const auto started = Clock::now();
  auto memory = sampler_->host_memory();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (memory) {
    host = *memory;
    out.add("openclaw_host_memory_total_bytes", {}, static_cast<double>(host->total_bytes));
    out.add("openclaw_host_memory_available_bytes", {}, static_cast<double>(host->available_bytes));
  }
  out.add("openclaw_exporter_source_success", {{"gateway", ""}, {"source", "host"}}, memory ? 1 : 0);
  out.add("openclaw_exporter_source_duration_seconds", {{"gateway", ""}, {"source", "host"}}, seconds);
  note_outcome("", "host", memory ? Status(Ok{}) : Status::failure(memory.error()));

  for (const GatewayTarget& target : targets_) collect_gateway(target, host, budget, out);
  return out.take();
}

void GatewayCollector::collect_gateway(const GatewayTarget& target, const std::optional<HostMemory>& host,
                                       const Budget& budget, MetricSet& out) const {
  std::optional<GatewayContext> context;  // re-made from each source's copy (it holds a reference: no assignment)
  context.emplace(GatewayContext{target, host, {}, {}, {}});
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const Source& source = *sources_[i];
    if (!source.applies(*context)) continue;
    const auto now = Clock::now();
    SourceRunner::Outcome outcome =
        now >= budget.deadline
            ? SourceRunner::Outcome{Status::failure("not run: the scrape's deadline had passed"), {}, 0, {}}
            : runners_[i]->run(*context, now < budget.source_cutoff ? budget.source_cutoff : budget.deadline);
    const Status& status = outcome.status;
    if (outcome.context) context.emplace(std::move(*outcome.context));
    // A failing source's partial output is dropped (unless it keeps it); an unfinished one has none.
    if (status || source.keeps_output_on_failure()) out.merge(std::move(outcome.out));
    const MetricSet::Labels labels{{"gateway", target.name}, {"source", std::string(source.name())}};
    out.add("openclaw_exporter_source_success", labels, status ? 1 : 0);
    out.add("openclaw_exporter_source_duration_seconds", labels, outcome.seconds);
    note_outcome(target.name, source.name(), status);
  }
}

void GatewayCollector::note_outcome(const std::string& gateway, std::string_view source, const Status& status) const {
  const std::string key = gateway + "/" + std::string(source);
  std::lock_guard lock(errors_mutex_);
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
