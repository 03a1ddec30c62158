#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace openclaw::testing {

// `systemctl --user` against the user manager started by tests/lib/with-user-manager.sh (found through
// XDG_RUNTIME_DIR). Unit files go to $XDG_CONFIG_HOME/systemd/user, or $HOME/.config/systemd/user.
class UserManager {
 public:
  // True when $XDG_RUNTIME_DIR/systemd/private exists and `systemctl --user show-environment` answers.
  static bool available();

  UserManager();

  // The directory unit files are written to (created on demand).
  std::string unit_dir() const;
  // Writes unit_dir()/name and runs daemon-reload (its result is returned). Throws when the file cannot be written.
  CommandResult install_unit(const std::string& name, const std::string& contents);
  // Removes unit_dir()/name and runs daemon-reload.
  CommandResult remove_unit(const std::string& name);

  CommandResult start(const std::string& name);
  CommandResult stop(const std::string& name);
  CommandResult restart(const std::string& name);
  CommandResult reset_failed(const std::string& name);
  // Any `systemctl --user ARGS...`.
  CommandResult systemctl(const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // `systemctl --user show -p PROP --value NAME`, trailing newline removed ("" when it fails).
  std::string property(const std::string& name, const std::string& prop);
  int main_pid(const std::string& name);              // 0 when the unit has no main process
  unsigned n_restarts(const std::string& name);       // NRestarts
  std::string active_state(const std::string& name);  // ActiveState: active, activating, failed, inactive, ...
  // Polls until ActiveState == state (true) or the timeout passes (false).
  bool wait_for_state(const std::string& name, const std::string& state, std::chrono::milliseconds timeout);
  // Polls until MainPID is non-zero and differs from `old_pid` (returns it), or 0 on timeout.
  int wait_for_new_main_pid(const std::string& name, int old_pid, std::chrono::milliseconds timeout);
};

// A unit file shaped like the one `openclaw` installs (see /work/shared/openclaw-gateway.md). The defaults are the
// production values; tests usually shorten restart_sec and timeout_stop_sec.
struct GatewayUnitOptions {
  std::string description = "OpenClaw Gateway (test fixture)";
  std::string program;                                 // ExecStart program; empty: fixture_gateway_path()
  std::vector<std::string> args;                       // ExecStart arguments (quoted for systemd as needed)
  std::optional<int> port;                             // adds "--port N" to ExecStart and OPENCLAW_GATEWAY_PORT=N
  std::string unit_name = "openclaw-gateway.service";  // becomes OPENCLAW_SYSTEMD_UNIT
  std::string restart = "always";
  std::chrono::milliseconds restart_sec = std::chrono::seconds(5);
  std::chrono::milliseconds timeout_stop_sec = std::chrono::seconds(330);
  std::chrono::milliseconds timeout_start_sec = std::chrono::seconds(30);
  std::string restart_prevent_exit_status = "78";
  std::string success_exit_status = "0 143";
  std::string kill_mode = "mixed";
  std::string oom_policy = "continue";
  unsigned start_limit_burst = 10;
  std::chrono::seconds start_limit_interval_sec = std::chrono::seconds(300);
  std::optional<std::string> memory_max;         // e.g. "256M"
  std::vector<std::string> environment;          // "KEY=VALUE", one Environment= line each
  std::string log_file;                          // non-empty: StandardOutput=append:FILE, StandardError=inherit
  std::vector<std::string> extra_service_lines;  // appended verbatim to [Service]
};
std::string render_gateway_unit(const GatewayUnitOptions& options);

// Quotes one word for an ExecStart=/Environment= line ("..." with \ and " escaped, % doubled) when it needs it.
std::string systemd_quote(const std::string& word);

}  // namespace openclaw::testing
