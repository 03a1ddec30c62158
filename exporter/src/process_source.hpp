#pragma once

#include <memory>

#include "source.hpp"

namespace openclaw::exporter {

// Memory, CPU, fds and threads of the main process and its descendants, and the limit "80 % of memory" means.
class ProcessSource final : public Source {
 public:
  explicit ProcessSource(std::shared_ptr<const ProcessSampler> sampler) : sampler_(std::move(sampler)) {}
  std::string_view name() const override { return "process"; }
  bool applies(const GatewayContext& context) const override { return context.pid.has_value(); }
  Status collect(GatewayContext& context, MetricSet& out) override;

 private:
  std::shared_ptr<const ProcessSampler> sampler_;
};

// The limit the gateway's memory is measured against: the tighter of its cgroup's limit (what the kernel
// enforces) and its unit's MemoryMax= (what the operator configured, which cgroup v1 hosts may not enforce);
// without either, the host's MemTotal. nullopt when none is known.
std::optional<double> memory_limit_bytes(const ProcessSample& process, const std::optional<UnitState>& unit,
                                         const std::optional<HostMemory>& host);

}  // namespace openclaw::exporter
