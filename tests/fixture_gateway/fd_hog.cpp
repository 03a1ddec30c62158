#include "fd_hog.hpp"

#include <fcntl.h>

namespace openclaw::fixture {

int FdHog::add(int count) {
  const std::lock_guard lock(mutex_);
  int opened = 0;
  for (; opened < count; ++opened) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) break;
    fds_.emplace_back(fd);
  }
  return opened;
}

int FdHog::count() const {
  const std::lock_guard lock(mutex_);
  return static_cast<int>(fds_.size());
}

}  // namespace openclaw::fixture
