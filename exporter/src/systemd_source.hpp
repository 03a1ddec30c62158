#pragma once

#include <memory>

#include "source.hpp"

namespace openclaw::exporter {

// The gateway's systemd user unit: active state and NRestarts (and its MainPID and MemoryMax for later sources).
class SystemdSource final : public Source {
 public:
  explicit SystemdSource(std::shared_ptr<SystemdUserManager> manager) : manager_(std::move(manager)) {}
  std::string_view name() const override { return "systemd"; }
  bool applies(const GatewayContext& context) const override { return !context.target.unit.empty(); }
  Status collect(GatewayContext& context, MetricSet& out) override;

 private:
  std::shared_ptr<SystemdUserManager> manager_;
};

}  // namespace openclaw::exporter
