#include "user_manager.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "net.hpp"
#include "paths.hpp"

namespace openclaw::testing {
namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string{value};
}

std::string strip_newline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// systemd time spans: whole seconds print as "5s", others as "250ms".
std::string time_span(std::chrono::milliseconds span) {
  if (span.count() % 1000 == 0) return std::to_string(span.count() / 1000) + "s";
  return std::to_string(span.count()) + "ms";
}

}  // namespace

bool UserManager::available() {
  const std::string runtime = env_or_empty("XDG_RUNTIME_DIR");
  if (runtime.empty() || access((runtime + "/systemd/private").c_str(), F_OK) != 0) return false;
  return run_command({"systemctl", "--user", "show-environment"}, std::chrono::seconds(10)).exit_code == 0;
}

UserManager::UserManager() = default;

std::string UserManager::unit_dir() const {
  std::string config = env_or_empty("XDG_CONFIG_HOME");
  if (config.empty()) {
    const std::string home = env_or_empty("HOME");
    if (home.empty()) throw std::runtime_error("neither XDG_CONFIG_HOME nor HOME is set");
    config = home + "/.config";
  }
  return config + "/systemd/user";
}

CommandResult UserManager::install_unit(const std::string& name, const std::string& contents) {
  const std::string dir = unit_dir();
  std::filesystem::create_directories(dir);
  write_file(dir + "/" + name, contents);
  return systemctl({"daemon-reload"});
}

CommandResult UserManager::remove_unit(const std::string& name) {
  std::error_code ignored;
  std::filesystem::remove(unit_dir() + "/" + name, ignored);
  return systemctl({"daemon-reload"});
}

CommandResult UserManager::start(const std::string& name) { return systemctl({"start", name}); }
CommandResult UserManager::stop(const std::string& name) { return systemctl({"stop", name}); }
CommandResult UserManager::restart(const std::string& name) { return systemctl({"restart", name}); }
CommandResult UserManager::reset_failed(const std::string& name) { return systemctl({"reset-failed", name}); }

CommandResult UserManager::systemctl(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {"systemctl", "--user"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout);
}

std::string UserManager::property(const std::string& name, const std::string& prop) {
  const CommandResult result = systemctl({"show", "-p", prop, "--value", name}, std::chrono::seconds(10));
  if (result.exit_code != 0) return {};
  return strip_newline(result.output);
}

int UserManager::main_pid(const std::string& name) {
  const std::string value = property(name, "MainPID");
  return value.empty() ? 0 : std::stoi(value);
}

unsigned UserManager::n_restarts(const std::string& name) {
  const std::string value = property(name, "NRestarts");
  return value.empty() ? 0U : static_cast<unsigned>(std::stoul(value));
}

std::string UserManager::active_state(const std::string& name) { return property(name, "ActiveState"); }

bool UserManager::wait_for_state(const std::string& name, const std::string& state, std::chrono::milliseconds timeout) {
  return wait_until([&] { return active_state(name) == state; }, timeout, std::chrono::milliseconds(100));
}

int UserManager::wait_for_new_main_pid(const std::string& name, int old_pid, std::chrono::milliseconds timeout) {
  int pid = 0;
  const bool changed = wait_until(
      [&] {
        pid = main_pid(name);
        return pid != 0 && pid != old_pid;
      },
      timeout, std::chrono::milliseconds(100));
  return changed ? pid : 0;
}

std::string systemd_quote(const std::string& word) {
  std::string escaped;
  bool needs_quotes = word.empty();
  for (const char c : word) {
    if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\\' || c == ';') needs_quotes = true;
    if (c == '"' || c == '\\') escaped += '\\';
    if (c == '%') escaped += '%';
    escaped += c;
  }
  return needs_quotes ? "\"" + escaped + "\"" : escaped;
}

std::string render_gateway_unit(const GatewayUnitOptions& options) {
  const std::string program = options.program.empty() ? fixture_gateway_path() : options.program;
  std::ostringstream exec_start;
  exec_start << systemd_quote(program);
  for (const auto& arg : options.args) exec_start << ' ' << systemd_quote(arg);
  if (options.port) exec_start << " --port " << *options.port;

  std::ostringstream unit;
  unit << "[Unit]\n"
       << "Description=" << options.description << "\n"
       << "After=network-online.target\n"
       << "StartLimitBurst=" << options.start_limit_burst << "\n"
       << "StartLimitIntervalSec=" << options.start_limit_interval_sec.count() << "\n"
       << "\n[Service]\n"
       << "ExecStart=" << exec_start.str() << "\n"
       << "Restart=" << options.restart << "\n"
       << "RestartSec=" << time_span(options.restart_sec) << "\n"
       << "RestartPreventExitStatus=" << options.restart_prevent_exit_status << "\n"
       << "TimeoutStopSec=" << time_span(options.timeout_stop_sec) << "\n"
       << "TimeoutStartSec=" << time_span(options.timeout_start_sec) << "\n"
       << "SuccessExitStatus=" << options.success_exit_status << "\n"
       << "OOMPolicy=" << options.oom_policy << "\n"
       << "KillMode=" << options.kill_mode << "\n";
  if (options.memory_max) unit << "MemoryMax=" << *options.memory_max << "\n";
  unit << "EnvironmentFile=-%h/.openclaw/gateway.systemd.env\n";
  unit << "Environment=OPENCLAW_SERVICE_MARKER=openclaw\n"
       << "Environment=OPENCLAW_SERVICE_KIND=gateway\n"
       << "Environment=" << systemd_quote("OPENCLAW_SYSTEMD_UNIT=" + options.unit_name) << "\n";
  if (options.port) unit << "Environment=OPENCLAW_GATEWAY_PORT=" << *options.port << "\n";
  for (const auto& entry : options.environment) unit << "Environment=" << systemd_quote(entry) << "\n";
  if (!options.log_file.empty()) {
    unit << "StandardOutput=append:" << options.log_file << "\n"
         << "StandardError=inherit\n";
  }
  for (const auto& line : options.extra_service_lines) unit << line << "\n";
  unit << "\n[Install]\nWantedBy=default.target\n";
  return unit.str();
}

}  // namespace openclaw::testing
