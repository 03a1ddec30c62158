#include "state_dir_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace openclaw::hook {

StateDirLock::StateDirLock(const std::string& state_dir) {
  const std::string path = state_dir + "/lock";
  fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (fd_.get() < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  if (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char owner[32] = {};
    const ssize_t n = ::pread(fd_.get(), owner, sizeof owner - 1, 0);
    std::string pid = n > 0 ? std::string(owner, static_cast<std::size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    if (error == EWOULDBLOCK) {
      throw std::runtime_error(fmt::format(
          "state_dir {} is in use by another openclaw-restart-hook{}: two hooks must never share one (each would "
          "keep its own cooldown and circuit)",
          state_dir, pid.empty() ? "" : " (pid " + pid + ")"));
    }
    throw std::runtime_error(fmt::format("cannot lock {}: {}", path, std::strerror(error)));
  }
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_.get(), 0) != 0 || ::pwrite(fd_.get(), me.data(), me.size(), 0) < 0) {
    // The lock holds without the PID; only the second hook's message loses it.
  }
}

}  // namespace openclaw::hook
