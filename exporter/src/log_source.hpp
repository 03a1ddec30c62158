#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "gateway_log.hpp"
#include "log_follower.hpp"
#include "source.hpp"

namespace openclaw::exporter {

// The gateway's own diagnostics from its file log (memory pressure, stuck sessions, liveness, drains, start-up
// failures): one LogFollower per gateway with a log_dir, started with the exporter, counting lines as they are
// written. A scrape reads the counts; an unreadable log is a source failure.
class LogSource final : public Source {
 public:
  explicit LogSource(const std::vector<GatewayTarget>& targets,
                     std::chrono::milliseconds poll_interval = std::chrono::seconds(1),
                     const LogFollower::Today& today = local_date_today);
  std::string_view name() const override { return "log"; }
  bool applies(const GatewayContext& context) const override { return gateways_.contains(context.target.name); }
  Status collect(GatewayContext& context, MetricSet& out) override;
  bool may_block() const override { return false; }  // reads what the background thread left

 private:
  // What the lines read so far said. Event keys are (event, level, reason), all from bounded sets.
  struct Counts {
    std::uint64_t lines = 0;
    std::uint64_t unparsable = 0;
    std::map<std::tuple<std::string_view, std::string_view, std::string_view>, std::uint64_t> events;
    std::optional<std::uint64_t> heap_used_bytes;
    std::optional<std::uint64_t> rss_bytes;
    std::optional<std::uint64_t> heap_threshold_bytes;
  };
  struct Gateway {
    std::mutex mutex;
    Counts counts;
    std::unique_ptr<LogFollower> follower;  // after the counts it writes to: stops first
  };
  static void count_line(Gateway& gateway, std::string_view line);

  std::map<std::string, std::unique_ptr<Gateway>, std::less<>> gateways_;
};

}  // namespace openclaw::exporter
