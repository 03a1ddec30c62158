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

// Time stands still until the test moves it. advance() and set() let time pass (both readings move); step() is a
// wall-clock step (NTP, `date -s`): only the wall clock moves.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_ms_(to_unix_ms(start)) {}
  TimePoint now() const override { return from_unix_ms(now_ms_.load()); }
  std::chrono::nanoseconds elapsed() const override { return std::chrono::milliseconds{elapsed_ms_.load()}; }
  void advance(std::chrono::milliseconds d) {
    now_ms_ += d.count();
    elapsed_ms_ += d.count();
  }
  // Time passes until the wall clock reads `t` (a `t` in the past is a step back).
  void set(TimePoint t) {
    const long long delta = to_unix_ms(t) - now_ms_.load();
    now_ms_ = to_unix_ms(t);
    if (delta > 0) elapsed_ms_ += delta;
  }
  void step(std::chrono::milliseconds d) { now_ms_ += d.count(); }

 private:
  std::atomic<long long> now_ms_;
  std::atomic<long long> elapsed_ms_{0};
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
