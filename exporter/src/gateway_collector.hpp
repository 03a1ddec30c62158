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
#include "source_chain.hpp"

namespace openclaw::exporter {

// The exporter's one prometheus-cpp Collectable: on every scrape it runs each source for each gateway, isolating
// failures (a throwing or failing source costs its own series, never the scrape), and times each one.
//
// A scrape has a deadline. For each gateway, the sources that may block run in order on that gateway's SourceChain
// thread (source_chain.hpp says why), and the scrape waits for the chain until the deadline minus a reserve of a
// tenth of the scrape's time, kept for the sources that cannot block (run on the scrape's own thread, after the
// chain), the other gateways and the rendering. A source that overruns reports openclaw_exporter_source_success 0
// for this scrape, and so do the chain's sources after it (not run); the scrape answers in time with the rest.
// Once the deadline itself has passed, a chain not yet started is reported failed without running. Scrapes are not
// serialised: two scrapes at once share one run of a gateway's chain, and never queue behind a stuck one.
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
  void collect_gateway(std::size_t index, const std::optional<HostMemory>& host, const Budget& budget,
                       MetricSet& out) const;
  void emit(const std::string& gateway, const Source& source, SourceChain::Step step, MetricSet& out) const;
  void note_outcome(const std::string& gateway, std::string_view source, const Status& status) const;

  std::vector<GatewayTarget> targets_;
  std::shared_ptr<const ProcessSampler> sampler_;
  std::chrono::milliseconds default_timeout_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<Source*> chained_;                       // the sources that may block, in order
  std::vector<Source*> inline_;                        // the others, in order: run after the chain
  std::vector<std::unique_ptr<SourceChain>> chains_;   // one per target, same order; joined before sources_ go
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
