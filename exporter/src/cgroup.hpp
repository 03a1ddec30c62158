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

}  // namespace openclaw::exporter
