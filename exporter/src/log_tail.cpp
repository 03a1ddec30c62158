#include "log_tail.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "proc_io.hpp"

namespace openclaw::exporter {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

Status failure(const std::string& what, const std::string& path, int error) {
  return Status::failure(what + " " + path + ": " + errno_text(error));
}

}  // namespace

std::string gateway_log_file_name(std::string_view profile, std::string_view date) {
  std::string name = "openclaw-";
  if (!profile.empty()) name.append(profile).append("-");
  return name.append(date).append(".log");
}

LogTail::LogTail(Options options, Callbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {}

Status LogTail::poll(std::string_view date) {
  if (date != date_) {
    if (fd_.valid()) finish_file();  // the end of yesterday's file, then today's from its start
    date_ = std::string(date);
  }
  const std::string path = options_.dir + "/" + gateway_log_file_name(options_.profile, date_);
  struct stat file {};
  if (::stat(path.c_str(), &file) != 0) {
    const int error = errno;
    if (error != ENOENT) return failure("cannot open", path, error);
    struct stat dir {};
    if (::stat(options_.dir.c_str(), &dir) != 0) {
      // No directory yet: the gateway creates it when it first writes (a fresh install). Waiting, like a missing file.
      if (errno != ENOENT) return failure("cannot open log directory", options_.dir, errno);
    } else if (!S_ISDIR(dir.st_mode)) {
      return failure("cannot open log directory", options_.dir, ENOTDIR);
    }
    first_poll_ = false;
    // Rotated away and the new file not created yet: what is left of the old one still counts.
    return fd_.valid() ? read_to_end() : Status(Ok{});
  }
  if (fd_.valid() && (file.st_dev != device_ || file.st_ino != inode_)) finish_file();  // rotated
  if (!fd_.valid()) {
    if (Status opened = open_file(path, first_poll_); !opened) return opened;
  }
  first_poll_ = false;
  return read_to_end();
}

Status LogTail::open_file(const std::string& path, bool from_end) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return failure("cannot open", path, errno);
  struct stat file {};
  if (::fstat(fd.get(), &file) != 0) return failure("cannot stat", path, errno);
  if (!S_ISREG(file.st_mode)) return failure("cannot follow", path, EISDIR);
  offset_ = 0;
  skipping_ = false;
  if (from_end && file.st_size > 0) {
    offset_ = file.st_size;
    // Starting inside a line (the gateway is writing it): skip to its end rather than count half a line as garbage.
    char last = '\n';
    if (::pread(fd.get(), &last, 1, file.st_size - 1) == 1 && last != '\n') skipping_ = true;
  }
  fd_ = std::move(fd);
  path_ = path;
  device_ = file.st_dev;
  inode_ = file.st_ino;
  pending_.clear();
  return Ok{};
}

Status LogTail::read_to_end() {
  struct stat file {};
  if (::fstat(fd_.get(), &file) != 0) return failure("cannot stat", path_, errno);
  if (file.st_size < offset_) {  // truncated in place: what is there now is new
    offset_ = 0;
    pending_.clear();
    skipping_ = false;
  }
  std::string chunk(kReadChunk, '\0');
  for (;;) {
    const ssize_t got = ::pread(fd_.get(), chunk.data(), chunk.size(), offset_);
    if (got < 0) {
      if (errno == EINTR) continue;
      return failure("cannot read", path_, errno);
    }
    if (got == 0) return Ok{};
    offset_ += got;
    take(std::string_view(chunk.data(), static_cast<std::size_t>(got)));
  }
}

void LogTail::finish_file() {
  (void)read_to_end();  // best effort: the file is being left either way
  // The gateway writes whole lines, so text without a newline at the end of a finished file is all there will be.
  if (!pending_.empty() && !skipping_) callbacks_.line(pending_);
  fd_.reset();
  path_.clear();
  offset_ = 0;
  pending_.clear();
  skipping_ = false;
}

void LogTail::take(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    bytes.remove_prefix(newline == std::string_view::npos ? bytes.size() : newline + 1);
    const bool complete = newline != std::string_view::npos;
    if (skipping_) {
      skipping_ = !complete;
      continue;
    }
    if (pending_.size() + piece.size() > options_.max_line_bytes) {
      drop_pending();
      skipping_ = !complete;
      continue;
    }
    if (!complete) {
      pending_.append(piece);
      continue;
    }
    if (pending_.empty()) {
      if (!piece.empty()) callbacks_.line(piece);
    } else {
      pending_.append(piece);
      callbacks_.line(pending_);
      pending_.clear();
    }
  }
}

void LogTail::drop_pending() {
  pending_.clear();
  pending_.shrink_to_fit();  // a 1 MiB line should not keep 1 MiB allocated for good
  if (callbacks_.oversized_line) callbacks_.oversized_line();
}

}  // namespace openclaw::exporter
