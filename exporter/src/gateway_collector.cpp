#include "gateway_collector.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
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
  for (const auto& source : sources_) (source->may_block() ? chained_ : inline_).push_back(source.get());
  // Sources are shared by the gateways' chains: each must allow calls for different gateways at once.
  for (std::size_t i = 0; i < targets_.size(); ++i) chains_.push_back(std::make_unique<SourceChain>(chained_));
}

GatewayCollector::~GatewayCollector() {
  chains_.clear();  // their threads use the sources: join them first
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

  for (std::size_t i = 0; i < targets_.size(); ++i) collect_gateway(i, host, budget, out);
  return out.take();
}

void GatewayCollector::collect_gateway(std::size_t index, const std::optional<HostMemory>& host, const Budget& budget,
                                       MetricSet& out) const {
  const GatewayTarget& target = targets_[index];
  const GatewayContext initial{target, host, {}, {}, {}, 0};
  const auto now = Clock::now();
  SourceChain::Outcome chain =
      now >= budget.deadline
          ? SourceChain::Outcome{{}, initial}
          : chains_[index]->run(initial, now < budget.source_cutoff ? budget.source_cutoff : budget.deadline);
  if (chain.steps.empty()) {  // not started: every source that would have run fails
    chain.steps.resize(chained_.size());
    for (std::size_t i = 0; i < chained_.size(); ++i) {
      if (chained_[i]->applies(initial)) {
        chain.steps[i] = SourceChain::Step{Status::failure("not run: the scrape's deadline had passed"), {}, 0};
      }
    }
  }
  for (std::size_t i = 0; i < chained_.size(); ++i) {
    if (chain.steps[i]) emit(target.name, *chained_[i], std::move(*chain.steps[i]), out);
  }
  // What cannot block runs here, on what the chain found.
  GatewayContext& context = chain.context;
  for (Source* source : inline_) {
    if (!source->applies(context)) continue;
    SourceChain::Step step;
    const auto started = Clock::now();
    try {
      step.status = source->collect(context, step.out);
    } catch (const std::exception& e) {
      step.status = Status::failure(std::string("unexpected error: ") + e.what());
    } catch (...) {
      step.status = Status::failure("unexpected error: an exception that is not a std::exception");
    }
    step.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    emit(target.name, *source, std::move(step), out);
  }
}

void GatewayCollector::emit(const std::string& gateway, const Source& source, SourceChain::Step step,
                            MetricSet& out) const {
  // A failing source's partial output is dropped (unless it keeps it); an unfinished one has none.
  if (step.status || source.keeps_output_on_failure()) out.merge(std::move(step.out));
  const MetricSet::Labels labels{{"gateway", gateway}, {"source", std::string(source.name())}};
  out.add("openclaw_exporter_source_success", labels, step.status ? 1 : 0);
  out.add("openclaw_exporter_source_duration_seconds", labels, step.seconds);
  note_outcome(gateway, source.name(), step.status);
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
