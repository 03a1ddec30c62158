#pragma once

#include <string>

#include "policy_state.hpp"
#include "result.hpp"

namespace openclaw::hook {

// Policy state <-> JSON (no I/O), so the format is unit-tested directly.
std::string serialize_state(const PolicyState& state);
Result<PolicyState> deserialize_state(const std::string& text);

// Keeps the persisted copy of PolicyState in `<state_dir>/state.json`, replaced atomically on every save.
// What state.json held: a state, or the reason it is not one (then `state` is empty).
struct LoadedState {
  PolicyState state;
  std::optional<std::string> corrupt;
};

class StateStore {
 public:
  explicit StateStore(std::string state_dir);
  // A missing file is a fresh state; an unreadable one is an error; a corrupt one is reported in `corrupt`.
  Result<LoadedState> read() const;
  // As read(), with a corrupt file an error too (never silently forgotten).
  Result<PolicyState> load() const;
  // Moves state.json to `state.json.corrupt-<unix ms>`, kept for a person to read; returns that name.
  Result<std::string> set_aside(TimePoint now) const;
  Status save(const PolicyState& state) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Drops what can no longer matter at `now`: expired dedupe entries and restarts older than `keep`.
void prune_state(PolicyState& state, TimePoint now, std::chrono::milliseconds keep);

}  // namespace openclaw::hook
