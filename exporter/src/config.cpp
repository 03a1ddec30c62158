#include "config.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "build_info.hpp"
#include "duration.hpp"
#include "host_label.hpp"
#include "process_finder.hpp"
#include "request_guard.hpp"

namespace openclaw::exporter {
namespace {

std::string read_config_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot read {}", what, path));
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

YAML::Node load_yaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}: invalid YAML at line {}: {}", source, e.mark.line + 1, e.msg));
  }
}

// A mapping's key: YAML allows a sequence or a mapping as a key (`? [a]`), which as<std::string>() answered with
// YAML::TypedBadConversion instead of a ConfigError naming the place (found by fuzz_exporter_config).
std::string key_text(const YAML::Node& key, const std::string& where) {
  if (!key.IsScalar()) {
    throw ConfigError(fmt::format("{}: expected string keys, got a sequence or mapping as a key", where));
  }
  return key.Scalar();
}

void reject_unknown_keys(const YAML::Node& map, const std::set<std::string>& known, const std::string& where) {
  for (const auto& item : map) {
    const auto key = key_text(item.first, where);
    if (!known.contains(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw ConfigError(fmt::format("{}: unknown key \"{}\" (expected one of: {})", where, key, list));
    }
  }
}

std::string scalar(const YAML::Node& node, const std::string& where) {
  if (!node.IsScalar()) throw ConfigError(fmt::format("{}: expected a string", where));
  return node.as<std::string>();
}

std::chrono::milliseconds duration_flag(const std::string& text, const char* flag) {
  const auto parsed = parse_duration(text);
  if (!parsed || parsed->count() <= 0) {
    throw ConfigError(fmt::format("{}: got \"{}\", expected a positive duration such as 15s or 1m", flag, text));
  }
  return *parsed;
}

}  // namespace

void validate_target(const GatewayTarget& target, const std::string& where) {
  static const std::regex kName("^[A-Za-z0-9_.:-]+$");
  if (!std::regex_match(target.name, kName)) {
    throw ConfigError(fmt::format("{}.name: got \"{}\", expected letters, digits, _ . : -", where, target.name));
  }
  if (target.unit.empty() && target.pid_file.empty() && target.cmdline_regex.empty()) {
    throw ConfigError(fmt::format("{}: expected one of unit, pid_file, cmdline_regex", where));
  }
  if (!target.pid_file.empty() && !target.cmdline_regex.empty()) {
    throw ConfigError(fmt::format("{}: pid_file and cmdline_regex exclude each other", where));
  }
  if (!target.cmdline_regex.empty()) {
    try {
      (void)compile_cmdline_regex(target.cmdline_regex);
    } catch (const std::regex_error& e) {
      throw ConfigError(fmt::format("{}.cmdline_regex: \"{}\" is not a valid regex: {}", where, target.cmdline_regex,
                                    e.what()));
    }
  }
  if (!target.unit.empty() && target.unit.find('.') == std::string::npos) {
    throw ConfigError(fmt::format("{}.unit: got \"{}\", expected a unit name such as openclaw-gateway.service", where,
                                  target.unit));
  }
  if (!target.log_dir.empty() && !target.log_dir.starts_with('/')) {
    throw ConfigError(fmt::format("{}.log_dir: got \"{}\", expected an absolute directory such as /tmp/openclaw "
                                  "(empty: do not follow the log)",
                                  where, target.log_dir));
  }
  static const std::regex kProfile("^[A-Za-z0-9_.-]*$");
  if (!std::regex_match(target.profile, kProfile) || target.profile.starts_with('.')) {
    throw ConfigError(fmt::format("{}.profile: got \"{}\", expected an openclaw profile name (letters, digits, _ . -)",
                                  where, target.profile));
  }
  if (!(target.url.starts_with("http://") || target.url.starts_with("https://")) || target.url.size() < 10) {
    throw ConfigError(fmt::format("{}.url: got \"{}\", expected http://host:port", where, target.url));
  }
}

