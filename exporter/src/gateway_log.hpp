#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "result.hpp"

namespace openclaw::exporter {

// The gateway's own diagnostics worth counting, one per recognised log line. The set is closed on purpose: these
// become label values, so a message we do not know is ignored rather than counted by its text.
enum class GatewayLogEventKind {
  kMemoryPressure,            // memory pressure: level=… reason=…
  kStuckSession,              // stuck session: …
  kStalledSession,            // stalled session: …
  kLongRunningSession,        // long-running session: … (logged at warn only when work is queued behind it)
  kLivenessWarning,           // liveness warning: reasons=…
  kLivenessHeartbeatDelayed,  // liveness heartbeat delayed: overdue=…ms
  kDrainStarted,              // draining active work before stop|restart …
  kDrainBudgetExhausted,  // restart drain budget …ms exhausted; … / gateway active-work drain timeout reached; …
  kDrainForced,           // shutdown deadline reached; abandoning …
  kStartupFailed,         // gateway startup failed: …
  kDuplicateInstance,     // another gateway instance is already listening / gateway already running under systemd
  kConfigInvalid,         // config reload skipped (invalid config): …
  kCrashLoopBreaker,      // channel autostart suppressed by crash-loop breaker …
};

inline constexpr std::array kAllGatewayLogEventKinds = {
    GatewayLogEventKind::kMemoryPressure,    GatewayLogEventKind::kStuckSession,
    GatewayLogEventKind::kStalledSession,    GatewayLogEventKind::kLongRunningSession,
    GatewayLogEventKind::kLivenessWarning,   GatewayLogEventKind::kLivenessHeartbeatDelayed,
    GatewayLogEventKind::kDrainStarted,      GatewayLogEventKind::kDrainBudgetExhausted,
    GatewayLogEventKind::kDrainForced,       GatewayLogEventKind::kStartupFailed,
    GatewayLogEventKind::kDuplicateInstance, GatewayLogEventKind::kConfigInvalid,
    GatewayLogEventKind::kCrashLoopBreaker,
};

// The `event` label value: "memory_pressure", "stuck_session", …
std::string_view event_kind_name(GatewayLogEventKind kind);

// memory_pressure's bounded `level` and `reason` labels as the gateway spells them (2026.9.6); a value outside these
// sets (a newer gateway) becomes "other" so that the label set stays bounded.
inline constexpr std::array<std::string_view, 2> kMemoryPressureLevels = {"warning", "critical"};
inline constexpr std::array<std::string_view, 3> kMemoryPressureReasons = {"rss_threshold", "heap_threshold",
                                                                           "rss_growth"};

struct GatewayLogEvent {
  GatewayLogEventKind kind;
  std::string_view level;   // memory_pressure only, else empty
  std::string_view reason;  // memory_pressure only, else empty
  // What a memory-pressure line carries (rssBytes=, heapUsedBytes=, thresholdBytes=), when present.
  std::optional<std::uint64_t> rss_bytes;
  std::optional<std::uint64_t> heap_used_bytes;
  std::optional<std::uint64_t> threshold_bytes;
};

// One line of the gateway's file log (tslog JSON: {"0":"{\"subsystem\":…}","1":"<text>",…,"message":"<text>"}),
// without its newline. A failure means the line is not a JSON object (a partial or corrupt line); success with
// nullopt means a well-formed line we do not count. Pure: no I/O, no state.
Result<std::optional<GatewayLogEvent>> parse_gateway_log_line(std::string_view line);

// The same classification on the message text alone (what parse_gateway_log_line applies to `message`).
std::optional<GatewayLogEvent> classify_gateway_message(std::string_view message);

}  // namespace openclaw::exporter
