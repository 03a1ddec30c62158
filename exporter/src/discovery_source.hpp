#pragma once

#include <map>
#include <memory>
#include <regex>
#include <string>

#include "source.hpp"

namespace openclaw::exporter {

// Finds the gateway's current main process (pid file, cmdline regex, or the unit's MainPID), reports
// openclaw_gateway_up, and counts main-PID changes. A gateway that is simply not running is up 0, not a failure;
// a pid file that cannot be read is a failure.
class DiscoverySource final : public Source {
 public:
  explicit DiscoverySource(std::shared_ptr<const ProcessSampler> sampler) : sampler_(std::move(sampler)) {}
  std::string_view name() const override { return "discovery"; }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  Status collect(GatewayContext& context, MetricSet& out) override;
  bool keeps_output_on_failure() const override { return true; }

 private:
  Result<std::optional<int>> locate(const GatewayContext& context);

  struct History {
    int last_pid = 0;
    std::uint64_t restarts = 0;
  };
  std::shared_ptr<const ProcessSampler> sampler_;
  std::map<std::string, History> history_;
  std::map<std::string, std::regex> regexes_;
};

}  // namespace openclaw::exporter
