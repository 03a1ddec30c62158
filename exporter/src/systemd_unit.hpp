#pragma once

#include <chrono>
#include <map>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "result.hpp"
#include "user_manager_bus.hpp"


namespace openclaw::exporter {

struct UnitState {
  int main_pid = 0;                          // 0 when the unit has no running main process
  std::uint32_t n_restarts = 0;              // systemd's NRestarts
  std::string active_state;                  // active, activating, deactivating, inactive, failed, reloading
  std::string sub_state;                     // the service's own: running, stop-sigterm, auto-restart, dead, …
  std::string load_state;                    // loaded, not-found, …
  std::string result;                        // success, exit-code, signal, core-dump, timeout, oom-kill, …
  int exec_main_code = 0;                    // si_code of the last main process: 1 exited, 2 killed, 3 dumped, 0 none
  int exec_main_status = 0;                  // its exit status, or the signal number when killed/dumped
  std::optional<std::uint64_t> memory_max;   // MemoryMax=, nullopt when infinity
  std::vector<std::string> exec_start_argv;  // the first ExecStart= command line (the gateway's `node --max-old-…`)
  std::string invocation_id;                 // InvocationID in hex: new for every start of the unit
  std::uint32_t exec_main_pid = 0;           // the last main process (also after it exited)
  std::uint64_t exec_main_exit_usec = 0;     // CLOCK_MONOTONIC µs of its exit; 0 while it runs or before one
};

// Reads unit properties from a systemd user manager over sd-bus, with one long-lived connection and no process
// spawned per scrape: one GetAll per interface (Unit, Service), ExecStart= parsed once per InvocationID. The address is the manager's private socket ($XDG_RUNTIME_DIR/systemd/private) when it
// exists, else the user bus; a broken connection is dropped and re-opened on the next call.
class SystemdUserManager {
 public:
  // `address` is a D-Bus address ("unix:path=…"); empty picks the private socket or the user bus.
  explicit SystemdUserManager(std::string address = {}, std::chrono::milliseconds call_timeout = std::chrono::seconds(2));
  ~SystemdUserManager();
  SystemdUserManager(const SystemdUserManager&) = delete;
  SystemdUserManager& operator=(const SystemdUserManager&) = delete;
  SystemdUserManager(SystemdUserManager&&) = delete;
  SystemdUserManager& operator=(SystemdUserManager&&) = delete;

  Result<UnitState> unit(const std::string& name);

 private:
  Status connect();
  Result<UnitState> read_unit(const std::string& name);

  std::string address_;
  std::chrono::milliseconds call_timeout_;
  struct ExecStartCache {
    std::string invocation_id;
    std::vector<std::string> argv;
  };
  std::mutex mutex_;  // sd_bus connections are not thread-safe; guards the cache too
  SdBusPtr bus_;
  std::map<std::string, ExecStartCache> exec_start_;  // by unit name
};

}  // namespace openclaw::exporter
