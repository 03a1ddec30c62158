#pragma once

#include <memory>

#include "socket_counter.hpp"
#include "source.hpp"

namespace openclaw::exporter {

// The main process's TCP sockets by state (CLOSE_WAIT pile-ups are a known gateway bug).
class SocketSource final : public Source {
 public:
  explicit SocketSource(std::unique_ptr<SocketCounter> counter) : counter_(std::move(counter)) {}
  std::string_view name() const override { return "sockets"; }
  bool applies(const GatewayContext& context) const override { return context.pid.has_value(); }
  Status collect(GatewayContext& context, MetricSet& out) override;

 private:
  std::unique_ptr<SocketCounter> counter_;
};

}  // namespace openclaw::exporter
