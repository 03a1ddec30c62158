#pragma once

#include <optional>
#include <string>

#include "config.hpp"
#include "policy.hpp"
#include "process_runner.hpp"

namespace openclaw::hook {

struct ActionResult {
  bool ok = false;
  std::string detail;        // what was done, or why it failed
  ProcessResult process;     // systemctl's or the command's run (empty for a signal)
};

// Runs a rule's action for a gateway. Only configuration reaches argv (the unit, the command); alert labels
// never do.
class Actions {
 public:
  explicit Actions(ProcessRunner& runner) : runner_(runner) {}
  ActionResult run(const RuleConfig& rule, const GatewayConfig& gateway, std::stop_token stop = {});
  // The unit's MainPID from the user manager; nullopt when unknown or 0 (not running).
  std::optional<int> main_pid(const std::string& unit);
  // The unit's state as the policy reads it; nullopt when the user manager could not be asked.
  std::optional<UnitView> unit_view(const std::string& unit);

 private:
  ActionResult systemctl_restart(const RuleConfig& rule, const GatewayConfig& gateway);
  ActionResult send_signal(const RuleConfig& rule, const GatewayConfig& gateway);
  ActionResult run_command(const RuleConfig& rule, const GatewayConfig& gateway, std::stop_token stop);
  ProcessRunner& runner_;
};

}  // namespace openclaw::hook
