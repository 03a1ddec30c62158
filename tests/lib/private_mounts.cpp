#include "private_mounts.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace openclaw::testing {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

}  // namespace

std::string PrivateMounts::unavailable_reason() {
  if (::geteuid() != 0) return "needs root (mount namespaces and tmpfs mounts); CI runs as root";
  return {};
}

PrivateMounts::PrivateMounts() {
  if (::unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS)");
  // Without this, mounts below a shared mount would propagate back to the machine's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail("mount --make-rprivate /");
}

PrivateMounts::~PrivateMounts() {
  for (auto it = mounted_.rbegin(); it != mounted_.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
}

void PrivateMounts::tmpfs(const std::string& dir, std::size_t bytes) {
  std::filesystem::create_directories(dir);
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) fail("mount tmpfs " + dir);
  mounted_.push_back(dir);
}

void PrivateMounts::read_only(const std::string& dir) {
  if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) fail("mount --bind " + dir);
  mounted_.push_back(dir);
  if (::mount(nullptr, dir.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
    fail("mount -o remount,bind,ro " + dir);
  }
}

void PrivateMounts::unmount(const std::string& dir) {
  const auto it = std::find(mounted_.rbegin(), mounted_.rend(), dir);
  if (it == mounted_.rend()) throw std::logic_error("not mounted here: " + dir);
  if (::umount2(dir.c_str(), MNT_DETACH) != 0) fail("umount " + dir);
  mounted_.erase(std::next(it).base());
}

std::size_t fill_file_system(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("open " + path);
  const std::string chunk(64 * 1024, 'x');
  std::size_t written = 0;
  for (;;) {
    const ssize_t n = ::write(fd, chunk.data(), chunk.size());
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    const int error = errno;
    ::close(fd);
    if (n < 0 && error == ENOSPC) return written;
    errno = error;
    fail("write " + path);
  }
}

}  // namespace openclaw::testing
