#pragma once

#include <memory>

#include "prober.hpp"
#include "source.hpp"

namespace openclaw::exporter {

// The last completed background probes (never probes on the scrape path) and what /readyz said.
class ProbeSource final : public Source {
 public:
  explicit ProbeSource(std::shared_ptr<const Prober> prober) : prober_(std::move(prober)) {}
  std::string_view name() const override { return "probe"; }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  Status collect(GatewayContext& context, MetricSet& out) override;
  bool may_block() const override { return false; }  // reads what the background thread left

 private:
  std::shared_ptr<const Prober> prober_;
};

}  // namespace openclaw::exporter
