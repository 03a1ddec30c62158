#include "gateway_log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "bounded_label.hpp"

namespace openclaw::exporter {
namespace {

// The value of `key=` in a space-separated message ("… rssBytes=657895424 heapUsedBytes=…"), or empty.
std::string_view field(std::string_view message, std::string_view key) {
  std::size_t from = 0;
  while (from < message.size()) {
    std::size_t end = message.find(' ', from);
    if (end == std::string_view::npos) end = message.size();
    const std::string_view token = message.substr(from, end - from);
    if (token.size() > key.size() && token.starts_with(key) && token[key.size()] == '=') {
      return token.substr(key.size() + 1);
    }
    from = end + 1;
  }
  return {};
}

std::optional<std::uint64_t> byte_field(std::string_view message, std::string_view key) {
  const std::string_view text = field(message, key);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

GatewayLogEvent memory_pressure(std::string_view message) {
  GatewayLogEvent event{GatewayLogEventKind::kMemoryPressure,
                        bounded_label(field(message, "level"), kMemoryPressureLevels),
                        bounded_label(field(message, "reason"), kMemoryPressureReasons),
                        byte_field(message, "rssBytes"),
                        byte_field(message, "heapUsedBytes"),
                        byte_field(message, "thresholdBytes")};
  return event;
}

struct Prefix {
  std::string_view text;
  GatewayLogEventKind kind;
  std::string_view also_contains = {};  // when the start alone is not specific enough
};

// Messages recognised by how they start (as the gateway formats them in 2026.9.6). "still draining active work"
// and "stuck session recovery …" are follow-ups of an event already counted, so they do not match.
constexpr std::array<Prefix, 12> kPrefixes = {{
    {"stuck session: ", GatewayLogEventKind::kStuckSession},
    {"stalled session: ", GatewayLogEventKind::kStalledSession},
    {"long-running session: ", GatewayLogEventKind::kLongRunningSession},
    {"liveness warning: ", GatewayLogEventKind::kLivenessWarning},
    {"liveness heartbeat delayed: ", GatewayLogEventKind::kLivenessHeartbeatDelayed},
    {"draining active work before ", GatewayLogEventKind::kDrainStarted},
    {"restart drain budget ", GatewayLogEventKind::kDrainBudgetExhausted, " exhausted"},        // a restart's drain
    {"gateway active-work drain timeout reached", GatewayLogEventKind::kDrainBudgetExhausted},  // a stop's drain
    {"shutdown deadline reached; abandoning ", GatewayLogEventKind::kDrainForced},
    {"config reload skipped (invalid config)", GatewayLogEventKind::kConfigInvalid},
    {"channel autostart suppressed by crash-loop breaker", GatewayLogEventKind::kCrashLoopBreaker},
    {"gateway startup failed: ", GatewayLogEventKind::kStartupFailed},
}};

bool is_duplicate_instance(std::string_view message) {
  // Anywhere in the text: the lock error is wrapped by whichever caller reports it ("gateway startup failed: …").
  return message.find("another gateway instance is already listening") != std::string_view::npos ||
         message.find("gateway already running under systemd") != std::string_view::npos;
}

}  // namespace

std::string_view event_kind_name(GatewayLogEventKind kind) {
  switch (kind) {
    case GatewayLogEventKind::kMemoryPressure:
      return "memory_pressure";
    case GatewayLogEventKind::kStuckSession:
      return "stuck_session";
    case GatewayLogEventKind::kStalledSession:
      return "stalled_session";
    case GatewayLogEventKind::kLongRunningSession:
      return "long_running_session";
    case GatewayLogEventKind::kLivenessWarning:
      return "liveness_warning";
    case GatewayLogEventKind::kLivenessHeartbeatDelayed:
      return "liveness_heartbeat_delayed";
    case GatewayLogEventKind::kDrainStarted:
      return "drain_started";
    case GatewayLogEventKind::kDrainBudgetExhausted:
      return "drain_budget_exhausted";
    case GatewayLogEventKind::kDrainForced:
      return "drain_forced";
    case GatewayLogEventKind::kStartupFailed:
      return "startup_failed";
    case GatewayLogEventKind::kDuplicateInstance:
      return "duplicate_instance";
    case GatewayLogEventKind::kConfigInvalid:
      return "config_invalid";
    case GatewayLogEventKind::kCrashLoopBreaker:
      return "crash_loop_breaker";
  }
  return "unknown";
}

std::optional<GatewayLogEvent> classify_gateway_message(std::string_view message) {
  if (message.starts_with("memory pressure: ")) return memory_pressure(message);
  // Before the prefixes: a duplicate instance is also reported as a start-up failure, and is the more useful name.
  if (is_duplicate_instance(message))
    return GatewayLogEvent{GatewayLogEventKind::kDuplicateInstance, {}, {}, {}, {}, {}};
  for (const Prefix& prefix : kPrefixes) {
    if (message.starts_with(prefix.text) && message.find(prefix.also_contains) != std::string_view::npos) {
      return GatewayLogEvent{prefix.kind, {}, {}, {}, {}, {}};
    }
  }
  return std::nullopt;
}

Result<std::optional<GatewayLogEvent>> parse_gateway_log_line(std::string_view line) {
  using Parsed = Result<std::optional<GatewayLogEvent>>;
  const auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Parsed::failure("not JSON");
  if (!json.is_object()) return Parsed::failure("not a JSON object");
  const auto message = json.find("message");
  if (message == json.end() || !message->is_string()) return std::optional<GatewayLogEvent>{};
  return classify_gateway_message(message->get_ref<const std::string&>());
}

}  // namespace openclaw::exporter
