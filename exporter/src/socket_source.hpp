#pragma once

#include <string>

#include "source.hpp"

namespace openclaw::exporter {

// The main process's TCP sockets by state (CLOSE_WAIT pile-ups are a known gateway bug).
class SocketSource final : public Source {
 public:
  explicit SocketSource(std::string proc_root) : proc_root_(std::move(proc_root)) {}
  std::string_view name() const override { return "sockets"; }
  bool applies(const GatewayContext& context) const override { return context.pid.has_value(); }
  Status collect(GatewayContext& context, MetricSet& out) override;

 private:
  std::string proc_root_;
};

}  // namespace openclaw::exporter
