#pragma once

#include <string>

#include "unique_fd.hpp"

namespace openclaw::hook {

// An exclusive lock on `<state_dir>/lock` for the life of the hook: two hooks sharing a state directory would each
// believe their own cooldown and circuit, and could restart one gateway twice. The lock file holds the owner's PID
// (for the message the second one prints); the kernel releases the lock when the owner dies, even with kill -9.
class StateDirLock {
 public:
  // Throws std::runtime_error naming the directory (and the owner's PID when it can be read).
  explicit StateDirLock(const std::string& state_dir);
  StateDirLock(const StateDirLock&) = delete;
  StateDirLock& operator=(const StateDirLock&) = delete;
  StateDirLock(StateDirLock&&) = delete;
  StateDirLock& operator=(StateDirLock&&) = delete;
  ~StateDirLock() = default;

 private:
  UniqueFd fd_;
};

}  // namespace openclaw::hook
