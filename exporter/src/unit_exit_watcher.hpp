#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "systemd_unit.hpp"

namespace openclaw::exporter {

// How a unit's main process ended, as systemd reports it: (Result, code, status), code "exited"/"killed"/"dumped"
// and status the exit status or the signal number.
using UnitExitKey = std::tuple<std::string, std::string, std::string>;

// Pure: the exit `state` records, or nullopt while its main process runs (or before the first one ended).
std::optional<std::pair<std::pair<std::uint32_t, std::uint64_t>, UnitExitKey>> unit_exit_of(const UnitState& state);

// Counts the ends of the units' main processes. systemd keeps Result, ExecMainCode and ExecMainStatus only until the
// next process starts: with openclaw's RestartSec=5 and a 15 s scrape, a crash and its restart usually fall between
// two scrapes and a scrape never sees the crash. So a background thread keeps its own sd-bus connection to the user
// manager, subscribes (Manager.Subscribe) and counts each exit the manager announces in the unit's PropertiesChanged
// signal, the moment it ends; scrapes add what they see themselves (the state between the exit and the restart), so
// an exit is still counted while the connection is down, if a scrape catches it. Each exit counts once, known by
// its (ExecMainPID, ExecMainExitTimestampMonotonic).
class UnitExitWatcher {
 public:
  // `address` as for SystemdUserManager; watches `units` (empty: no thread).
  UnitExitWatcher(std::string address, std::set<std::string> units);
  ~UnitExitWatcher();
  UnitExitWatcher(const UnitExitWatcher&) = delete;
  UnitExitWatcher& operator=(const UnitExitWatcher&) = delete;
  UnitExitWatcher(UnitExitWatcher&&) = delete;
  UnitExitWatcher& operator=(UnitExitWatcher&&) = delete;

  // Counts the exit `state` shows, unless it was counted already.
  void note(const std::string& unit, const UnitState& state);
  // The exits of `unit` counted since the exporter started.
  std::map<UnitExitKey, std::uint64_t> exits(const std::string& unit) const;

 private:
  void run(const std::stop_token& stop);

  std::string address_;
  std::set<std::string> units_;
  mutable std::mutex mutex_;
  struct Seen {
    std::set<std::pair<std::uint32_t, std::uint64_t>> ids;  // (pid, exit µs) of the exits counted, the last few
    std::map<UnitExitKey, std::uint64_t> counts;
  };
  std::map<std::string, Seen> seen_;
  std::jthread thread_;  // last member: stops and joins before the state it uses goes away
};

}  // namespace openclaw::exporter
