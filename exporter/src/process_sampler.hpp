#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proc_parsers.hpp"
#include "result.hpp"

namespace openclaw::exporter {

// What the exporter reports about one gateway's main process and its descendants.
struct ProcessSample {
  int pid = 0;
  double start_time_seconds = 0;           // unix seconds, from starttime in /proc/PID/stat + btime
  std::uint64_t start_ticks = 0;           // that starttime itself: with the PID, the process's identity
  std::uint64_t resident_bytes = 0;        // RSS of the main process plus all descendants
  double cpu_seconds = 0;                  // user+system of the main process plus all descendants, including
                                           // reaped ones (cutime/cstime), so it does not drop when a child exits
  std::uint64_t open_fds = 0;              // entries of /proc/PID/fd
  std::vector<int> fd_numbers;             // those entries, so that socket counting need not list them again
  std::optional<std::uint64_t> max_fds;    // soft RLIMIT_NOFILE; nullopt = unlimited
  std::uint64_t threads = 0;               // of the main process
  std::uint64_t descendants = 0;           // number of descendant processes found
  std::vector<int> descendant_pids;        // those processes, so that the memory source need not walk the tree again
  std::optional<std::uint64_t> cgroup_memory_limit_bytes;  // tightest limit on the main process's memory cgroup
                                                           // (v2 memory.max or v1 memory.limit_in_bytes, walking
                                                           // up to the root); nullopt = no limit set
  std::optional<ProcCgroups> cgroups;  // the main process's /proc/PID/cgroup, read once per scrape for the memory
                                       // source too; nullopt on a kernel without cgroups
};

struct HostMemory {
  std::uint64_t total_bytes = 0;
  std::uint64_t available_bytes = 0;
};

// Boot time (btime of /proc/stat, unix seconds), read once: it is a constant of the running kernel, and every
// process start time is reckoned from it. Thread-safe; a failed read is retried next time.
class BootTime {
 public:
  explicit BootTime(std::string proc_root) : proc_root_(std::move(proc_root)) {}
  Result<std::uint64_t> get() const;

 private:
  std::string proc_root_;
  mutable std::atomic<std::uint64_t> seconds_{0};  // 0 = not read yet
};

// Reads a process tree and the host from a procfs root (default /proc) and a cgroup root (default /sys/fs/cgroup),
// both injectable so that tests run on fixture trees. Every failure (process gone mid-read, EACCES) is a Result
// failure with a reason, never an exception.
class ProcessSampler {
 public:
  explicit ProcessSampler(std::string proc_root = "/proc", std::string cgroup_root = "/sys/fs/cgroup");

  Result<ProcessSample> sample(int pid) const;
  Result<HostMemory> host_memory() const;

 private:
  std::string proc_root_;
  std::string cgroup_root_;
  BootTime boot_time_;
};

}  // namespace openclaw::exporter