std::vector<GatewayTarget> parse_gateways_yaml(const std::string& text, const std::string& source) {
  const YAML::Node root = load_yaml(text, source);
  if (!root.IsMap()) throw ConfigError(fmt::format("{}: expected a mapping with a gateways list", source));
  reject_unknown_keys(root, {"gateways"}, source);
  const YAML::Node list = root["gateways"];
  if (!list || !list.IsSequence() || list.size() == 0) {
    throw ConfigError(fmt::format("{}: gateways: expected a non-empty list", source));
  }
  std::vector<GatewayTarget> targets;
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = fmt::format("{}: gateways[{}]", source, i);
    const YAML::Node item = list[i];
    if (!item.IsMap()) throw ConfigError(fmt::format("{}: expected a mapping", where));
    reject_unknown_keys(item, {"name", "unit", "pid_file", "cmdline_regex", "url", "log_dir", "profile"}, where);
    GatewayTarget target;
    target.url = "http://127.0.0.1:18789";
    if (!item["name"]) throw ConfigError(fmt::format("{}.name: missing", where));
    target.name = scalar(item["name"], where + ".name");
    if (item["unit"]) target.unit = scalar(item["unit"], where + ".unit");
    if (item["pid_file"]) target.pid_file = scalar(item["pid_file"], where + ".pid_file");
    if (item["cmdline_regex"]) target.cmdline_regex = scalar(item["cmdline_regex"], where + ".cmdline_regex");
    if (item["url"]) target.url = scalar(item["url"], where + ".url");
    if (item["log_dir"]) target.log_dir = scalar(item["log_dir"], where + ".log_dir");
    if (item["profile"]) target.profile = scalar(item["profile"], where + ".profile");
    while (target.log_dir.size() > 1 && target.log_dir.ends_with('/')) target.log_dir.pop_back();
    while (target.url.ends_with('/')) target.url.pop_back();
    validate_target(target, where);
    if (!names.insert(target.name).second) {
      throw ConfigError(fmt::format("{}.name: \"{}\" is used twice", where, target.name));
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

WebConfig parse_web_config_yaml(const std::string& text, const std::string& source) {
  const YAML::Node root = load_yaml(text, source);
  WebConfig web;
  if (root.IsNull()) return web;
  if (!root.IsMap()) throw ConfigError(fmt::format("{}: expected a mapping", source));
  reject_unknown_keys(root, {"tls_server_config", "basic_auth_users"}, source);
  if (const YAML::Node tls = root["tls_server_config"]) {
    const std::string where = source + ": tls_server_config";
    if (!tls.IsMap()) throw ConfigError(where + ": expected a mapping");
    reject_unknown_keys(tls, {"cert_file", "key_file"}, where);
    if (!tls["cert_file"] || !tls["key_file"]) throw ConfigError(where + ": expected both cert_file and key_file");
    web.tls_cert_file = scalar(tls["cert_file"], where + ".cert_file");
    web.tls_key_file = scalar(tls["key_file"], where + ".key_file");
  }
  if (const YAML::Node users = root["basic_auth_users"]) {
    const std::string where = source + ": basic_auth_users";
    if (!users.IsMap()) throw ConfigError(where + ": expected a mapping of user: bcrypt hash");
    for (const auto& item : users) {
      const auto user = key_text(item.first, where);
      const auto hash = scalar(item.second, where + "." + user);
      if (!(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"))) {
        throw ConfigError(fmt::format("{}.{}: expected a bcrypt hash ($2y$…)", where, user));
      }
      web.basic_auth_users[user] = hash;
    }
  }
  return web;
}

ParsedArgs parse_exporter_args(int argc, const char* const* argv) {
  ParsedArgs parsed;
  ExporterConfig& config = parsed.config;
  GatewayTarget flag_target{"default", "openclaw-gateway.service", "", "", "http://127.0.0.1:18789"};
  std::string config_file;
  std::string probe_interval = "15s";
  std::string probe_timeout = "10s";
  std::string socket_method = "auto";
  std::string scrape_timeout = "9s";
  std::string scrape_timeout_offset = "500ms";
  bool version = false;

  CLI::App app{"openclaw-gateway-exporter: Prometheus metrics for OpenClaw gateways", "openclaw-gateway-exporter"};
  app.get_formatter()->column_width(36);
  app.add_option("--host", config.host,
                 "This host's name: the `host` label on every series (default: the machine's hostname; in a fleet, "
                 "its name in the inventory, as the restart hook's --host)");
  app.add_option("--web.listen-address", config.listen_address, "Address to listen on")->capture_default_str();
  app.add_option("--web.telemetry-path", config.telemetry_path, "Path under which to expose metrics")
      ->capture_default_str();
  app.add_option("--web.config.file", config.web_config_file,
                 "exporter-toolkit web config (tls_server_config, basic_auth_users)");
  app.add_option("--web.allowed-hosts", config.allowed_hosts,
                 "Host header names accepted besides this machine's addresses, localhost and its hostname "
                 "(DNS rebinding guard): name or name:port, comma-separated")
      ->delimiter(',');
  auto* unit = app.add_option("--gateway.unit", flag_target.unit, "systemd user unit of the gateway")
                   ->capture_default_str();
  auto* pid_file = app.add_option("--gateway.pid-file", flag_target.pid_file, "Find the gateway by a pid file");
  auto* regex = app.add_option("--gateway.cmdline-regex", flag_target.cmdline_regex,
                               "Find the gateway by a regex on /proc/PID/cmdline (e.g. ^openclaw-gateway)");
  auto* url = app.add_option("--gateway.url", flag_target.url, "Base URL of the gateway's HTTP port")
                  ->capture_default_str();
  auto* name = app.add_option("--gateway.name", flag_target.name, "Value of the gateway label")->capture_default_str();
  auto* log_dir = app.add_option("--gateway.log-dir", flag_target.log_dir,
                                 "Directory of the gateway's daily log (empty: do not follow it)")
                      ->capture_default_str();
  auto* profile = app.add_option("--gateway.profile", flag_target.profile,
                                 "The gateway's openclaw profile (its log is openclaw-<profile>-YYYY-MM-DD.log)");
  auto* file = app.add_option("--config.file", config_file, "YAML file listing several gateways");
  app.add_option("--probe.interval", probe_interval, "How often to probe each gateway")->capture_default_str();
  app.add_option("--probe.timeout", probe_timeout, "Probe timeout")->capture_default_str();
  app.add_option("--collector.sockets.method", socket_method,
                 "How to count the gateway's TCP sockets: auto (pidfd_getfd, else sock_diag), pidfd_getfd, sock_diag")
      ->capture_default_str();
  app.add_option("--scrape.timeout", scrape_timeout,
                 "Longest a scrape may take (also the cap on X-Prometheus-Scrape-Timeout-Seconds)")
      ->capture_default_str();
  app.add_option("--scrape.timeout-offset", scrape_timeout_offset,
                 "Subtracted from X-Prometheus-Scrape-Timeout-Seconds so that the answer arrives in time")
      ->capture_default_str();
  app.add_option("--path.procfs", config.procfs, "procfs mountpoint")->capture_default_str();
  app.add_option("--path.cgroupfs", config.cgroupfs, "cgroup filesystem mountpoint")->capture_default_str();
  app.add_option("--systemd.address", config.systemd_address,
                 "D-Bus address of the user manager (default: $XDG_RUNTIME_DIR/systemd/private, else the user bus)");
  app.add_option("--log.level", config.log_level, "debug, info, warn, error")->capture_default_str();
  app.add_option("--log.format", config.log_format, "logfmt or json")->capture_default_str();
  app.add_flag("--version", version, "Print the version and exit");
  for (auto* exclusive : {unit, pid_file, regex, url, name, log_dir, profile}) exclusive->excludes(file);
  pid_file->excludes(regex);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::cout << app.help();
    parsed.exit_now = true;
    return parsed;
  } catch (const CLI::ParseError& e) {
    throw ConfigError(e.what());
  }
  if (version) {
    std::cout << "openclaw-gateway-exporter " << kVersion << " (revision " << kRevision << ")\n";
    parsed.exit_now = true;
    return parsed;
  }
  if (config.host.empty()) config.host = machine_hostname();
  config.probe_interval = duration_flag(probe_interval, "--probe.interval");
  config.probe_timeout = duration_flag(probe_timeout, "--probe.timeout");
  config.scrape_timeout = duration_flag(scrape_timeout, "--scrape.timeout");
  const auto offset = parse_duration(scrape_timeout_offset);
  if (!offset || *offset >= config.scrape_timeout) {
    throw ConfigError(fmt::format("--scrape.timeout-offset: got \"{}\", expected a duration such as 500ms, shorter "
                                  "than --scrape.timeout",
                                  scrape_timeout_offset));
  }
  config.scrape_timeout_offset = *offset;
  const auto method = parse_socket_method_choice(socket_method);
  if (!method) {
    throw ConfigError(fmt::format("--collector.sockets.method: got \"{}\", expected one of auto, pidfd_getfd, sock_diag",
                                  socket_method));
  }
  config.socket_method = *method;
  if (!config.telemetry_path.starts_with('/') || config.telemetry_path == "/") {
    throw ConfigError(fmt::format("--web.telemetry-path: got \"{}\", expected a path like /metrics",
                                  config.telemetry_path));
  }
  if (!config_file.empty()) {
    config.gateways = parse_gateways_yaml(read_config_file(config_file, "--config.file"), config_file);
  } else {
    // A pid file or regex finds the process; the unit is then used only when given explicitly.
    if ((!flag_target.pid_file.empty() || !flag_target.cmdline_regex.empty()) && unit->count() == 0) {
      flag_target.unit.clear();
    }
    while (flag_target.url.ends_with('/')) flag_target.url.pop_back();
    while (flag_target.log_dir.size() > 1 && flag_target.log_dir.ends_with('/')) flag_target.log_dir.pop_back();
    validate_target(flag_target, "--gateway");
    config.gateways.push_back(flag_target);
  }
  try {
    RequestGuard("127.0.0.1:1", config.allowed_hosts, "");  // only checks the names
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("--web.allowed-hosts: {}", e.what()));
  }
  if (!config.web_config_file.empty()) {
    config.web = parse_web_config_yaml(read_config_file(config.web_config_file, "--web.config.file"),
                                       config.web_config_file);
  }
  return parsed;
}

}  // namespace openclaw::exporter
