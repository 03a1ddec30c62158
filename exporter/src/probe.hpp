#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace openclaw::exporter {

// What the gateway says about itself in the /readyz JSON body. Every field is optional: an older or newer
// gateway may leave any of them out.
struct ReadyzBody {
  std::optional<bool> ready;
  std::optional<double> uptime_seconds;
  std::optional<bool> event_loop_degraded;
  std::optional<double> event_loop_delay_p99_seconds;
  std::optional<double> event_loop_utilization;
  std::optional<std::vector<std::string>> failing;  // names of the failing checks ("gateway-draining", a channel, …)
};

// Parses the /readyz body. Fails only when the body is not a JSON object; unknown fields are ignored and
// fields of the wrong type are left empty.
Result<ReadyzBody> parse_readyz(std::string_view body);

// One completed probe, as blackbox_exporter's probers report it: success, duration, and details.
struct ProbeResult {
  bool success = false;
  double duration_seconds = 0;
  long http_status = 0;      // 0 when no response arrived
  std::string error;         // why it failed, empty on success
  std::optional<ReadyzBody> readyz;
  std::chrono::system_clock::time_point completed_at{};
};

// GET `url` (the gateway's /readyz). 2xx = success. A timeout is a failure with duration = timeout. The body is
// parsed as /readyz JSON on any status (a 503 body still says why it is not ready). Never sends proxy headers and
// ignores proxy environment variables.
ProbeResult probe_http(const std::string& url, std::chrono::milliseconds timeout);

// A WebSocket opening handshake on `url` (http://host:port/). 101 with the right Sec-WebSocket-Accept = success;
// the connection is closed right after the handshake.
ProbeResult probe_websocket(const std::string& url, std::chrono::milliseconds timeout);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2).
std::string websocket_accept_for(std::string_view key);

}  // namespace openclaw::exporter
