#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "label_matcher.hpp"
#include "time_window.hpp"

namespace openclaw::hook {

using std::chrono::milliseconds;

enum class ActionKind { kSystemctl, kSignal, kCommand };
enum class Urgency { kImmediate, kScheduled };
// `confirm: unhealthy`: right before acting the hook asks the gateway itself (health_url and unit) and declines
// when it answers 2xx and the unit is active (defence against a blind or wrong exporter).
enum class Confirm { kNone, kUnhealthy };

const char* to_string(ActionKind kind);
const char* to_string(Urgency urgency);
const char* to_string(Confirm confirm);

struct AuthConfig {
  std::string bearer_token_file;
  std::string basic_username;
  std::string basic_password_file;
  bool enabled() const { return !bearer_token_file.empty() || !basic_username.empty(); }
};

struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  bool enabled() const { return !cert_file.empty(); }
};

struct GatewayConfig {
  std::string name;
  std::string unit = "openclaw-gateway.service";
  std::string health_url;
  Matchers match;
  // How far into each low-traffic window its scheduled restarts run (at most half the window): set from
  // policy.schedule_jitter and the host's name by assign_schedule_offsets, so that hosts sharing windows spread out.
  milliseconds schedule_offset{0};
};

struct RuleConfig {
  std::string name;  // default "rule-<index>"
  Matchers match;
  ActionKind action = ActionKind::kSystemctl;
  Urgency urgency = Urgency::kImmediate;
  int signal = 12;                    // SIGUSR2: the gateway's graceful restart
  std::vector<std::string> command;   // argv for action: command
  // How long the action may take. Unset: systemctl and signal derive it from the unit's TimeoutStopUSec and
  // TimeoutStartUSec (restart_deadline.hpp); a command gets kDefaultCommandTimeout.
  std::optional<milliseconds> timeout;
  Confirm confirm = Confirm::kNone;
};

inline constexpr milliseconds kDefaultCommandTimeout{90'000};

// "Not during important work": before a scheduled restart. Each configured check is asked; busy when any says
// so. A check that fails counts as busy (bounded by max_defer, which counts only time observed busy).
struct BusyConfig {
  int max_connections = 0;            // 0: not checked. Established TCP connections to the health_url's port.
  std::string prometheus_url;         // with `query`: busy while the query returns any series
  std::string query;
  // An argv (no shell, command[0] absolute) whose JSON stdout holds a number at command_json_path (dotted):
  // busy while it is > 0. For openclaw: `openclaw gateway call gateway.restart.preflight --json`, counts.totalActive.
  std::vector<std::string> command;
  std::string command_json_path;
  milliseconds command_timeout{30'000};
  // Environment variables read from files (secrets such as OPENCLAW_GATEWAY_TOKEN never go into argv).
  std::map<std::string, std::string> command_env_files;
  milliseconds max_defer{2 * 3600'000};
  milliseconds check_interval{60'000};  // between checks of a waiting restart (the preflight costs seconds of CPU)
  bool enabled() const { return max_connections > 0 || !query.empty() || !command.empty(); }
};

struct PolicyConfig {
  milliseconds cooldown{15 * 60'000};
  int max_restarts = 3;
  milliseconds window{3600'000};
  milliseconds verify_timeout{60'000};
  milliseconds retry_backoff{30'000};
  milliseconds dedupe_ttl{24 * 3600'000};
  std::vector<TimeWindow> low_traffic_windows;
  BusyConfig busy;
  // A scheduled restart is announced (openclaw_restart_hook_pending_restart) this long before it runs; 0 = off.
  milliseconds notice_lead{5 * 60'000};
  // Scheduled restarts of a gateway run at a fixed offset in [0, schedule_jitter) into each window, derived from the
  // host and gateway names (stable across restarts of the hook, different between hosts); 0 = at the window's start.
  milliseconds schedule_jitter{10 * 60'000};
};

// How large the audit log may grow: `audit.log` is rotated to `audit.log.1` (and `.1` to `.2`, …) when a line would
// take it past max_file_bytes; max_files rotated files are kept (at least 1), the oldest is deleted.
struct AuditOptions {
  std::size_t max_file_bytes = 10U << 20U;
  int max_files = 5;
};

struct Config {
  // This hook's host (--host, default the machine's name): an alert whose `host` label differs is refused; the
  // `host` label on every series the hook serves (none when empty, as in tests that build a Config by hand).
  std::string host;
  AuthConfig auth;
  TlsConfig tls;
  std::string state_dir = "/var/lib/openclaw-restart-hook";
  std::size_t max_body_bytes = 1U << 20U;
  // Host header values accepted besides the hook's own addresses (see common/src/request_guard.hpp): "name" (any
  // port, e.g. a reverse proxy's name) or "name:port".
  std::vector<std::string> allowed_hosts;
  AuditOptions audit;
  std::vector<GatewayConfig> gateways;
  PolicyConfig policy;
  std::vector<RuleConfig> rules;
};

// A configuration error: `key` is the dotted path ("policy.cooldown", "rules[1].signal").
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string key, const std::string& message);
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// Parse, apply defaults, validate. Throws ConfigError. `tzdir` overrides where time zones are read from.
Config parse_config(const std::string& yaml, const std::string& tzdir = "");
// Throws ConfigError (key "" when the file cannot be read).
Config load_config_file(const std::string& path);

// The offset of `gateway` on `host` within [0, jitter): FNV-1a of "host/gateway", the same on every build.
milliseconds schedule_offset_for(std::string_view host, std::string_view gateway, milliseconds jitter);
// Sets every gateway's schedule_offset from the host's name and policy.schedule_jitter.
void assign_schedule_offsets(Config& config, std::string_view host);

}  // namespace openclaw::hook
