#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "socket_counter.hpp"

namespace openclaw::exporter {

// A start-up configuration error: the message names the flag or key and what was expected.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One gateway to watch. Its main process is found by, in order of precedence: pid_file, cmdline_regex, unit.
// `unit` also provides the unit metrics whichever way the process is found.
struct GatewayTarget {
  std::string name;           // the `gateway` label
  std::string unit;           // systemd user unit, e.g. openclaw-gateway.service
  std::string pid_file;
  std::string cmdline_regex;  // ECMAScript regex searched in /proc/PID/cmdline (NULs read as spaces)
  std::string url;            // probe base, http://host:port
  std::string log_dir = "/tmp/openclaw";  // where the gateway writes openclaw-[<profile>-]YYYY-MM-DD.log; empty: off
  std::string profile{};                  // the gateway's profile (names its log file); empty: the default profile
};

struct WebConfig {
  std::string tls_cert_file;
  std::string tls_key_file;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
};

struct ExporterConfig {
  // The `host` label on every series (--host; parse_exporter_args fills in the machine's hostname). Empty: none.
  std::string host;
  std::string listen_address = ":9789";
  std::string telemetry_path = "/metrics";
  std::string web_config_file;
  WebConfig web;
  // Host header values accepted besides the exporter's own addresses (common/src/request_guard.hpp).
  std::vector<std::string> allowed_hosts;
  std::string log_level = "info";
  std::string log_format = "logfmt";
  std::chrono::milliseconds probe_interval{15000};
  std::chrono::milliseconds probe_timeout{10000};
  std::string procfs = "/proc";
  std::string cgroupfs = "/sys/fs/cgroup";
  std::string systemd_address;  // empty: $XDG_RUNTIME_DIR/systemd/private, else the user bus
  SocketMethodChoice socket_method = SocketMethodChoice::kAuto;
  // A scrape's deadline: min(scrape_timeout, X-Prometheus-Scrape-Timeout-Seconds - scrape_timeout_offset).
  std::chrono::milliseconds scrape_timeout{9000};
  std::chrono::milliseconds scrape_timeout_offset{500};
  std::vector<GatewayTarget> gateways;
};

// Parses and validates the command line (and the files it names). Throws ConfigError. `--help` and `--version`
// are answered by returning nullopt after printing to stdout.
struct ParsedArgs {
  bool exit_now = false;  // --help / --version were answered
  ExporterConfig config;
};
ParsedArgs parse_exporter_args(int argc, const char* const* argv);

// The gateways section of --config.file (YAML text); `source` names the file in errors.
std::vector<GatewayTarget> parse_gateways_yaml(const std::string& text, const std::string& source);
// An exporter-toolkit web config (tls_server_config, basic_auth_users).
WebConfig parse_web_config_yaml(const std::string& text, const std::string& source);
// Checks one target; throws ConfigError prefixed with `where`.
void validate_target(const GatewayTarget& target, const std::string& where);

}  // namespace openclaw::exporter
