#pragma once

#include <CivetServer.h>
#include <prometheus/labels.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "config.hpp"
#include "method_handler.hpp"

namespace openclaw::exporter {

using openclaw::MethodHandler;

class GatewayCollector;

// How long a scrape may take: the scraper's X-Prometheus-Scrape-Timeout-Seconds (Prometheus sends its
// scrape_timeout) minus `offset`, so that the answer reaches it in time (blackbox_exporter's --timeout-offset), and
// never more than `limit`; `limit` when the header is absent or not a positive number of seconds. A header shorter
// than twice the offset leaves half of it.
std::chrono::milliseconds scrape_timeout(std::string_view header, std::chrono::milliseconds limit,
                                         std::chrono::milliseconds offset);

// Answers every method but GET with 405 and an Allow header (nothing here changes state; OPTIONS gets no CORS).
class GetOnlyHandler : public MethodHandler {
 public:
  GetOnlyHandler() : MethodHandler("GET") {}
};

// GET /metrics: one scrape of the collector with the deadline the scraper asks for, every sample with
// `constant_labels` (the exporter's `host`), gzip when the scraper accepts it.
class ScrapeHandler final : public GetOnlyHandler {
 public:
  ScrapeHandler(const GatewayCollector& collector, std::chrono::milliseconds limit, std::chrono::milliseconds offset,
                prometheus::Labels constant_labels = {})
      : collector_(collector), limit_(limit), offset_(offset), constant_labels_(std::move(constant_labels)) {}
  bool handleGet(CivetServer* server, mg_connection* conn) override;
  // The exposition text of one scrape, uncompressed.
  std::string render(std::string_view timeout_header) const;

 private:
  const GatewayCollector& collector_;
  std::chrono::milliseconds limit_;
  std::chrono::milliseconds offset_;
  prometheus::Labels constant_labels_;
};

// GET / : a landing page linking to the metrics, as every Prometheus exporter has. Other paths are 404.
class LandingPageHandler final : public GetOnlyHandler {
 public:
  explicit LandingPageHandler(const ExporterConfig& config);
  bool handleGet(CivetServer* server, mg_connection* conn) override;

 private:
  std::string page_;
};

// HTTP basic auth against the exporter-toolkit's bcrypt hashes. bcrypt is slow on purpose, so a header that has
// already been verified is remembered (by its SHA-256) and not hashed again on every scrape.
class BasicAuthHandler final : public CivetAuthHandler {
 public:
  explicit BasicAuthHandler(std::map<std::string, std::string> users) : users_(std::move(users)) {}
  bool authorize(CivetServer* server, mg_connection* conn) override;
  bool check(std::string_view authorization_header);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mutex_;
  std::set<std::string> verified_;  // SHA-256 digests of accepted Authorization headers
};

}  // namespace openclaw::exporter
