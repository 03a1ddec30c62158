#include <nlohmann/json.hpp>

#include "probe.hpp"

namespace openclaw::exporter {
namespace {

std::optional<double> number_at(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<bool> bool_at(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

}  // namespace

Result<ReadyzBody> parse_readyz(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Result<ReadyzBody>::failure("readyz body is not JSON");
  if (!json.is_object()) return Result<ReadyzBody>::failure("readyz body is not a JSON object");
  ReadyzBody out;
  out.ready = bool_at(json, "ready");
  if (const auto uptime_ms = number_at(json, "uptimeMs")) out.uptime_seconds = *uptime_ms / 1000.0;
  if (const auto loop = json.find("eventLoop"); loop != json.end() && loop->is_object()) {
    out.event_loop_degraded = bool_at(*loop, "degraded");
    if (const auto delay_ms = number_at(*loop, "delayP99Ms")) out.event_loop_delay_p99_seconds = *delay_ms / 1000.0;
    out.event_loop_utilization = number_at(*loop, "utilization");
  }
  if (const auto failing = json.find("failing"); failing != json.end() && failing->is_array()) {
    out.failing.emplace();
    for (const auto& check : *failing) {
      if (check.is_string()) out.failing->push_back(check.get<std::string>());
    }
  }
  return out;
}

}  // namespace openclaw::exporter
