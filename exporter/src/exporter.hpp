#pragma once

#include <memory>
#include <vector>

#include "config.hpp"

namespace openclaw {
class HttpServer;
}  // namespace openclaw

namespace openclaw::exporter {

class GatewayCollector;
class Prober;
class LandingPageHandler;
class ScrapeHandler;
class BasicAuthHandler;

// The whole exporter, wired from a configuration: background probes, the collector and the HTTP server.
// Serving starts in the constructor (which throws std::runtime_error when it cannot listen) and stops in the
// destructor.
class Exporter {
 public:
  explicit Exporter(const ExporterConfig& config);
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;
  Exporter(Exporter&&) = delete;
  Exporter& operator=(Exporter&&) = delete;

  std::vector<int> listening_ports() const;
  const GatewayCollector& collector() const { return *collector_; }

 private:
  std::shared_ptr<Prober> prober_;
  std::shared_ptr<GatewayCollector> collector_;
  std::unique_ptr<ScrapeHandler> metrics_handler_;
  std::unique_ptr<LandingPageHandler> landing_handler_;
  std::unique_ptr<BasicAuthHandler> auth_handler_;
  std::unique_ptr<HttpServer> server_;  // last: stops serving before the handlers go away
};

}  // namespace openclaw::exporter
