#include "systemd_source.hpp"

#include <array>

namespace openclaw::exporter {

Status SystemdSource::collect(GatewayContext& context, MetricSet& out) {
  auto state = manager_->unit(context.target.unit);
  if (!state) return Status::failure(state.error());
  auto labels = context.labels();
  labels["unit"] = context.target.unit;
  out.add("openclaw_gateway_unit_active", labels, state->active_state == "active" ? 1 : 0);
  static constexpr std::array<std::string_view, 6> kStates = {"active",   "reloading", "inactive",
                                                              "failed",   "activating", "deactivating"};
  for (std::string_view s : kStates) {
    auto state_labels = labels;
    state_labels["state"] = std::string(s);
    out.add("openclaw_gateway_unit_state", state_labels, state->active_state == s ? 1 : 0);
  }
  if (state->load_state == "loaded") {
    out.add("openclaw_gateway_unit_restarts_total", labels, state->n_restarts);
  }
  context.unit = std::move(state).value();
  return Ok{};
}

}  // namespace openclaw::exporter
