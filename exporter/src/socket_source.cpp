#include "socket_source.hpp"

namespace openclaw::exporter {

Status SocketSource::collect(GatewayContext& context, MetricSet& out) {
  // The process source has just listed the fds; reuse that list rather than reading /proc/PID/fd again.
  const auto counts = context.process ? counter_->count(*context.pid, context.process->fd_numbers)
                                      : counter_->count(*context.pid);
  if (!counts) return Status::failure(counts.error());
  const auto labels = context.labels();
  // Every state, zeros included: a series that appears only when non-zero breaks rate() and alert `for`.
  for (std::size_t state = 1; state < kTcpStateNames.size(); ++state) {
    auto state_labels = labels;
    state_labels["state"] = std::string(kTcpStateNames[state]);
    out.add("openclaw_gateway_connections", state_labels, static_cast<double>(counts->by_state[state]));
  }
  for (SocketMethod method : {SocketMethod::kPidfdGetfd, SocketMethod::kSockDiag}) {
    auto method_labels = labels;
    method_labels["method"] = std::string(socket_method_name(method));
    out.add("openclaw_exporter_socket_method", method_labels, counts->method == method ? 1 : 0);
  }
  return Ok{};
}

}  // namespace openclaw::exporter
