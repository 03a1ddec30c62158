#pragma once

#include <prometheus/collectable.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config.hpp"
#include "source.hpp"
#include "source_runner.hpp"

namespace openclaw::exporter {

// The exporter's one prometheus-cpp Collectable: on every scrape it runs each source for each gateway, isolating
// failures (a throwing or failing source costs its own series, never the scrape), and times each one.
//
// A scrape has a deadline. Each source runs on its own SourceRunner thread (source_runner.hpp says why), and the
// scrape waits for it until the deadline minus a reserve of a tenth of the scrape's time, kept for the sources after
// it, the other gateways and the rendering; a source that overruns reports openclaw_exporter_source_success 0 for
// this scrape, the sources after it run without what it would have found, and the scrape answers in time with
// the rest. Once the deadline itself has passed, sources not yet started are reported failed without running.
// Scrapes are not serialised: two scrapes meet only at a source both want (one collect() per source at a time).
class GatewayCollector final : public prometheus::Collectable {
 public:
  using Clock = std::chrono::steady_clock;

  GatewayCollector(std::vector<GatewayTarget> targets, std::shared_ptr<const ProcessSampler> sampler,
                   std::vector<std::unique_ptr<Source>> sources,
                   std::chrono::milliseconds default_timeout = std::chrono::seconds(9));
  ~GatewayCollector() override;
  GatewayCollector(const GatewayCollector&) = delete;
  GatewayCollector& operator=(const GatewayCollector&) = delete;
  GatewayCollector(GatewayCollector&&) = delete;
  GatewayCollector& operator=(GatewayCollector&&) = delete;

  // A scrape with the default timeout (prometheus-cpp's interface has no room for a deadline).
  std::vector<prometheus::MetricFamily> Collect() const override;
  // A scrape that answers by `deadline` (plus the time to assemble what it has).
  std::vector<prometheus::MetricFamily> collect(Clock::time_point deadline) const;

 private:
  struct Budget {
    Clock::time_point source_cutoff;  // a source is waited for until then ...
    Clock::time_point deadline;       // ... or, once that has passed, until the deadline
  };
  void collect_gateway(const GatewayTarget& target, const std::optional<HostMemory>& host, const Budget& budget,
                       MetricSet& out) const;
  void note_outcome(const std::string& gateway, std::string_view source, const Status& status) const;

  std::vector<GatewayTarget> targets_;
  std::shared_ptr<const ProcessSampler> sampler_;
  std::chrono::milliseconds default_timeout_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<std::unique_ptr<SourceRunner>> runners_;  // one per source, same order; joined before sources_ go
  mutable std::mutex errors_mutex_;
  mutable std::map<std::string, std::string> last_errors_;  // "gateway/source" -> reason, to log changes only
  mutable std::atomic<std::uint64_t> scrapes_{0};
};

class Prober;
class SystemdUserManager;
// The sources every gateway is sampled with, in the order they run. Adding a source is one line here.
std::vector<std::unique_ptr<Source>> make_sources(const ExporterConfig& config,
                                                  const std::shared_ptr<const ProcessSampler>& sampler,
                                                  std::shared_ptr<SystemdUserManager> systemd,
                                                  std::shared_ptr<const Prober> prober);

}  // namespace openclaw::exporter
