#pragma once

// Shared by the restart hook's tests: a fake clock, a base configuration, alerts, time literals, audit records.
#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clock.hpp"
#include "config.hpp"
#include "engine.hpp"
#include "webhook.hpp"

namespace openclaw::hook::testing {

// Time stands still until the test moves it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_ms_(to_unix_ms(start)) {}
  TimePoint now() const override { return from_unix_ms(now_ms_.load()); }
  void advance(std::chrono::milliseconds d) { now_ms_ += d.count(); }
  void set(TimePoint t) { now_ms_ = to_unix_ms(t); }

 private:
  std::atomic<long long> now_ms_;
};

// "2026-03-10T12:34:56Z" -> TimePoint (UTC; seconds precision).
TimePoint utc(const std::string& rfc3339);

// The example configuration, with `extra` appended (YAML) and the state dir replaced.
std::string example_config_yaml(const std::string& state_dir = "/tmp/unused");
Config example_config(const std::string& state_dir = "/tmp/unused");

Alert firing(const std::string& alertname, const std::string& gateway = "default",
             const std::string& fingerprint = "fp1", const std::string& starts_at = "2026-03-10T10:00:00Z");

// The engine's recent audit records whose "event" is `event` ("restart", "gave_up", …), oldest first.
std::vector<nlohmann::json> audit_events(const Engine& engine, const std::string& event);

}  // namespace openclaw::hook::testing
