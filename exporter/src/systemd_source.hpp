#pragma once

#include <memory>

#include "source.hpp"
#include "unit_exit_watcher.hpp"

namespace openclaw::exporter {

// The gateway's systemd user unit: active state and NRestarts (and its MainPID and MemoryMax for later sources).
class SystemdSource final : public Source {
 public:
  // `exits` may be null (no exit counting).
  SystemdSource(std::shared_ptr<SystemdUserManager> manager, std::shared_ptr<UnitExitWatcher> exits)
      : manager_(std::move(manager)), exits_(std::move(exits)) {}
  std::string_view name() const override { return "systemd"; }
  bool applies(const GatewayContext& context) const override { return !context.target.unit.empty(); }
  Status collect(GatewayContext& context, MetricSet& out) override;

 private:
  std::shared_ptr<SystemdUserManager> manager_;
  std::shared_ptr<UnitExitWatcher> exits_;
};

}  // namespace openclaw::exporter
