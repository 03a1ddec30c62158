#include "restart_deadline.hpp"

#include <signal.h>

#include <algorithm>

namespace openclaw::hook {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

bool infinite(std::chrono::microseconds span) { return span >= UnitStatus::kInfinity || span.count() <= 0; }

milliseconds ceil_ms(std::chrono::microseconds span) { return std::chrono::ceil<milliseconds>(span); }

}  // namespace

milliseconds gateway_drain_budget(std::chrono::microseconds timeout_stop) {
  const milliseconds shutdown =
      infinite(timeout_stop) ? kGatewayShutdownCap
                             : std::min(kGatewayShutdownCap, duration_cast<milliseconds>(timeout_stop) - milliseconds(5000));
  return std::max(milliseconds(0), shutdown - kGatewayDrainReserve);
}

milliseconds derive_restart_deadline(const UnitStatus& unit, ActionKind action, int signal) {
  milliseconds total = kDeadlineMargin;
  total += infinite(unit.timeout_stop) ? kGatewayShutdownCap : ceil_ms(unit.timeout_stop);
  total += infinite(unit.timeout_start) ? kUnboundedStartBudget : ceil_ms(unit.timeout_start);
  if (action == ActionKind::kSignal) {
    if (!infinite(unit.restart_delay)) total += ceil_ms(unit.restart_delay);
    if (signal == SIGUSR2) total += kSigusr2DeferCap;
  }
  return total;
}

}  // namespace openclaw::hook
