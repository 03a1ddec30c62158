#include "systemd_unit.hpp"

#include "user_manager_bus.hpp"

#include <fmt/format.h>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>
#include <limits>

namespace openclaw::exporter {
namespace {

constexpr const char* kDestination = "org.freedesktop.systemd1";
constexpr const char* kUnitInterface = "org.freedesktop.systemd1.Unit";
constexpr const char* kServiceInterface = "org.freedesktop.systemd1.Service";

struct BusError {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  ~BusError() { sd_bus_error_free(&error); }
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  BusError(BusError&&) = delete;
  BusError& operator=(BusError&&) = delete;
};

std::string describe(int rc, const sd_bus_error& error) { return describe_bus_error(rc, error.message); }

struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};

// The argv of the first ExecStart= entry. The property is a(sasbttttuii): path, argv, ignore-failure, then times,
// PID and exit status of the last run, skipped here. Node overwrites its own /proc/PID/cmdline with the process
// title, so this is where the gateway's `--max-old-space-size` can still be read.
Status read_exec_start(sd_bus* bus, const char* path, std::vector<std::string>& argv) {
  BusError error;
  sd_bus_message* raw = nullptr;
  int rc = sd_bus_get_property(bus, kDestination, path, kServiceInterface, "ExecStart", &error.error, &raw,
                               "a(sasbttttuii)");
  if (rc < 0) return Status::failure(fmt::format("ExecStart: {}", describe(rc, error.error)));
  const std::unique_ptr<sd_bus_message, MessageUnref> reply(raw);
  argv.clear();
  rc = sd_bus_message_enter_container(raw, 'a', "(sasbttttuii)");
  if (rc > 0) rc = sd_bus_message_enter_container(raw, 'r', "sasbttttuii");
  if (rc > 0) {
    const char* program = nullptr;
    char** strv = nullptr;
    rc = sd_bus_message_read(raw, "s", &program);
    if (rc >= 0) rc = sd_bus_message_read_strv(raw, &strv);
    if (rc >= 0 && strv != nullptr) {
      for (char** arg = strv; *arg != nullptr; ++arg) argv.emplace_back(*arg);
    }
    if (strv != nullptr) {
      for (char** arg = strv; *arg != nullptr; ++arg) std::free(*arg);
      std::free(strv);
    }
  }
  if (rc < 0) return Status::failure(fmt::format("ExecStart: {}", std::strerror(-rc)));
  return Ok{};  // an empty array (no ExecStart) leaves argv empty
}

}  // namespace

SystemdUserManager::SystemdUserManager(std::string address, std::chrono::milliseconds call_timeout)
    : address_(std::move(address)), call_timeout_(call_timeout) {}

SystemdUserManager::~SystemdUserManager() = default;

Status SystemdUserManager::connect() {
  auto opened = open_user_manager_bus(address_, call_timeout_);
  if (!opened) return Status::failure(opened.error());
  bus_ = std::move(opened).value().bus;
  return Ok{};
}

Result<UnitState> SystemdUserManager::unit(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (!bus_) {
    if (auto connected = connect(); !connected) return Result<UnitState>::failure(connected.error());
  }
  auto state = read_unit(name);
  // Any failure other than a D-Bus error reply means the connection itself is suspect: start afresh next time.
  if (!state.ok()) bus_.reset();
  return state;
}

Result<UnitState> SystemdUserManager::read_unit(const std::string& name) {
  char* path_raw = nullptr;
  if (const int rc = sd_bus_path_encode("/org/freedesktop/systemd1/unit", name.c_str(), &path_raw); rc < 0) {
    return Result<UnitState>::failure(fmt::format("bad unit name {}: {}", name, std::strerror(-rc)));
  }
  const std::unique_ptr<char, decltype(&std::free)> path(path_raw, &std::free);
  sd_bus* bus = bus_.get();
  UnitState state;

  const auto get_string = [&](const char* interface, const char* member, std::string& out) -> Status {
    BusError error;
    char* value = nullptr;
    const int rc = sd_bus_get_property_string(bus, kDestination, path.get(), interface, member, &error.error, &value);
    if (rc < 0) return Status::failure(fmt::format("{} of {}: {}", member, name, describe(rc, error.error)));
    out = value;
    std::free(value);
    return Ok{};
  };
  const auto get_trivial = [&](const char* member, char type, void* out) -> Status {
    BusError error;
    const int rc =
        sd_bus_get_property_trivial(bus, kDestination, path.get(), kServiceInterface, member, &error.error, type, out);
    if (rc < 0) return Status::failure(fmt::format("{} of {}: {}", member, name, describe(rc, error.error)));
    return Ok{};
  };

  if (auto s = get_string(kUnitInterface, "LoadState", state.load_state); !s) return Result<UnitState>::failure(s.error());
  if (auto s = get_string(kUnitInterface, "ActiveState", state.active_state); !s) {
    return Result<UnitState>::failure(s.error());
  }
  if (state.load_state != "loaded") {
    // A misspelled (not-found), masked or broken unit is an error of the configuration, not a stopped gateway.
    return Result<UnitState>::failure(fmt::format("unit {} is not loaded (LoadState={}): check the unit name", name,
                                                  state.load_state));
  }
  if (auto s = get_string(kUnitInterface, "SubState", state.sub_state); !s) return Result<UnitState>::failure(s.error());
  if (auto s = get_string(kServiceInterface, "Result", state.result); !s) return Result<UnitState>::failure(s.error());
  std::uint32_t main_pid = 0;
  std::uint64_t memory_max = 0;
  if (auto s = get_trivial("MainPID", 'u', &main_pid); !s) return Result<UnitState>::failure(s.error());
  if (auto s = get_trivial("NRestarts", 'u', &state.n_restarts); !s) return Result<UnitState>::failure(s.error());
  if (auto s = get_trivial("MemoryMax", 't', &memory_max); !s) return Result<UnitState>::failure(s.error());
  if (auto s = get_trivial("ExecMainCode", 'i', &state.exec_main_code); !s) return Result<UnitState>::failure(s.error());
  if (auto s = get_trivial("ExecMainStatus", 'i', &state.exec_main_status); !s) {
    return Result<UnitState>::failure(s.error());
  }
  if (auto s = read_exec_start(bus, path.get(), state.exec_start_argv); !s) return Result<UnitState>::failure(s.error());
  state.main_pid = static_cast<int>(main_pid);
  if (memory_max != std::numeric_limits<std::uint64_t>::max()) state.memory_max = memory_max;
  return state;
}

}  // namespace openclaw::exporter
