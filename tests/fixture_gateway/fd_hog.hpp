#pragma once

#include <mutex>
#include <vector>

#include "unique_fd.hpp"

namespace openclaw::fixture {

// Extra open fds (each one /dev/null, read-only, close-on-exec), like the gateway's fd leaks.
class FdHog {
 public:
  // Opens `count` more; returns how many it managed (fewer when the fd limit is reached).
  int add(int count);
  int count() const;

 private:
  mutable std::mutex mutex_;
  std::vector<UniqueFd> fds_;
};

}  // namespace openclaw::fixture
