#include "prometheus_client.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "test_support.hpp"

namespace openclaw::e2e {

using nlohmann::json;
using openclaw::testing::http_get;

std::string url_encode(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<double> parse_rfc3339(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  double seconds = static_cast<double>(timegm(&tm));
  std::size_t pos = static_cast<std::size_t>(consumed);
  if (pos < text.size() && text[pos] == '.') {
    double scale = 0.1;
    for (++pos; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0; ++pos) {
      seconds += (text[pos] - '0') * scale;
      scale /= 10;
    }
  }
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-') && pos + 6 <= text.size()) {
    const int sign = text[pos] == '+' ? 1 : -1;
    const int hours = std::stoi(text.substr(pos + 1, 2));
    const int minutes = std::stoi(text.substr(pos + 4, 2));
    seconds -= sign * (hours * 3600 + minutes * 60);
  }
  return seconds;
}

QueryResult PrometheusClient::query(const std::string& expr) const {
  QueryResult result;
  const auto response = http_get(base_ + "/api/v1/query?query=" + url_encode(expr), std::chrono::seconds(10));
  if (response.status == 0) {
    result.error = response.error;
    return result;
  }
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || body.value("status", "") != "success") {
    result.error = "HTTP " + std::to_string(response.status) + ": " + response.body;
    return result;
  }
  result.ok = true;
  const json& data = body["data"];
  if (data.value("resultType", "") == "vector" || data.value("resultType", "") == "matrix") {
    result.series = data["result"];
  } else {
    result.series = json::array({json{{"metric", json::object()}, {"value", data["result"]}}});
  }
  return result;
}

std::optional<double> PrometheusClient::value(const std::string& expr) const {
  const QueryResult r = query(expr);
  if (!r.ok || r.series.size() != 1) return std::nullopt;
  return std::stod(r.series[0]["value"][1].get<std::string>());
}

json PrometheusClient::alerts() const {
  const auto response = http_get(base_ + "/api/v1/alerts");
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.contains("data")) return json::array();
  return body["data"].value("alerts", json::array());
}

bool PrometheusClient::firing(const std::string& alertname) const {
  for (const auto& alert : alerts()) {
    if (alert["labels"].value("alertname", "") == alertname && alert.value("state", "") == "firing") return true;
  }
  return false;
}

std::optional<double> PrometheusClient::active_at(const std::string& alertname) const {
  std::optional<double> earliest;
  for (const auto& alert : alerts()) {
    if (alert["labels"].value("alertname", "") != alertname) continue;
    const auto at = parse_rfc3339(alert.value("activeAt", ""));
    if (at && (!earliest || *at < *earliest)) earliest = at;
  }
  return earliest;
}

}  // namespace openclaw::e2e
