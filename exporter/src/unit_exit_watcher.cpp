#include "unit_exit_watcher.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "user_manager_bus.hpp"

namespace openclaw::exporter {
namespace {

constexpr std::size_t kRememberedExits = 64;  // per unit: enough to deduplicate, bounded

std::string_view code_name(int code) {
  switch (code) {
    case 1: return "exited";  // CLD_EXITED
    case 2: return "killed";  // CLD_KILLED
    case 3: return "dumped";  // CLD_DUMPED
    default: return "other";
  }
}

// The unit a PropertiesChanged signal is about, and the exit it announces.
struct Watch {
  UnitExitWatcher* watcher;
  std::string unit;
};

int on_properties_changed(sd_bus_message* m, void* userdata, sd_bus_error* /*error*/) {
  const auto& watch = *static_cast<Watch*>(userdata);
  const char* interface = nullptr;
  if (sd_bus_message_read(m, "s", &interface) < 0 || std::strcmp(interface, "org.freedesktop.systemd1.Service") != 0) {
    return 0;
  }
  UnitState state;
  bool has_exit_fields = false;
  int rc = sd_bus_message_enter_container(m, 'a', "{sv}");
  while (rc > 0 && (rc = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    const char* name = nullptr;
    rc = sd_bus_message_read(m, "s", &name);
    if (rc < 0) break;
    const char* text = nullptr;
    if (std::strcmp(name, "Result") == 0) {
      rc = sd_bus_message_read(m, "v", "s", &text);
      if (rc >= 0) state.result = text;
    } else if (std::strcmp(name, "ExecMainCode") == 0) {
      rc = sd_bus_message_read(m, "v", "i", &state.exec_main_code);
      has_exit_fields = true;
    } else if (std::strcmp(name, "ExecMainStatus") == 0) {
      rc = sd_bus_message_read(m, "v", "i", &state.exec_main_status);
    } else if (std::strcmp(name, "ExecMainPID") == 0) {
      rc = sd_bus_message_read(m, "v", "u", &state.exec_main_pid);
    } else if (std::strcmp(name, "ExecMainExitTimestampMonotonic") == 0) {
      rc = sd_bus_message_read(m, "v", "t", &state.exec_main_exit_usec);
    } else {
      rc = sd_bus_message_skip(m, "v");
    }
    if (rc >= 0) rc = sd_bus_message_exit_container(m);
  }
  if (rc >= 0 && has_exit_fields) watch.watcher->note(watch.unit, state);
  return 0;
}

std::string unit_path(const std::string& unit) {
  char* raw = nullptr;
  if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit.c_str(), &raw) < 0) return {};
  std::string path(raw);
  std::free(raw);
  return path;
}

struct SlotUnref {
  void operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }
};

}  // namespace

std::optional<std::pair<std::pair<std::uint32_t, std::uint64_t>, UnitExitKey>> unit_exit_of(const UnitState& state) {
  if (state.exec_main_code == 0 || state.exec_main_exit_usec == 0) return std::nullopt;
  return std::pair{std::pair{state.exec_main_pid, state.exec_main_exit_usec},
                   UnitExitKey{state.result, std::string(code_name(state.exec_main_code)),
                               std::to_string(state.exec_main_status)}};
}

UnitExitWatcher::UnitExitWatcher(std::string address, std::set<std::string> units)
    : address_(std::move(address)), units_(std::move(units)) {
  if (!units_.empty()) thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

UnitExitWatcher::~UnitExitWatcher() = default;  // the jthread asks its loop to stop (it wakes every 200 ms) and joins

void UnitExitWatcher::note(const std::string& unit, const UnitState& state) {
  const auto exit = unit_exit_of(state);
  if (!exit) return;
  std::lock_guard lock(mutex_);
  Seen& seen = seen_[unit];
  if (!seen.ids.insert(exit->first).second) return;
  if (seen.ids.size() > kRememberedExits) seen.ids.erase(seen.ids.begin());  // bounded: forget one
  ++seen.counts[exit->second];
}

std::map<UnitExitKey, std::uint64_t> UnitExitWatcher::exits(const std::string& unit) const {
  std::lock_guard lock(mutex_);
  const auto it = seen_.find(unit);
  return it == seen_.end() ? std::map<UnitExitKey, std::uint64_t>{} : it->second.counts;
}

void UnitExitWatcher::run(const std::stop_token& stop) {
  std::vector<std::unique_ptr<Watch>> watches;
  for (const auto& unit : units_) watches.push_back(std::make_unique<Watch>(Watch{this, unit}));
  std::string last_error;
  while (!stop.stop_requested()) {
    auto opened = open_user_manager_bus(address_, std::chrono::seconds(2));
    std::string error;
    if (opened) {
      sd_bus* bus = opened->bus.get();
      std::vector<std::unique_ptr<sd_bus_slot, SlotUnref>> slots;
      int rc = 0;
      for (const auto& watch : watches) {
        sd_bus_slot* slot = nullptr;
        // On the private socket (no bus daemon) messages carry no sender: match without one.
        rc = sd_bus_match_signal(bus, &slot, opened->direct ? nullptr : kSystemdDestination, unit_path(watch->unit).c_str(),
                                 "org.freedesktop.DBus.Properties", "PropertiesChanged", on_properties_changed,
                                 watch.get());
        if (rc < 0) break;
        slots.emplace_back(slot);
      }
      // Without Subscribe the manager sends no unit signals.
      if (rc >= 0) {
        rc = sd_bus_call_method(bus, kSystemdDestination, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                "Subscribe", nullptr, nullptr, "");
      }
      if (rc >= 0 && !last_error.empty()) spdlog::info("watching unit exits again");
      if (rc >= 0) last_error.clear();
      while (rc >= 0 && !stop.stop_requested()) {
        rc = sd_bus_process(bus, nullptr);
        if (rc > 0) continue;
        if (rc >= 0) rc = sd_bus_wait(bus, 200'000);  // µs: how soon a stop request is seen
      }
      if (rc < 0) error = std::string("sd-bus: ") + std::strerror(-rc);
    } else {
      error = opened.error();
    }
    if (stop.stop_requested()) return;
    if (error != last_error) {
      spdlog::warn("cannot watch unit exits (exits are then counted only when a scrape sees them): {}", error);
      last_error = error;
    }
    // Try again in 2 s, waking early to stop.
    for (int i = 0; i < 10 && !stop.stop_requested(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace openclaw::exporter
