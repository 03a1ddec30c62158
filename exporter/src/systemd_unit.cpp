#include "systemd_unit.hpp"

#include "user_manager_bus.hpp"

#include <fmt/format.h>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>
#include <limits>

namespace openclaw::exporter {
namespace {

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

// The argv of the first ExecStart= entry, from a message positioned at the property's variant. The property is
// a(sasbttttuii): path, argv, ignore-failure, then times, PID and exit status of the last run, skipped here. Node
// overwrites its own /proc/PID/cmdline with the process title, so this is where the gateway's
// `--max-old-space-size` can still be read.
int read_exec_start(sd_bus_message* m, std::vector<std::string>& argv) {
  argv.clear();
  int rc = sd_bus_message_enter_container(m, 'v', "a(sasbttttuii)");
  if (rc <= 0) return rc < 0 ? rc : -EBADMSG;
  rc = sd_bus_message_enter_container(m, 'a', "(sasbttttuii)");
  if (rc <= 0) return rc < 0 ? rc : -EBADMSG;
  rc = sd_bus_message_enter_container(m, 'r', "sasbttttuii");
  if (rc > 0) {
    const char* program = nullptr;
    char** strv = nullptr;
    rc = sd_bus_message_read(m, "s", &program);
    if (rc >= 0) rc = sd_bus_message_read_strv(m, &strv);
    if (rc >= 0 && strv != nullptr) {
      for (char** arg = strv; *arg != nullptr; ++arg) argv.emplace_back(*arg);
    }
    if (strv != nullptr) {
      for (char** arg = strv; *arg != nullptr; ++arg) std::free(*arg);
      std::free(strv);
    }
    if (rc >= 0) rc = sd_bus_message_skip(m, "bttttuii");
    if (rc >= 0) rc = sd_bus_message_exit_container(m);  // the struct
  }
  if (rc < 0) return rc;
  // Further ExecStart= entries (none in openclaw's unit) are skipped with the rest of the array.
  while ((rc = sd_bus_message_skip(m, "(sasbttttuii)")) > 0) {
  }
  if (rc < 0) return rc;
  rc = sd_bus_message_exit_container(m);  // the array
  if (rc >= 0) rc = sd_bus_message_exit_container(m);  // the variant
  return rc;
}

// One property of a GetAll reply, the message positioned at its variant: reads it when `name` is wanted (returns
// 1), skips it otherwise (0), or a negative errno.
using PropertyReader = int (*)(sd_bus_message* m, const char* name, UnitState& state, bool& want_exec_start);

int read_string(sd_bus_message* m, std::string& out) {
  const char* value = nullptr;
  const int rc = sd_bus_message_read(m, "v", "s", &value);
  if (rc >= 0) out = value;
  return rc;
}

int read_unit_property(sd_bus_message* m, const char* name, UnitState& state, bool& /*want_exec_start*/) {
  if (std::strcmp(name, "LoadState") == 0) return read_string(m, state.load_state);
  if (std::strcmp(name, "ActiveState") == 0) return read_string(m, state.active_state);
  if (std::strcmp(name, "SubState") == 0) return read_string(m, state.sub_state);
  if (std::strcmp(name, "InvocationID") == 0) {
    int rc = sd_bus_message_enter_container(m, 'v', "ay");
    const void* bytes = nullptr;
    std::size_t size = 0;
    if (rc > 0) rc = sd_bus_message_read_array(m, 'y', &bytes, &size);
    if (rc >= 0) {
      state.invocation_id.clear();
      for (std::size_t i = 0; i < size; ++i) {
        state.invocation_id += fmt::format("{:02x}", static_cast<const unsigned char*>(bytes)[i]);
      }
      rc = sd_bus_message_exit_container(m);
    }
    return rc;
  }
  return sd_bus_message_skip(m, "v");
}

int read_service_property(sd_bus_message* m, const char* name, UnitState& state, bool& want_exec_start) {
  if (std::strcmp(name, "Result") == 0) return read_string(m, state.result);
  if (std::strcmp(name, "MainPID") == 0) {
    std::uint32_t pid = 0;
    const int rc = sd_bus_message_read(m, "v", "u", &pid);
    state.main_pid = static_cast<int>(pid);
    return rc;
  }
  if (std::strcmp(name, "NRestarts") == 0) return sd_bus_message_read(m, "v", "u", &state.n_restarts);
  if (std::strcmp(name, "MemoryMax") == 0) {
    std::uint64_t max = 0;
    const int rc = sd_bus_message_read(m, "v", "t", &max);
    if (max != std::numeric_limits<std::uint64_t>::max()) state.memory_max = max;
    return rc;
  }
  if (std::strcmp(name, "ExecMainCode") == 0) return sd_bus_message_read(m, "v", "i", &state.exec_main_code);
  if (std::strcmp(name, "ExecMainStatus") == 0) return sd_bus_message_read(m, "v", "i", &state.exec_main_status);
  if (std::strcmp(name, "ExecMainPID") == 0) return sd_bus_message_read(m, "v", "u", &state.exec_main_pid);
  if (std::strcmp(name, "ExecMainExitTimestampMonotonic") == 0) {
    return sd_bus_message_read(m, "v", "t", &state.exec_main_exit_usec);
  }
  if (want_exec_start && std::strcmp(name, "ExecStart") == 0) {
    want_exec_start = false;
    return read_exec_start(m, state.exec_start_argv);
  }
  return sd_bus_message_skip(m, "v");
}

// All properties of one interface of the unit in one call (org.freedesktop.DBus.Properties.GetAll): one round trip
// where a Get per property took ten.
Status get_all(sd_bus* bus, const char* path, const char* interface, const std::string& unit, UnitState& state,
               bool& want_exec_start, PropertyReader read) {
  BusError error;
  sd_bus_message* raw = nullptr;
  int rc = sd_bus_call_method(bus, kSystemdDestination, path, "org.freedesktop.DBus.Properties", "GetAll", &error.error, &raw,
                              "s", interface);
  if (rc < 0) return Status::failure(fmt::format("properties of {}: {}", unit, describe(rc, error.error)));
  const std::unique_ptr<sd_bus_message, MessageUnref> reply(raw);
  rc = sd_bus_message_enter_container(raw, 'a', "{sv}");
  while (rc > 0 && (rc = sd_bus_message_enter_container(raw, 'e', "sv")) > 0) {
    const char* name = nullptr;
    rc = sd_bus_message_read(raw, "s", &name);
    if (rc >= 0) rc = read(raw, name, state, want_exec_start);
    if (rc < 0) {
      return Status::failure(fmt::format("property {} of {}: {}", name != nullptr ? name : "?", unit,
                                         std::strerror(-rc)));
    }
    rc = sd_bus_message_exit_container(raw);
  }
  if (rc >= 0) rc = sd_bus_message_exit_container(raw);
  if (rc < 0) return Status::failure(fmt::format("properties of {}: {}", unit, std::strerror(-rc)));
  return Ok{};
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
  UnitState state;
  bool unused = false;
  if (auto s = get_all(bus_.get(), path.get(), kUnitInterface, name, state, unused, read_unit_property); !s) {
    return Result<UnitState>::failure(s.error());
  }
  if (state.load_state != "loaded") {
    // A misspelled (not-found), masked or broken unit is an error of the configuration, not a stopped gateway.
    return Result<UnitState>::failure(fmt::format("unit {} is not loaded (LoadState={}): check the unit name", name,
                                                  state.load_state.empty() ? "?" : state.load_state));
  }
  // ExecStart= changes only with a new invocation of the unit (a daemon-reload takes effect at the next start):
  // parsed once per InvocationID.
  ExecStartCache& cached = exec_start_[name];
  const bool known = !state.invocation_id.empty() && cached.invocation_id == state.invocation_id;
  bool want_exec_start = !known;
  if (auto s = get_all(bus_.get(), path.get(), kServiceInterface, name, state, want_exec_start, read_service_property);
      !s) {
    return Result<UnitState>::failure(s.error());
  }
  if (known) {
    state.exec_start_argv = cached.argv;
  } else if (!want_exec_start) {  // parsed just now
    cached = {state.invocation_id, state.exec_start_argv};
  }
  return state;
}

}  // namespace openclaw::exporter
