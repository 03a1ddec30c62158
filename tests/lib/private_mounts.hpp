#pragma once

// Real file-system faults for tests: a full disk (a tmpfs of a given size, filled) and a read-only one (a read-only
// bind mount), in a private mount namespace so that nothing mounted here is seen outside the test.
#include <string>
#include <vector>

namespace openclaw::testing {

class PrivateMounts {
 public:
  // "" when this process may do it (root: CAP_SYS_ADMIN), else why not (for GTEST_SKIP).
  static std::string unavailable_reason();

  // Moves the calling thread into a new mount namespace with every mount private. Call it before starting the
  // threads that must see the mounts (threads started later inherit the thread's namespace; earlier ones do not).
  PrivateMounts();
  ~PrivateMounts();  // unmounts what it mounted, newest first (lazily: an fd still open there does not stop it)
  PrivateMounts(const PrivateMounts&) = delete;
  PrivateMounts& operator=(const PrivateMounts&) = delete;
  PrivateMounts(PrivateMounts&&) = delete;
  PrivateMounts& operator=(PrivateMounts&&) = delete;

  // A tmpfs of `bytes` on `dir` (created when missing).
  void tmpfs(const std::string& dir, std::size_t bytes);
  // `dir` made read-only where it is (a read-only bind mount on itself): opening anything below it for writing
  // fails with EROFS; fds opened before stay as they were.
  void read_only(const std::string& dir);
  // Unmounts the newest mount on `dir`.
  void unmount(const std::string& dir);

 private:
  std::vector<std::string> mounted_;
};

// Writes `path` until the file system is full (ENOSPC); returns the bytes written. Throws on any other error.
std::size_t fill_file_system(const std::string& path);

}  // namespace openclaw::testing
