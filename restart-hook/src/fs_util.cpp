#include "fs_util.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace openclaw::hook {
namespace {

Status errno_failure(const std::string& what) {
  return Status::failure(fmt::format("{}: {}", what, std::strerror(errno)));
}

bool write_all(int fd, const std::string& data) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Status write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return errno_failure("open " + tmp);
  if (!write_all(fd.get(), contents)) return errno_failure("write " + tmp);
  if (::fsync(fd.get()) != 0) return errno_failure("fsync " + tmp);
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) return errno_failure("rename " + tmp);
  // The rename is durable only once the directory entry is on disk.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  UniqueFd dir_fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return errno_failure("open " + dir);
  if (::fsync(dir_fd.get()) != 0) return errno_failure("fsync " + dir);
  return Ok{};
}

Status ensure_directory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::failure(fmt::format("create directory {}: {}", path, ec.message()));
  if (::chmod(path.c_str(), 0700) != 0) return errno_failure("chmod " + path);
  return Ok{};
}

}  // namespace openclaw::hook
