#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node_args.hpp"
#include "proc_parsers.hpp"
#include "result.hpp"

namespace openclaw::exporter {

// Memory of a gateway's process tree as the kernel counts it, and its V8 heap limit.
struct TreeMemory {
  std::uint64_t pss_bytes = 0;  // Pss of the main process plus every descendant still alive
  struct Children {
    std::uint64_t processes = 0;
    std::uint64_t pss_bytes = 0;
  };
  std::map<ChildKind, Children> children;  // every kind present, 0 when none
};

// Reads /proc/PID/smaps_rollup, /proc/PID/cmdline and /proc/PID/environ under a procfs root and the cgroup files
// under a cgroup root (both injectable for fixture trees). Failures are values, never exceptions.
class MemorySampler {
 public:
  explicit MemorySampler(std::string proc_root = "/proc", std::string cgroup_root = "/sys/fs/cgroup");

  // Pss of `pid` and `descendants` (found by the process sampler a moment before), and the descendants by kind.
  // The main process's smaps_rollup must be readable: gone or EACCES is a failure (the tree's memory is then
  // unknown, not zero). A descendant that exited since it was found (no file, or an empty one: a zombie holds no
  // memory) is skipped; one that cannot be read for another reason (EACCES: it changed user) is a failure too.
  Result<TreeMemory> tree_memory(int pid, const std::vector<int>& descendants) const;

  // The cgroup working set of `pid`'s own cgroup (see cgroup_memory_working_set); nullopt when it has none.
  Result<std::optional<std::uint64_t>> cgroup_memory_bytes(int pid) const;
  // The same for a process whose /proc/PID/cgroup was read already (ProcessSample::cgroups): reads no /proc file.
  Result<std::optional<std::uint64_t>> cgroup_memory_bytes(const ProcCgroups& groups) const;

  // --max-old-space-size of `pid` in bytes, from its command line and its NODE_OPTIONS (/proc/PID/environ); nullopt
  // when neither sets it or when it cannot be known. A flag on the command line decides alone (Node lets the
  // command line override NODE_OPTIONS); without one, an environ that cannot be read (it needs the rights to
  // ptrace-read the process, like smaps_rollup) is a failure: the limit is unknown, not unset.
  //
  // The command line is /proc/PID/cmdline, unless the process has overwritten it with a title: Node's
  // process.title (the gateway's `openclaw-gateway`) writes the title over argv and pads it with NULs, so
  // --max-old-space-size before the script is gone, and NODE_OPTIONS alone could be overridden by it. Then the
  // limit is nullopt, unless `started_with` holds the command line the process was started with (a systemd unit's
  // ExecStart for its MainPID), which is used instead.
  Result<std::optional<std::uint64_t>> heap_limit_bytes(int pid, const std::vector<std::string>& started_with = {}) const;

 private:
  std::string proc_root_;
  std::string cgroup_root_;
};

}  // namespace openclaw::exporter
