#pragma once

// The small amount of raw I/O the procfs/cgroupfs/socket samplers share: RAII owners for fds and DIR*, whole-file
// reads and directory listings that report errno as a value (callers tell "process gone" from "not permitted").

#include <dirent.h>

#include <memory>
#include <string>
#include <vector>

#include "unique_fd.hpp"

namespace openclaw::exporter {

struct DirCloser {
  void operator()(DIR* dir) const noexcept;
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

// "<proc_root>/<pid>": a process's directory under a procfs root.
std::string pid_dir(const std::string& proc_root, int pid);

// "ENOENT (No such file or directory)".
std::string errno_text(int error);

struct FileText {
  std::string text;
  int error = 0;  // errno of the failed open/read; 0 on success
};
// Reads a whole small file (procfs and cgroupfs files report size 0, so this reads until EOF).
FileText read_file(const std::string& path);

struct NumericEntries {
  std::vector<int> numbers;  // entries whose whole name is a non-negative decimal number, in directory order
  int error = 0;             // errno of opendir/readdir; 0 on success
};
// Lists a directory's numeric entries: pids under /proc, tids under task/, fd numbers under fd/.
NumericEntries list_numeric_entries(const std::string& path);

}  // namespace openclaw::exporter
