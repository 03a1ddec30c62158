#pragma once

#include <prometheus/collectable.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config.hpp"
#include "source.hpp"

namespace openclaw::exporter {

// The exporter's one prometheus-cpp Collectable: on every scrape it runs each source for each gateway, isolating
// failures (a throwing or failing source costs its own series, never the scrape), and times each one.
class GatewayCollector final : public prometheus::Collectable {
 public:
  GatewayCollector(std::vector<GatewayTarget> targets, std::shared_ptr<const ProcessSampler> sampler,
                   std::vector<std::unique_ptr<Source>> sources);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  void collect_gateway(const GatewayTarget& target, const std::optional<HostMemory>& host, MetricSet& out) const;
  void note_outcome(const std::string& gateway, std::string_view source, const Status& status) const;

  std::vector<GatewayTarget> targets_;
  std::shared_ptr<const ProcessSampler> sampler_;
  // Scrapes are serialised: sources keep per-gateway history (last PID) and sd-bus is single-threaded.
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Source>> sources_;
  mutable std::map<std::string, std::string> last_errors_;  // "gateway/source" -> reason, to log changes only
  mutable std::uint64_t scrapes_ = 0;
};

class Prober;
class SystemdUserManager;
// The sources every gateway is sampled with, in the order they run. Adding a source is one line here.
std::vector<std::unique_ptr<Source>> make_sources(const ExporterConfig& config,
                                                  const std::shared_ptr<const ProcessSampler>& sampler,
                                                  std::shared_ptr<SystemdUserManager> systemd,
                                                  std::shared_ptr<const Prober> prober);

}  // namespace openclaw::exporter
