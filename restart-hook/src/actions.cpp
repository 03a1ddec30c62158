#include "actions.hpp"

#include <fmt/format.h>

#include <charconv>

namespace openclaw::hook {

using namespace std::chrono_literals;

ActionResult Actions::run(const RuleConfig& rule, const GatewayConfig& gateway, std::stop_token stop) {
  if (rule.action == ActionKind::kCommand) return run_command(rule, gateway, stop);
  ActionResult result;
  result.detail = fmt::format("action {} goes through the user manager (RestartRun), not a process",
                              to_string(rule.action));
  return result;
}

std::optional<int> Actions::main_pid(const std::string& unit) {
  // "--": the unit is an operand, never an option (config.cpp refuses a leading '-' too).
  const ProcessResult r =
      runner_.run({"systemctl", "--user", "show", "-p", "MainPID", "--value", "--", unit}, 10s, {});
  if (!r.ok()) return std::nullopt;
  int pid = 0;
  std::string_view text = r.output;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc{} || ptr != text.data() + text.size() || pid <= 0) return std::nullopt;
  return pid;
}

ActionResult Actions::run_command(const RuleConfig& rule, const GatewayConfig& gateway, std::stop_token stop) {
  ActionResult result;
  // The gateway's name and unit come from the configuration; alert contents never reach the command.
  const auto timeout = rule.timeout.value_or(kDefaultCommandTimeout);
  result.process = runner_.run(rule.command, timeout,
                               {"OPENCLAW_GATEWAY_NAME=" + gateway.name, "OPENCLAW_GATEWAY_UNIT=" + gateway.unit},
                               stop);
  result.ok = result.process.ok();
  result.detail = result.process.timed_out
                      ? fmt::format("{} did not finish within {} ms (killed)", rule.command.front(), timeout.count())
                      : fmt::format("{} exited {}", rule.command.front(), result.process.exit_code);
  return result;
}

}  // namespace openclaw::hook
