#include "sd_bus_unit_control.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-bus.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>

namespace openclaw::hook {
namespace {

constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerInterface = "org.freedesktop.systemd1.Manager";
constexpr const char* kUnitInterface = "org.freedesktop.systemd1.Unit";
constexpr const char* kServiceInterface = "org.freedesktop.systemd1.Service";
constexpr const char* kJobInterface = "org.freedesktop.systemd1.Job";

struct BusError {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  BusError() = default;
  ~BusError() { sd_bus_error_free(&error); }
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  BusError(BusError&&) = delete;
  BusError& operator=(BusError&&) = delete;
  bool is(const char* name) const { return sd_bus_error_has_name(&error, name) != 0; }
};

struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

std::chrono::microseconds usec(std::uint64_t value) {
  if (value == std::numeric_limits<std::uint64_t>::max() || value > static_cast<std::uint64_t>(INT64_MAX)) {
    return UnitStatus::kInfinity;
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(value));
}

std::optional<std::uint32_t> job_id_of(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::uint32_t id = 0;
  const std::string_view digits = path.substr(slash + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size() || id == 0) return std::nullopt;
  return id;
}

}  // namespace

void SdBusUnitControl::SlotUnref::operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }

SdBusUnitControl::SdBusUnitControl(std::string address, std::chrono::milliseconds call_timeout)
    : address_(std::move(address)), call_timeout_(call_timeout) {}

SdBusUnitControl::~SdBusUnitControl() {
  std::lock_guard lock(mutex_);
  drop_connection();
}

void SdBusUnitControl::drop_connection() {
  job_removed_slot_.reset();
  bus_.bus.reset();
  subscribed_ = false;
  // Results of jobs started on the old connection can no longer arrive: wait_job reports them as lost.
  watched_.clear();
  removed_.clear();
}

struct SdBusUnitControl::JobRemovedHook {
  // Runs inside sd_bus_process, called by the control's own methods: its mutex is already held.
  static int handle(sd_bus_message* message, void* self, sd_bus_error* /*error*/) {
    static_cast<SdBusUnitControl*>(self)->job_removed(message);
    return 0;
  }
};

void SdBusUnitControl::job_removed(sd_bus_message* message) {
  std::uint32_t id = 0;
  const char* path = nullptr;
  const char* unit = nullptr;
  const char* result = nullptr;
  if (sd_bus_message_read(message, "uoss", &id, &path, &unit, &result) < 0) return;
  if (watched_.count(id) != 0) removed_[id] = result;
}

Status SdBusUnitControl::connect() {
  if (bus_.bus) return Ok{};
  auto opened = open_user_manager_bus(address_, call_timeout_);
  if (!opened) return Status::failure(opened.error());
  bus_ = std::move(opened).value();
  sd_bus_slot* slot = nullptr;
  // The private socket carries no sender: match on it only through a bus daemon (as systemctl does).
  const int rc = sd_bus_match_signal(bus_.bus.get(), &slot, bus_.direct ? nullptr : kSystemdDestination, kManagerPath,
                                     kManagerInterface, "JobRemoved", &JobRemovedHook::handle, this);
  if (rc < 0) {
    drop_connection();
    return Status::failure(fmt::format("cannot match JobRemoved: {}", std::strerror(-rc)));
  }
  job_removed_slot_.reset(slot);
  return Ok{};
}

Status SdBusUnitControl::watch(bool on) {
  if (on == subscribed_) return Ok{};
  BusError error;
  const int rc = sd_bus_call_method(bus_.bus.get(), kSystemdDestination, kManagerPath, kManagerInterface,
                                    on ? "Subscribe" : "Unsubscribe", &error.error, nullptr, "");
  if (rc < 0 && !(!on && error.is("org.freedesktop.systemd1.NotSubscribed"))) {
    return Status::failure(fmt::format("{}: {}", on ? "Subscribe" : "Unsubscribe", describe_bus_error(rc, error.error.message)));
  }
  subscribed_ = on;
  return Ok{};
}

// Handles what arrived (JobRemoved lands in removed_, other signals are dropped) without blocking.
Status SdBusUnitControl::dispatch_queued() {
  for (;;) {
    const int rc = sd_bus_process(bus_.bus.get(), nullptr);
    if (rc < 0) return Status::failure(fmt::format("sd_bus_process: {}", std::strerror(-rc)));
    if (rc == 0) return Ok{};
  }
}

void SdBusUnitControl::stop_watching(std::uint32_t id) {
  watched_.erase(id);
  removed_.erase(id);
  if (watched_.empty() && bus_.bus) {
    if (auto s = watch(false); !s) spdlog::debug("user manager: {}", s.error());
  }
}

