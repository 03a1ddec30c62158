#pragma once

// How long a restart may take, from the unit's own budgets (pure; see docs/restart-hook.md "Restart deadline").
#include <chrono>

#include "config.hpp"
#include "unit_control.hpp"

namespace openclaw::hook {

// The gateway (2026.9.6) exits by itself within min(325 s, TimeoutStopSec - 5 s) of SIGTERM, ...
inline constexpr std::chrono::milliseconds kGatewayShutdownCap{325'000};
// ... and drains active work for that minus 10 s.
inline constexpr std::chrono::milliseconds kGatewayDrainReserve{10'000};
// SIGUSR2 first waits (up to 300 s) for active work to end before it drains.
inline constexpr std::chrono::milliseconds kSigusr2DeferCap{300'000};
// A start with TimeoutStartSec=infinity is given this long.
inline constexpr std::chrono::milliseconds kUnboundedStartBudget{90'000};
// Slack for the manager's own work, RestartSec jitter and our polling.
inline constexpr std::chrono::milliseconds kDeadlineMargin{10'000};

// The gateway's drain budget for a unit with `timeout_stop`: min(325 s, TimeoutStopSec - 5 s) - 10 s (315 s for
// TimeoutStopSec=330; 315 s for infinity), never below zero.
std::chrono::milliseconds gateway_drain_budget(std::chrono::microseconds timeout_stop);

// How long after the action a new main process must have started before we give up:
//   systemctl: stop budget + start budget + margin
//   signal:    (SIGUSR2: its 300 s deferral +) stop budget + RestartUSec + start budget + margin
// The stop budget is TimeoutStopUSec (systemd SIGKILLs then); with infinity, the gateway's own 325 s shutdown cap.
std::chrono::milliseconds derive_restart_deadline(const UnitStatus& unit, ActionKind action, int signal);

}  // namespace openclaw::hook
