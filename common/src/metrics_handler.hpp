#pragma once

#include <CivetServer.h>
#include <prometheus/labels.h>
#include <prometheus/metric_family.h>

#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Collectable;
}

namespace openclaw {

// The exposition text (Prometheus text format 0.0.4) of `families`, every sample with `constant_labels` added (the
// program's `host`: host_label.hpp). Both programs render every scrape through here.
std::string serialize_metrics(std::vector<prometheus::MetricFamily> families,
                              const prometheus::Labels& constant_labels);

// Serves Prometheus text format 0.0.4 from a set of collectables, every sample with `constant_labels`,
// gzip-compressed when the scraper sends `Accept-Encoding: gzip` (as Prometheus does).
class MetricsHandler final : public CivetHandler {
 public:
  explicit MetricsHandler(std::vector<std::shared_ptr<prometheus::Collectable>> collectables,
                          prometheus::Labels constant_labels = {});
  bool handleGet(CivetServer* server, mg_connection* conn) override;

  // The exposition text, uncompressed (what handleGet serves). Useful to tests and benchmarks.
  std::string render() const;

 private:
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  prometheus::Labels constant_labels_;
};

// True when an Accept-Encoding header value accepts gzip (q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);
// gzip-compresses `data` (a complete gzip member).
std::string gzip_compress(std::string_view data);
// Answers 200 with exposition text, gzip-compressed when the request's Accept-Encoding allows it.
void send_metrics_text(mg_connection* conn, const std::string& body);

}  // namespace openclaw
