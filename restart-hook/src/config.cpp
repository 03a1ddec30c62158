#include "config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config_yaml.hpp"
#include "request_guard.hpp"

namespace openclaw::hook {

const char* to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::kSystemctl: return "systemctl";
    case ActionKind::kSignal: return "signal";
    case ActionKind::kCommand: return "command";
  }
  return "unknown";
}

const char* to_string(Urgency urgency) { return urgency == Urgency::kImmediate ? "immediate" : "scheduled"; }
const char* to_string(Confirm confirm) { return confirm == Confirm::kNone ? "none" : "unhealthy"; }

ConfigError::ConfigError(std::string key, const std::string& message)
    : std::runtime_error(key.empty() ? message : fmt::format("{}: {}", key, message)), key_(std::move(key)) {}

namespace {

using yaml::Node;

Matchers read_matchers(const Node& parent, const std::string& path, bool required) {
  Matchers matchers;
  for (const auto& [name, value] : yaml::string_map(parent, "match", path)) {
    matchers.all.push_back(LabelMatcher::equal(name, value));
  }
  for (const auto& [name, pattern] : yaml::string_map(parent, "match_re", path)) {
    auto matcher = LabelMatcher::regex(name, pattern);
    if (!matcher) throw ConfigError(fmt::format("{}.match_re.{}", path, name), matcher.error());
    matchers.all.push_back(std::move(matcher).value());
  }
  if (required && matchers.all.empty()) {
    throw ConfigError(path + ".match", "at least one label matcher (match or match_re) is required");
  }
  return matchers;
}

GatewayConfig read_gateway(const Node& node, const std::string& path) {
  yaml::expect_keys(node, path, {"name", "unit", "health_url", "match", "match_re"});
  GatewayConfig gateway;
  gateway.name = yaml::string(node, "name", path, "");
  static const std::regex kName("[A-Za-z0-9_.:-]{1,64}");
  if (!std::regex_match(gateway.name, kName)) {
    throw ConfigError(path + ".name", "expected 1-64 characters of A-Z a-z 0-9 _ . : -");
  }
  gateway.unit = yaml::string(node, "unit", path, gateway.unit);
  // systemctl would read a leading '-' as an option (it is also given "--"); a '/' is a path, not a unit.
  if (gateway.unit.starts_with('-')) {
    throw ConfigError(path + ".unit", fmt::format("a unit name cannot start with '-', got \"{}\"", gateway.unit));
  }
  if (gateway.unit.find('/') != std::string::npos) {
    throw ConfigError(path + ".unit", fmt::format("a unit name cannot contain '/', got \"{}\"", gateway.unit));
  }
  static const std::regex kUnit("[A-Za-z0-9_.:@\\\\-]+\\.(service|scope)");
  if (!std::regex_match(gateway.unit, kUnit)) {
    throw ConfigError(path + ".unit", fmt::format("expected a unit name like openclaw-gateway.service, got \"{}\"",
                                                  gateway.unit));
  }
  gateway.health_url = yaml::string(node, "health_url", path, "");
  if (!gateway.health_url.starts_with("http://") && !gateway.health_url.starts_with("https://")) {
    throw ConfigError(path + ".health_url", "expected an http:// or https:// URL");
  }
  // Without a matcher every alert would target this gateway: "right target only" needs one.
  gateway.match = read_matchers(node, path, true);
  return gateway;
}

int parse_signal(const std::string& text, const std::string& key) {
  static const std::map<std::string, int> kSignals = {
      {"SIGUSR2", SIGUSR2}, {"SIGTERM", SIGTERM}, {"SIGHUP", SIGHUP}, {"SIGINT", SIGINT}, {"SIGUSR1", SIGUSR1}};
  std::string name = text;
  if (!name.starts_with("SIG")) name = "SIG" + name;
  const auto it = kSignals.find(name);
  if (it == kSignals.end()) {
    throw ConfigError(key, fmt::format("expected SIGUSR2 (graceful restart), SIGTERM, SIGHUP or SIGINT, got \"{}\"",
                                       text));
  }
  if (it->second == SIGUSR1) {
    throw ConfigError(key, "SIGUSR1 opens the Node.js debugger on OpenClaw 2026.9+ and does not restart; "
                           "use SIGUSR2 for a graceful restart");
  }
  return it->second;
}

RuleConfig read_rule(const Node& node, const std::string& path, std::size_t index) {
  yaml::expect_keys(node, path, {"name", "match", "match_re", "action", "urgency", "signal", "command", "timeout",
                                 "confirm"});
  RuleConfig rule;
  rule.name = yaml::string(node, "name", path, fmt::format("rule-{}", index));
  rule.match = read_matchers(node, path, true);
  const std::string action = yaml::string(node, "action", path, "systemctl");
  if (action == "systemctl") {
    rule.action = ActionKind::kSystemctl;
  } else if (action == "signal") {
    rule.action = ActionKind::kSignal;
  } else if (action == "command") {
    rule.action = ActionKind::kCommand;
  } else {
    throw ConfigError(path + ".action", fmt::format("expected systemctl, signal or command, got \"{}\"", action));
  }
  const std::string urgency = yaml::string(node, "urgency", path, "immediate");
  if (urgency != "immediate" && urgency != "scheduled") {
    throw ConfigError(path + ".urgency", fmt::format("expected immediate or scheduled, got \"{}\"", urgency));
  }
  rule.urgency = urgency == "immediate" ? Urgency::kImmediate : Urgency::kScheduled;
  if (node["signal"]) {
    if (rule.action != ActionKind::kSignal) throw ConfigError(path + ".signal", "only valid with action: signal");
    rule.signal = parse_signal(yaml::string(node, "signal", path, ""), path + ".signal");
  }
  rule.command = yaml::string_list(node, "command", path);
  if (rule.action == ActionKind::kCommand && rule.command.empty()) {
    throw ConfigError(path + ".command", "action: command needs an argv list, e.g. [/usr/bin/pm2, restart, gateway]");
  }
  if (rule.action != ActionKind::kCommand && !rule.command.empty()) {
    throw ConfigError(path + ".command", "only valid with action: command");
  }
  if (!rule.command.empty() && !rule.command.front().starts_with('/')) {
    throw ConfigError(path + ".command[0]", "expected an absolute path (no PATH lookup, no shell)");
  }
  if (node["timeout"]) rule.timeout = yaml::duration(node, "timeout", path, kDefaultCommandTimeout, false);
  const std::string confirm = yaml::string(node, "confirm", path, "none");
  if (confirm != "none" && confirm != "unhealthy") {
    throw ConfigError(path + ".confirm", fmt::format("expected none or unhealthy, got \"{}\"", confirm));
  }
  rule.confirm = confirm == "none" ? Confirm::kNone : Confirm::kUnhealthy;
  return rule;
}

TimeWindow read_window(const Node& node, const std::string& path, const std::string& tzdir) {
  yaml::expect_keys(node, path, {"start", "end", "location"});
  TimeWindow window;
  for (const char* key : {"start", "end"}) {
    const std::string text = yaml::string(node, key, path, "");
    const auto time = parse_clock_time(text);
    if (!time || (std::string_view(key) == "start" && time->count() >= 24 * 60)) {
      throw ConfigError(fmt::format("{}.{}", path, key), fmt::format("expected HH:MM (00:00-23:59), got \"{}\"", text));
    }
    (std::string_view(key) == "start" ? window.start : window.end) = *time;
  }
  if (window.start == window.end) throw ConfigError(path + ".end", "the window is empty (end equals start)");
  auto zone = TimeZone::load(yaml::string(node, "location", path, "UTC"), tzdir);
  if (!zone) throw ConfigError(path + ".location", zone.error());
  window.zone = std::move(zone).value();
  return window;
}

BusyConfig read_busy(const Node& node, const std::string& path) {
  yaml::expect_keys(node, path, {"max_connections", "prometheus_url", "query", "command", "command_json_path",
                                 "command_timeout", "command_env_files", "max_defer", "check_interval"});
  BusyConfig busy;
  busy.max_connections = yaml::integer(node, "max_connections", path, 0, 0);
  busy.prometheus_url = yaml::string(node, "prometheus_url", path, "");
  busy.query = yaml::string(node, "query", path, "");
  if (!busy.query.empty() && !busy.prometheus_url.starts_with("http")) {
    throw ConfigError(path + ".prometheus_url", "a query needs the Prometheus base URL (http://host:9090)");
  }
  busy.command = yaml::string_list(node, "command", path);
  busy.command_json_path = yaml::string(node, "command_json_path", path, "");
  busy.command_timeout = yaml::duration(node, "command_timeout", path, busy.command_timeout, false);
  busy.command_env_files = yaml::string_map(node, "command_env_files", path);
  if (!busy.command.empty() && !busy.command.front().starts_with('/')) {
    throw ConfigError(path + ".command[0]", "expected an absolute path (no PATH lookup, no shell)");
  }
  if (busy.command.empty() != busy.command_json_path.empty()) {
    throw ConfigError(path + (busy.command.empty() ? ".command" : ".command_json_path"),
                      "command and command_json_path go together (e.g. counts.totalActive)");
  }
  static const std::regex kJsonPath("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  if (!busy.command_json_path.empty() && !std::regex_match(busy.command_json_path, kJsonPath)) {
    throw ConfigError(path + ".command_json_path",
                      fmt::format("expected a dotted path of keys like counts.totalActive, got \"{}\"",
                                  busy.command_json_path));
  }
  static const std::regex kEnvName("[A-Z_][A-Z0-9_]*");
  for (const auto& [name, file] : busy.command_env_files) {
    if (!std::regex_match(name, kEnvName)) {
      throw ConfigError(path + ".command_env_files." + name, "expected an environment variable name (A-Z 0-9 _)");
    }
    if (!file.starts_with('/')) {
      throw ConfigError(path + ".command_env_files." + name, "expected an absolute path to a file");
    }
  }
  busy.max_defer = yaml::duration(node, "max_defer", path, busy.max_defer, false);
  busy.check_interval = yaml::duration(node, "check_interval", path, busy.check_interval, false);
  return busy;
}

PolicyConfig read_policy(const Node& node, const std::string& tzdir) {
  const std::string path = "policy";
  PolicyConfig policy;
  if (!node || node.IsNull()) return policy;
  yaml::expect_keys(node, path, {"cooldown", "max_restarts", "window", "verify_timeout", "retry_backoff",
                                 "dedupe_ttl", "low_traffic_windows", "busy", "notice_lead",
                                 "schedule_jitter"});
  policy.cooldown = yaml::duration(node, "cooldown", path, policy.cooldown, true);
  policy.max_restarts = yaml::integer(node, "max_restarts", path, policy.max_restarts, 1);
  policy.window = yaml::duration(node, "window", path, policy.window, false);
  policy.verify_timeout = yaml::duration(node, "verify_timeout", path, policy.verify_timeout, false);
  policy.retry_backoff = yaml::duration(node, "retry_backoff", path, policy.retry_backoff, true);
  policy.dedupe_ttl = yaml::duration(node, "dedupe_ttl", path, policy.dedupe_ttl, false);
  const Node windows = yaml::sequence(node, "low_traffic_windows", path);
  for (std::size_t i = 0; i < windows.size(); ++i) {
    policy.low_traffic_windows.push_back(
        read_window(windows[i], fmt::format("{}.low_traffic_windows[{}]", path, i), tzdir));
  }
  if (node["busy"]) policy.busy = read_busy(yaml::mapping(node, "busy", path), path + ".busy");
  policy.notice_lead = yaml::duration(node, "notice_lead", path, policy.notice_lead, true);
  policy.schedule_jitter = yaml::duration(node, "schedule_jitter", path, policy.schedule_jitter, true);
  return policy;
}

void validate_cross_references(const Config& config) {
  if (config.gateways.empty()) throw ConfigError("gateways", "at least one gateway is required");
  if (config.rules.empty()) throw ConfigError("rules", "at least one rule is required");
  std::set<std::string> names;
  for (std::size_t i = 0; i < config.gateways.size(); ++i) {
    if (!names.insert(config.gateways[i].name).second) {
      throw ConfigError(fmt::format("gateways[{}].name", i), fmt::format("duplicate name \"{}\"",
                                                                         config.gateways[i].name));
    }
  }
  for (std::size_t i = 0; i < config.rules.size(); ++i) {
    if (config.rules[i].urgency == Urgency::kScheduled && config.policy.low_traffic_windows.empty()) {
      throw ConfigError(fmt::format("rules[{}].urgency", i),
                        "scheduled needs policy.low_traffic_windows (when to run the restart)");
    }
  }
}

}  // namespace

