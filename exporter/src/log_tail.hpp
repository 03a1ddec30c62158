#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "result.hpp"
#include "unique_fd.hpp"

namespace openclaw::exporter {

// The file the gateway writes on `date` (YYYY-MM-DD, its local date): openclaw-<date>.log, or
// openclaw-<profile>-<date>.log for a named profile.
std::string gateway_log_file_name(std::string_view profile, std::string_view date);

// Follows the gateway's daily log like `tail -F`, one poll() at a time, and hands each complete line to a callback.
// It owns no thread and no clock: the caller says which date it is, so tests drive it step by step on real files.
//
// - Starts at the END of the file found at the first poll (history before the exporter started is not counted:
//   replaying a day of old memory-pressure lines would fire alerts for the past). A file that appears later, the next
//   day's file and a rotated-in file are read from their start.
// - A new date: the old file is read to its end, then the new day's file is followed.
// - Rotation (the gateway renames the file to .1 and starts a new one): noticed by the path naming another inode;
//   the old file is read to its end through the open descriptor first, so no line is lost.
// - Truncation (size below what was read): reading restarts at 0.
// - A missing file, or a missing directory: waiting, not an error (the gateway has not logged yet today, or ever:
//   it creates the directory when it first writes). A directory or file that cannot be read (EACCES, ENOTDIR) is.
//   A missing directory is a failure: nothing can be seen, which must not read as "no events".
// - A partial last line is kept until its newline arrives; a line longer than max_line_bytes is dropped (counted).
// Memory: one read buffer plus at most max_line_bytes of pending line.
class LogTail {
 public:
  struct Options {
    std::string dir;
    std::string profile;  // empty: the default profile
    std::size_t max_line_bytes = std::size_t{1} << 20;
  };
  struct Callbacks {
    std::function<void(std::string_view line)> line;  // without its newline
    std::function<void()> oversized_line;             // a line dropped for being longer than max_line_bytes
  };

  LogTail(Options options, Callbacks callbacks);

  // Reads whatever is new. A failure (EACCES, ENOTDIR, a missing directory, a read error) names the path and errno;
  // the next poll tries again from where it was.
  Status poll(std::string_view date);

  // True while a file is open (followed); false while waiting for one to appear.
  bool following() const { return fd_.valid(); }
  // The file being followed (empty before one was opened), for logs and tests.
  const std::string& current_path() const { return path_; }

 private:
  Status open_file(const std::string& path, bool from_end);
  Status read_to_end();
  void finish_file();
  void take(std::string_view bytes);
  void drop_pending();

  Options options_;
  Callbacks callbacks_;
  bool first_poll_ = true;
  std::string date_;
  std::string path_;
  UniqueFd fd_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  off_t offset_ = 0;
  std::string pending_;    // the start of a line whose newline has not arrived yet
  bool skipping_ = false;  // inside a line that is being dropped, until its newline
};

}  // namespace openclaw::exporter
