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

}  // namespace

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
