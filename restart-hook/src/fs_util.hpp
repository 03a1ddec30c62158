#pragma once

#include <string>

#include "result.hpp"

namespace openclaw::hook {

// Replaces `path` with `contents` so that a crash at any moment leaves either the old or the new file:
// write a temporary file beside it, fsync it, rename it over `path`, fsync the directory.
Status write_file_atomically(const std::string& path, const std::string& contents);

// Creates the directory (and parents) with mode 0700 when missing.
Status ensure_directory(const std::string& path);

// An fd that closes itself.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.release();
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace openclaw::hook
