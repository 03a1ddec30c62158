#include "actions.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <sstream>

namespace openclaw::hook {

using namespace std::chrono_literals;

ActionResult Actions::run(const RuleConfig& rule, const GatewayConfig& gateway, std::stop_token stop) {
  switch (rule.action) {
    case ActionKind::kSystemctl: return systemctl_restart(rule, gateway);
    case ActionKind::kSignal: return send_signal(rule, gateway);
    case ActionKind::kCommand: return run_command(rule, gateway, stop);
  }
  return {};
}

std::optional<int> Actions::main_pid(const std::string& unit) {
  const ProcessResult r = runner_.run({"systemctl", "--user", "show", "-p", "MainPID", "--value", unit}, 10s, {});
  if (!r.ok()) return std::nullopt;
  int pid = 0;
  std::string_view text = r.output;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc{} || ptr != text.data() + text.size() || pid <= 0) return std::nullopt;
  return pid;
}

std::optional<UnitView> Actions::unit_view(const std::string& unit) {
  const ProcessResult r = runner_.run(
      {"systemctl", "--user", "show", "-p", "ActiveState,Result,ExecMainCode,ExecMainStatus", "--", unit}, 10s, {});
  if (!r.ok()) return std::nullopt;
  std::map<std::string, std::string> props;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (const auto eq = line.find('='); eq != std::string::npos) props[line.substr(0, eq)] = line.substr(eq + 1);
  }
  UnitView view;
  view.active_state = props["ActiveState"];
  view.result = props["Result"];
  const auto number = [](const std::string& text, int& out) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
  };
  if (view.active_state.empty() || !number(props["ExecMainCode"], view.exec_main_code) ||
      !number(props["ExecMainStatus"], view.exec_main_status)) {
    return std::nullopt;
  }
  return view;
}

ActionResult Actions::systemctl_restart(const RuleConfig& rule, const GatewayConfig& gateway) {
  ActionResult result;
  result.process = runner_.run({"systemctl", "--user", "restart", gateway.unit}, rule.timeout, {});
  result.ok = result.process.ok();
  result.detail = result.process.timed_out
                      ? fmt::format("systemctl --user restart {} did not finish within {} ms (killed; the job may "
                                    "still be running in the manager)",
                                    gateway.unit, rule.timeout.count())
                      : fmt::format("systemctl --user restart {} exited {}", gateway.unit, result.process.exit_code);
  return result;
}

ActionResult Actions::send_signal(const RuleConfig& rule, const GatewayConfig& gateway) {
  ActionResult result;
  const auto pid = main_pid(gateway.unit);
  if (!pid) {
    result.detail = fmt::format("{} has no main PID (not running?)", gateway.unit);
    return result;
  }
  if (::kill(*pid, rule.signal) != 0) {
    result.detail = fmt::format("kill({}, {}): {}", *pid, ::strsignal(rule.signal), std::strerror(errno));
    return result;
  }
  result.ok = true;
  result.detail = fmt::format("sent signal {} to MainPID {} of {}", rule.signal, *pid, gateway.unit);
  return result;
}

ActionResult Actions::run_command(const RuleConfig& rule, const GatewayConfig& gateway, std::stop_token stop) {
  ActionResult result;
  // The gateway's name and unit come from the configuration; alert contents never reach the command.
  result.process = runner_.run(rule.command, rule.timeout,
                               {"OPENCLAW_GATEWAY_NAME=" + gateway.name, "OPENCLAW_GATEWAY_UNIT=" + gateway.unit},
                               stop);
  result.ok = result.process.ok();
  result.detail = result.process.timed_out
                      ? fmt::format("{} did not finish within {} ms (killed)", rule.command.front(), rule.timeout.count())
                      : fmt::format("{} exited {}", rule.command.front(), result.process.exit_code);
  return result;
}

}  // namespace openclaw::hook