Result<UnitStatus> SdBusUnitControl::status(const std::string& unit) {
  std::lock_guard lock(mutex_);
  if (auto c = connect(); !c) return Result<UnitStatus>::failure(c.error());
  auto state = read_status(unit);
  if (!state.ok() && state.error().find("is not loaded") == std::string::npos) drop_connection();
  if (bus_.bus) {
    if (auto d = dispatch_queued(); !d) drop_connection();
  }
  return state;
}

Result<UnitStatus> SdBusUnitControl::read_status(const std::string& name) {
  using R = Result<UnitStatus>;
  char* path_raw = nullptr;
  if (const int rc = sd_bus_path_encode("/org/freedesktop/systemd1/unit", name.c_str(), &path_raw); rc < 0) {
    return R::failure(fmt::format("bad unit name {}: {}", name, std::strerror(-rc)));
  }
  const std::unique_ptr<char, decltype(&std::free)> path(path_raw, &std::free);
  sd_bus* bus = bus_.bus.get();
  UnitStatus state;
  const auto get_string = [&](const char* object, const char* interface, const char* member, std::string& out) {
    BusError error;
    char* value = nullptr;
    const int rc = sd_bus_get_property_string(bus, kSystemdDestination, object, interface, member, &error.error, &value);
    if (rc < 0) return Status::failure(fmt::format("{} of {}: {}", member, name, describe_bus_error(rc, error.error.message)));
    out = value;
    std::free(value);
    return Status(Ok{});
  };
  const auto get_trivial = [&](const char* member, char type, void* out) {
    BusError error;
    const int rc =
        sd_bus_get_property_trivial(bus, kSystemdDestination, path.get(), kServiceInterface, member, &error.error, type, out);
    if (rc < 0) return Status::failure(fmt::format("{} of {}: {}", member, name, describe_bus_error(rc, error.error.message)));
    return Status(Ok{});
  };
  if (auto s = get_string(path.get(), kUnitInterface, "LoadState", state.load_state); !s) return R::failure(s.error());
  if (state.load_state != "loaded") {
    return R::failure(fmt::format("unit {} is not loaded (LoadState={}): check the unit name", name, state.load_state));
  }
  for (auto [member, out] : {std::pair{"ActiveState", &state.active_state}, std::pair{"SubState", &state.sub_state}}) {
    if (auto s = get_string(path.get(), kUnitInterface, member, *out); !s) return R::failure(s.error());
  }
  if (auto s = get_string(path.get(), kServiceInterface, "Result", state.result); !s) return R::failure(s.error());
  std::uint32_t main_pid = 0;
  std::uint64_t start = 0, timeout_stop = 0, timeout_start = 0, restart = 0;
  const std::pair<const char*, std::pair<char, void*>> trivial[] = {
      {"MainPID", {'u', &main_pid}},
      {"ExecMainStartTimestamp", {'t', &start}},
      {"ExecMainCode", {'i', &state.exec_main_code}},
      {"ExecMainStatus", {'i', &state.exec_main_status}},
      {"TimeoutStopUSec", {'t', &timeout_stop}},
      {"TimeoutStartUSec", {'t', &timeout_start}},
      {"RestartUSec", {'t', &restart}},
      {"NRestarts", {'u', &state.n_restarts}},
  };
  for (const auto& [member, target] : trivial) {
    if (auto s = get_trivial(member, target.first, target.second); !s) return R::failure(s.error());
  }
  state.main_pid = static_cast<int>(main_pid);
  state.main_start_usec = start;
  state.timeout_stop = usec(timeout_stop);
  state.timeout_start = usec(timeout_start);
  state.restart_delay = usec(restart);
  {
    BusError error;
    sd_bus_message* raw = nullptr;
    const int rc = sd_bus_get_property(bus, kSystemdDestination, path.get(), kUnitInterface, "Job", &error.error, &raw, "(uo)");
    if (rc < 0) return R::failure(fmt::format("Job of {}: {}", name, describe_bus_error(rc, error.error.message)));
    const Message reply(raw);
    const char* job_path = nullptr;
    if (sd_bus_message_read(raw, "(uo)", &state.job_id, &job_path) < 0) return R::failure("Job: bad reply");
    // The job may end between the two reads: its type is then unknown, which is no error.
    if (state.job_id != 0 && job_path != nullptr) (void)get_string(job_path, kJobInterface, "JobType", state.job_type);
  }
  return state;
}

