#pragma once

#include <memory>

#include "memory_sampler.hpp"
#include "source.hpp"

namespace openclaw::exporter {

// Memory as the kernel and V8 count it: Pss of the gateway's process tree, its children by kind, the working set
// of its cgroup, and the V8 heap limit it was started with. Runs after the process source (it reads the tree that
// source found) and only when that source succeeded.
class MemorySource final : public Source {
 public:
  explicit MemorySource(std::shared_ptr<const MemorySampler> sampler) : sampler_(std::move(sampler)) {}
  std::string_view name() const override { return "memory"; }
  bool applies(const GatewayContext& context) const override { return context.process.has_value(); }
  Status collect(GatewayContext& context, MetricSet& out) override;

 private:
  std::shared_ptr<const MemorySampler> sampler_;
};

}  // namespace openclaw::exporter
