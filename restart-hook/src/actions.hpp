#pragma once

#include <optional>
#include <stop_token>
#include <string>

#include "config.hpp"
#include "process_runner.hpp"

namespace openclaw::hook {

struct ActionResult {
  bool ok = false;
  std::string detail;        // what was done, or why it failed
  ProcessResult process;     // the command's run
};

// Runs a rule's `command` action for a gateway (systemctl and signal go through RestartRun and the user manager).
// Only configuration reaches argv and the environment; alert labels never do.
class Actions {
 public:
  explicit Actions(ProcessRunner& runner) : runner_(runner) {}
  ActionResult run(const RuleConfig& rule, const GatewayConfig& gateway, std::stop_token stop = {});
  // The unit's MainPID from the user manager; nullopt when unknown or 0 (not running).
  std::optional<int> main_pid(const std::string& unit);

 private:
  ActionResult run_command(const RuleConfig& rule, const GatewayConfig& gateway, std::stop_token stop);
  ProcessRunner& runner_;
};

}  // namespace openclaw::hook
