#pragma once
// A few calls of the Prometheus and Alertmanager HTTP APIs, for the end-to-end test (test-only).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace openclaw::e2e {

// GET /api/v1/query at the current time. `ok` is false when the query did not run (bad expression, no answer).
struct QueryResult {
  bool ok = false;
  std::string error;
  nlohmann::json series = nlohmann::json::array();  // data.result (a vector; a scalar becomes one series)
  bool empty() const { return series.empty(); }
};

class PrometheusClient {
 public:
  explicit PrometheusClient(std::string base_url) : base_(std::move(base_url)) {}
  QueryResult query(const std::string& expr) const;
  // The single value of an expression that yields one series (nullopt: no series or an error).
  std::optional<double> value(const std::string& expr) const;
  // GET /api/v1/alerts: the alerts (pending and firing) of every rule.
  nlohmann::json alerts() const;
  // True when an alert `alertname` is firing now.
  bool firing(const std::string& alertname) const;
  // When Prometheus first saw the alert's condition true (activeAt of the firing or pending instance), unix seconds.
  std::optional<double> active_at(const std::string& alertname) const;
  const std::string& url() const { return base_; }

 private:
  std::string base_;
};

// URL-encodes a query parameter.
std::string url_encode(const std::string& text);
// Unix time now, seconds with sub-second precision.
double unix_now();
// "2026-01-02T03:04:05.678Z" (or with more digits / an offset) -> unix seconds. nullopt when unparsable.
std::optional<double> parse_rfc3339(const std::string& text);

}  // namespace openclaw::e2e