Result<JobHandle> SdBusUnitControl::start_restart(const std::string& unit) {
  using R = Result<JobHandle>;
  std::lock_guard lock(mutex_);
  if (auto c = connect(); !c) return R::failure(c.error());
  if (auto d = dispatch_queued(); !d) {
    drop_connection();
    return R::failure(d.error());
  }
  sd_bus* bus = bus_.bus.get();
  {
    BusError error;
    const int rc =
        sd_bus_call_method(bus, kSystemdDestination, kManagerPath, kManagerInterface, "ResetFailedUnit", &error.error, nullptr,
                           "s", unit.c_str());
    // A unit that is not loaded has nothing to reset: RestartUnit below says what is wrong with it.
    if (rc < 0 && !error.is("org.freedesktop.systemd1.NoSuchUnit") &&
        !error.is("org.freedesktop.systemd1.LoadFailed")) {
      return R::failure(fmt::format("ResetFailedUnit {}: {}", unit, describe_bus_error(rc, error.error.message)));
    }
  }
  if (auto s = watch(true); !s) {
    drop_connection();
    return R::failure(s.error());
  }
  BusError error;
  sd_bus_message* raw = nullptr;
  const int rc = sd_bus_call_method(bus, kSystemdDestination, kManagerPath, kManagerInterface, "RestartUnit", &error.error,
                                    &raw, "ss", unit.c_str(), "replace");
  const Message reply(raw);
  if (rc < 0) {
    if (watched_.empty()) (void)watch(false);
    return R::failure(fmt::format("RestartUnit {}: {}", unit, describe_bus_error(rc, error.error.message)));
  }
  const char* path = nullptr;
  if (sd_bus_message_read(raw, "o", &path) < 0 || path == nullptr) return R::failure("RestartUnit: bad reply");
  const auto id = job_id_of(path);
  if (!id) return R::failure(fmt::format("RestartUnit: unexpected job path {}", path));
  watched_.insert(*id);
  return JobHandle{*id, path};
}

Result<std::optional<std::string>> SdBusUnitControl::wait_job(const JobHandle& job, std::chrono::milliseconds max_wait) {
  using R = Result<std::optional<std::string>>;
  using Steady = std::chrono::steady_clock;
  const auto until = Steady::now() + max_wait;
  std::lock_guard lock(mutex_);
  if (!bus_.bus || watched_.count(job.id) == 0) {
    return R::failure(fmt::format("job {}: its result cannot be observed (connection to the manager lost)", job.id));
  }
  for (;;) {
    if (auto d = dispatch_queued(); !d) {
      drop_connection();
      return R::failure(d.error());
    }
    if (const auto it = removed_.find(job.id); it != removed_.end()) {
      std::string result = it->second;
      stop_watching(job.id);
      return std::optional<std::string>(std::move(result));
    }
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(until - Steady::now());
    if (left.count() <= 0) return std::optional<std::string>();
    if (const int rc = sd_bus_wait(bus_.bus.get(), static_cast<std::uint64_t>(left.count())); rc < 0) {
      drop_connection();
      return R::failure(fmt::format("sd_bus_wait: {}", std::strerror(-rc)));
    }
  }
}

Status SdBusUnitControl::cancel_job(const JobHandle& job) {
  std::lock_guard lock(mutex_);
  if (auto c = connect(); !c) return c;
  BusError error;
  const int rc = sd_bus_call_method(bus_.bus.get(), kSystemdDestination, kManagerPath, kManagerInterface, "CancelJob",
                                    &error.error, nullptr, "u", job.id);
  if (rc < 0 && !error.is("org.freedesktop.systemd1.NoSuchJob")) {
    return Status::failure(fmt::format("CancelJob {}: {}", job.id, describe_bus_error(rc, error.error.message)));
  }
  return Ok{};
}

void SdBusUnitControl::forget_job(const JobHandle& job) {
  std::lock_guard lock(mutex_);
  stop_watching(job.id);
}

Status SdBusUnitControl::kill_main(const std::string& unit, int signal) {
  std::lock_guard lock(mutex_);
  if (auto c = connect(); !c) return c;
  BusError error;
  const int rc = sd_bus_call_method(bus_.bus.get(), kSystemdDestination, kManagerPath, kManagerInterface, "KillUnit",
                                    &error.error, nullptr, "ssi", unit.c_str(), "main", signal);
  if (rc < 0) {
    return Status::failure(fmt::format("KillUnit {} main {}: {}", unit, signal, describe_bus_error(rc, error.error.message)));
  }
  return Ok{};
}

}  // namespace openclaw::hook
