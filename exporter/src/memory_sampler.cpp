#include "memory_sampler.hpp"

#include <cerrno>

#include "cgroup.hpp"
#include "proc_io.hpp"
#include "proc_parsers.hpp"

namespace openclaw::exporter {
namespace {

bool exited(int error) { return error == ENOENT || error == ESRCH; }

}  // namespace

MemorySampler::MemorySampler(std::string proc_root, std::string cgroup_root)
    : proc_root_(std::move(proc_root)), cgroup_root_(std::move(cgroup_root)) {}

Result<TreeMemory> MemorySampler::tree_memory(int pid, const std::vector<int>& descendants) const {
  using R = Result<TreeMemory>;
  TreeMemory tree;
  for (const ChildKind kind : kAllChildKinds) tree.children[kind] = {};

  // Nullopt: the process exited meanwhile.
  const auto pss_of = [&](int process) -> Result<std::optional<std::uint64_t>> {
    using P = Result<std::optional<std::uint64_t>>;
    const std::string path = pid_dir(proc_root_, process) + "/smaps_rollup";
    const auto file = read_file(path);
    if (exited(file.error) || (file.error == 0 && file.text.empty())) return std::optional<std::uint64_t>{};
    if (file.error != 0) return P::failure("cannot read " + path + ": " + errno_text(file.error));
    const auto rollup = parse_smaps_rollup(file.text);
    if (!rollup.ok()) return P::failure(path + ": " + rollup.error());
    return std::optional<std::uint64_t>{rollup->pss_bytes};
  };

  const auto main_pss = pss_of(pid);
  if (!main_pss.ok()) return R::failure(main_pss.error());
  if (!*main_pss) return R::failure("process " + std::to_string(pid) + " gone");
  tree.pss_bytes = **main_pss;

  for (const int child : descendants) {
    const auto pss = pss_of(child);
    if (!pss.ok()) return R::failure(pss.error());
    if (!*pss) continue;
    // cmdline is world-readable; gone now means it exited after its smaps_rollup was read: still counted, as other.
    const auto cmdline = read_file(pid_dir(proc_root_, child) + "/cmdline");
    const ChildKind kind = classify_child(split_cmdline(cmdline.text));
    auto& children = tree.children[kind];
    ++children.processes;
    children.pss_bytes += **pss;
    tree.pss_bytes += **pss;
  }
  return tree;
}

Result<std::optional<std::uint64_t>> MemorySampler::cgroup_memory_bytes(int pid) const {
  using R = Result<std::optional<std::uint64_t>>;
  const std::string path = pid_dir(proc_root_, pid) + "/cgroup";
  const auto file = read_file(path);
  if (exited(file.error)) return R::failure("process " + std::to_string(pid) + " gone");
  if (file.error != 0) return R::failure("cannot read " + path + ": " + errno_text(file.error));
  const auto groups = parse_proc_cgroup(file.text);
  if (!groups.ok()) return R::failure(path + ": " + groups.error());
  return cgroup_memory_bytes(*groups);
}

Result<std::optional<std::uint64_t>> MemorySampler::cgroup_memory_bytes(const ProcCgroups& groups) const {
  return cgroup_memory_working_set(groups, cgroup_root_);
}

Result<std::optional<std::uint64_t>> MemorySampler::heap_limit_bytes(int pid,
                                                                    const std::vector<std::string>& started_with) const {
  using R = Result<std::optional<std::uint64_t>>;
  constexpr std::uint64_t kMiB = 1024 * 1024;
  const std::string cmdline_path = pid_dir(proc_root_, pid) + "/cmdline";
  const auto cmdline = read_file(cmdline_path);
  if (exited(cmdline.error)) return R::failure("process " + std::to_string(pid) + " gone");
  if (cmdline.error != 0) return R::failure("cannot read " + cmdline_path + ": " + errno_text(cmdline.error));
  std::vector<std::string_view> argv;
  if (!started_with.empty()) {
    argv.assign(started_with.begin(), started_with.end());
  } else if (cmdline_is_retitled(cmdline.text)) {
    return std::optional<std::uint64_t>{};  // the command line is gone: unknown, so absent
  } else {
    argv = split_cmdline(cmdline.text);
  }
  const auto in_bytes = [](std::optional<std::uint64_t> mib) {
    return mib ? std::optional<std::uint64_t>{*mib * kMiB} : std::nullopt;
  };
  if (const auto mib = max_old_space_size_mib(argv, std::nullopt)) return in_bytes(mib);
  const std::string environ_path = pid_dir(proc_root_, pid) + "/environ";
  const auto environ = read_file(environ_path);
  if (exited(environ.error)) return R::failure("process " + std::to_string(pid) + " gone");
  if (environ.error != 0) return R::failure("cannot read " + environ_path + ": " + errno_text(environ.error));
  return in_bytes(max_old_space_size_mib(argv, environ_value(environ.text, "NODE_OPTIONS")));
}

}  // namespace openclaw::exporter