Config parse_config(const std::string& yaml_text, const std::string& tzdir) {
  Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError("", fmt::format("invalid YAML: {}", e.what()));
  }
  if (!root.IsMap()) throw ConfigError("", "expected a mapping at the top level");
  yaml::expect_keys(root, "", {"auth", "tls", "state_dir", "max_body_bytes", "allowed_hosts", "audit", "gateways", "policy",
                                 "rules"});
  Config config;
  if (root["auth"]) {
    const Node auth = yaml::mapping(root, "auth", "");
    yaml::expect_keys(auth, "auth", {"bearer_token_file", "basic_auth"});
    config.auth.bearer_token_file = yaml::string(auth, "bearer_token_file", "auth", "");
    if (auth["basic_auth"]) {
      const Node basic = yaml::mapping(auth, "basic_auth", "auth");
      yaml::expect_keys(basic, "auth.basic_auth", {"username", "password_file"});
      config.auth.basic_username = yaml::string(basic, "username", "auth.basic_auth", "");
      config.auth.basic_password_file = yaml::string(basic, "password_file", "auth.basic_auth", "");
      if (config.auth.basic_username.empty() || config.auth.basic_password_file.empty()) {
        throw ConfigError("auth.basic_auth", "needs both username and password_file");
      }
    }
  }
  if (root["tls"]) {
    const Node tls = yaml::mapping(root, "tls", "");
    yaml::expect_keys(tls, "tls", {"cert_file", "key_file"});
    config.tls.cert_file = yaml::string(tls, "cert_file", "tls", "");
    config.tls.key_file = yaml::string(tls, "key_file", "tls", "");
    if (config.tls.cert_file.empty() || config.tls.key_file.empty()) {
      throw ConfigError("tls", "needs both cert_file and key_file");
    }
  }
  config.state_dir = yaml::string(root, "state_dir", "", config.state_dir);
  if (config.state_dir.empty()) throw ConfigError("state_dir", "must not be empty");
  config.max_body_bytes = static_cast<std::size_t>(
      yaml::integer(root, "max_body_bytes", "", static_cast<int>(config.max_body_bytes), 1024));
  config.allowed_hosts = yaml::string_list(root, "allowed_hosts", "");
  try {
    RequestGuard("127.0.0.1:1", config.allowed_hosts, "");  // only checks the names
  } catch (const std::invalid_argument& e) {
    throw ConfigError("allowed_hosts", e.what());
  }
  if (root["audit"]) {
    const Node audit = yaml::mapping(root, "audit", "");
    yaml::expect_keys(audit, "audit", {"max_file_bytes", "max_files"});
    config.audit.max_file_bytes = static_cast<std::size_t>(
        yaml::integer(audit, "max_file_bytes", "audit", static_cast<int>(config.audit.max_file_bytes), 4096));
    config.audit.max_files = yaml::integer(audit, "max_files", "audit", config.audit.max_files, 1);
  }
  const Node gateways = yaml::sequence(root, "gateways", "");
  for (std::size_t i = 0; i < gateways.size(); ++i) {
    config.gateways.push_back(read_gateway(gateways[i], fmt::format("gateways[{}]", i)));
  }
  config.policy = read_policy(root["policy"] ? yaml::mapping(root, "policy", "") : Node{}, tzdir);
  const Node rules = yaml::sequence(root, "rules", "");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    config.rules.push_back(read_rule(rules[i], fmt::format("rules[{}]", i), i));
  }
  validate_cross_references(config);
  return config;
}

Config load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("", fmt::format("cannot read config file {}", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_config(buffer.str());
}

milliseconds schedule_offset_for(std::string_view host, std::string_view gateway, milliseconds jitter) {
  if (jitter.count() <= 0) return milliseconds{0};
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64 bit
  auto mix = [&](std::string_view text) {
    for (const char c : text) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
  };
  mix(host);
  mix("/");
  mix(gateway);
  // Whole seconds: an offset is read by people in logs and on the status page.
  const auto seconds = static_cast<std::uint64_t>(std::max<long long>(1, jitter.count() / 1000));
  return milliseconds{static_cast<long long>(hash % seconds) * 1000};
}

void assign_schedule_offsets(Config& config, std::string_view host) {
  for (auto& gw : config.gateways) gw.schedule_offset = schedule_offset_for(host, gw.name, config.policy.schedule_jitter);
}

}  // namespace openclaw::hook
