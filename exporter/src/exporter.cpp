#include "exporter.hpp"

#include "gateway_collector.hpp"
#include "host_label.hpp"
#include "http_server.hpp"
#include "prober.hpp"
#include "systemd_unit.hpp"
#include "web_handlers.hpp"

namespace openclaw::exporter {

Exporter::Exporter(const ExporterConfig& config) {
  auto sampler = std::make_shared<const ProcessSampler>(config.procfs, config.cgroupfs);
  auto systemd = std::make_shared<SystemdUserManager>(config.systemd_address);
  std::vector<Prober::Target> probe_targets;
  for (const auto& gateway : config.gateways) probe_targets.push_back({gateway.name, gateway.url});
  prober_ = std::make_shared<Prober>(std::move(probe_targets), config.probe_interval, config.probe_timeout);
  collector_ = std::make_shared<GatewayCollector>(
      config.gateways, sampler, make_sources(config, sampler, std::move(systemd), prober_), config.scrape_timeout);
  metrics_handler_ = std::make_unique<ScrapeHandler>(*collector_, config.scrape_timeout, config.scrape_timeout_offset,
                                                     host_labels(config.host));
  landing_handler_ = std::make_unique<LandingPageHandler>(config);

  HttpServerOptions options;
  options.listen_address = config.listen_address;
  options.tls_cert_file = config.web.tls_cert_file;
  options.tls_key_file = config.web.tls_key_file;
  options.allowed_hosts = config.allowed_hosts;
  options.allowed_hosts_setting = "--web.allowed-hosts";
  // 256 threads (~8 MiB of RSS once each has served: docs/benchmarks.md) with the 2 s request timeout: behind 500
  // connections that trickle their headers a scrape waits ~ceil(500 / 256) * 2 s = 4 s at most, inside Prometheus'
  // 10 s (tests/exporter/exporter_http_test.cpp).
  options.num_threads = 256;
  options.hold_until_serve = true;
  server_ = std::make_unique<HttpServer>(options);
  if (!config.web.basic_auth_users.empty()) {
    auth_handler_ = std::make_unique<BasicAuthHandler>(config.web.basic_auth_users);
    server_->add_auth_handler("/", *auth_handler_);
  }
  server_->add_handler(config.telemetry_path, *metrics_handler_);
  server_->add_handler("/", *landing_handler_);
  server_->serve();
}

Exporter::~Exporter() = default;

std::vector<int> Exporter::listening_ports() const { return server_->listening_ports(); }

}  // namespace openclaw::exporter
