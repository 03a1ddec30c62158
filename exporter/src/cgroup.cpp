#include "cgroup.hpp"

#include <cerrno>
#include <string_view>

#include "proc_io.hpp"

namespace openclaw::exporter {
namespace {

using Limit = std::optional<std::uint64_t>;
using LimitParser = Result<Limit> (*)(std::string_view);

struct WalkResult {
  bool found_any_file = false;
  Limit tightest;
};

// Reads `file_name` in `hierarchy_root` + `path` and each parent directory up to `hierarchy_root` itself.
Result<WalkResult> walk_up(const std::string& hierarchy_root, std::string path, const char* file_name,
                           LimitParser parse) {
  WalkResult walk;
  for (;;) {
    while (!path.empty() && path.back() == '/') path.pop_back();
    const std::string file = hierarchy_root + path + "/" + file_name;
    const auto read = read_file(file);
    if (read.error == 0) {
      const auto limit = parse(read.text);
      if (!limit.ok()) return Result<WalkResult>::failure(file + ": " + limit.error());
      walk.found_any_file = true;
      if (*limit && (!walk.tightest || **limit < *walk.tightest)) walk.tightest = *limit;
    } else if (read.error != ENOENT && read.error != ENOTDIR) {
      return Result<WalkResult>::failure("cannot read " + file + ": " + errno_text(read.error));
    }
    if (path.empty()) return walk;
    const auto slash = path.rfind('/');
    path.erase(slash == std::string::npos ? 0 : slash);
  }
}

using Usage = std::optional<std::uint64_t>;

// `usage_file` minus the `inactive_key` line of memory.stat, both in `dir`. nullopt when `usage_file` does not exist.
Result<Usage> usage_less_inactive_file(const std::string& dir, const char* usage_file, std::string_view inactive_key) {
  const std::string usage_path = dir + "/" + usage_file;
  const auto usage = read_file(usage_path);
  if (usage.error == ENOENT || usage.error == ENOTDIR) return Usage{};
  if (usage.error != 0) return Result<Usage>::failure("cannot read " + usage_path + ": " + errno_text(usage.error));
  const auto bytes = parse_cgroup_bytes(usage.text);
  if (!bytes.ok()) return Result<Usage>::failure(usage_path + ": " + bytes.error());
  const std::string stat_path = dir + "/memory.stat";
  const auto stat = read_file(stat_path);
  if (stat.error != 0) return Result<Usage>::failure("cannot read " + stat_path + ": " + errno_text(stat.error));
  const auto inactive = parse_cgroup_memory_stat(stat.text, inactive_key);
  if (!inactive.ok()) return Result<Usage>::failure(stat_path + ": " + inactive.error());
  // The two files are read one after the other while the counters move: never below zero.
  return Usage{*bytes > *inactive ? *bytes - *inactive : 0};
}

std::string without_trailing_slash(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

Result<std::optional<std::uint64_t>> cgroup_memory_working_set(const ProcCgroups& groups,
                                                               const std::string& cgroup_root) {
  if (groups.v2_path) {
    const std::string path = without_trailing_slash(*groups.v2_path);
    for (const auto& hierarchy : {cgroup_root, cgroup_root + "/unified"}) {
      auto usage = usage_less_inactive_file(hierarchy + path, "memory.current", "inactive_file");
      if (!usage.ok() || *usage) return usage;
    }
  }
  if (const auto v1_path = groups.v1_path("memory")) {
    // total_inactive_file covers the cgroup and its children, like usage_in_bytes (use_hierarchy is 1 on every
    // kernel since 5.x); inactive_file would be the cgroup's own pages only.
    return usage_less_inactive_file(cgroup_root + "/memory" + without_trailing_slash(*v1_path),
                                    "memory.usage_in_bytes", "total_inactive_file");
  }
  return Usage{};
}

Result<std::optional<std::uint64_t>> cgroup_memory_limit(const ProcCgroups& groups, const std::string& cgroup_root) {
  using R = Result<Limit>;
  if (groups.v2_path) {
    for (const auto& hierarchy : {cgroup_root, cgroup_root + "/unified"}) {
      const auto walk = walk_up(hierarchy, *groups.v2_path, "memory.max", parse_cgroup_v2_memory_max);
      if (!walk.ok()) return R::failure(walk.error());
      if (walk->found_any_file) return walk->tightest;
    }
  }
  if (const auto v1_path = groups.v1_path("memory")) {
    const auto walk = walk_up(cgroup_root + "/memory", *v1_path, "memory.limit_in_bytes", parse_cgroup_v1_memory_limit);
    if (!walk.ok()) return R::failure(walk.error());
    if (walk->found_any_file) return walk->tightest;
  }
  return Limit{};
}

}  // namespace openclaw::exporter
