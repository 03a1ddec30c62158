#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "proc_parsers.hpp"
#include "result.hpp"

namespace openclaw::exporter {

// The tightest memory limit that applies to a process in `groups`: the smallest limit from its cgroup up to the
// root, because a parent's limit caps every cgroup below it. Looks for cgroup v2 memory.max under `cgroup_root`
// (pure v2, as on production Debian 12) and under `cgroup_root`/unified (a v1/v2 hybrid); when no memory.max exists
// anywhere on that path, looks for v1 memory.limit_in_bytes under `cgroup_root`/memory. nullopt = no limit found.
// A file that exists but cannot be read or parsed is a failure; a missing file is a level without a limit.
Result<std::optional<std::uint64_t>> cgroup_memory_limit(const ProcCgroups& groups, const std::string& cgroup_root);

// The memory the kernel charges to the process's own cgroup (the unit's, for a systemd unit), less the inactive
// file cache in it: v2 memory.current minus memory.stat inactive_file (under `cgroup_root`, or `cgroup_root`/unified
// on a hybrid whose unified hierarchy has the memory controller), else v1 memory.usage_in_bytes minus memory.stat
// total_inactive_file (under `cgroup_root`/memory). The kernel compares the whole charge with the limit, but first
// reclaims inactive file pages when it reaches it: they are cache, not what pushes a cgroup into its OOM killer.
// This is the "working set" of cAdvisor and the kubelet. nullopt when the process's cgroup has no memory
// accounting (the root cgroup, no memory controller); a file that exists but cannot be read or parsed is a failure.
Result<std::optional<std::uint64_t>> cgroup_memory_working_set(const ProcCgroups& groups, const std::string& cgroup_root);

}  // namespace openclaw::exporter
