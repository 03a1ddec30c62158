#include "process_sampler.hpp"

#include <unistd.h>

#include <cerrno>
#include <unordered_map>
#include <unordered_set>

#include "cgroup.hpp"
#include "proc_io.hpp"
#include "proc_parsers.hpp"

namespace openclaw::exporter {
namespace {

std::uint64_t clock_ticks_per_second() {
  static const auto ticks = static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK));
  return ticks;
}

std::uint64_t page_size_bytes() {
  static const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

// Why a file could not be read. For a file of the sampled process itself, ENOENT/ESRCH means the process exited.
std::string unreadable(const std::string& path, int error, int owner_pid) {
  if (owner_pid > 0 && (error == ENOENT || error == ESRCH)) return "process " + std::to_string(owner_pid) + " gone";
  return "cannot read " + path + ": " + errno_text(error);
}

template <typename Parse>
auto read_parsed(const std::string& path, Parse parse, int owner_pid = 0) -> decltype(parse(std::string_view{})) {
  using R = decltype(parse(std::string_view{}));
  const auto file = read_file(path);
  if (file.error != 0) return R::failure(unreadable(path, file.error, owner_pid));
  auto parsed = parse(file.text);
  if (!parsed.ok()) return R::failure(path + ": " + parsed.error());
  return parsed;
}

std::optional<ProcStat> read_stat_if_alive(const std::string& proc_root, int pid) {
  auto stat = read_parsed(pid_dir(proc_root, pid) + "/stat", parse_proc_stat);
  if (!stat.ok()) return std::nullopt;
  return std::move(stat).value();
}

// Children of every thread of `pid` (a child is listed under the thread that forked it).
std::vector<int> children_of(const std::string& proc_root, int pid) {
  std::vector<int> children;
  const std::string task_dir = pid_dir(proc_root, pid) + "/task/";
  for (const int tid : list_numeric_entries(task_dir).numbers) {
    const auto file = read_file(task_dir + std::to_string(tid) + "/children");
    if (file.error != 0) continue;  // the thread or process exited meanwhile
    const auto pids = parse_task_children(file.text);
    if (pids.ok()) children.insert(children.end(), pids->begin(), pids->end());
  }
  return children;
}

std::vector<ProcStat> descendants_via_children_files(const std::string& proc_root, int pid) {
  std::vector<ProcStat> found;
  std::unordered_set<int> seen{pid};
  std::vector<int> pending{pid};
  while (!pending.empty()) {
    const int parent = pending.back();
    pending.pop_back();
    for (const int child : children_of(proc_root, parent)) {
      if (!seen.insert(child).second) continue;
      if (auto stat = read_stat_if_alive(proc_root, child)) {
        found.push_back(std::move(*stat));
        pending.push_back(child);
      }
    }
  }
  return found;
}

// Kernels without CONFIG_PROC_CHILDREN (this project's CI machine is one) have no children files: read every
// process's ppid once, then walk down from `pid`.
Result<std::vector<ProcStat>> descendants_via_ppid_scan(const std::string& proc_root, int pid) {
  const auto pids = list_numeric_entries(proc_root);
  if (pids.error != 0) {
    return Result<std::vector<ProcStat>>::failure("cannot list " + proc_root + ": " + errno_text(pids.error));
  }
  std::unordered_map<int, std::vector<ProcStat>> by_parent;
  for (const int other : pids.numbers) {
    if (other == pid) continue;
    if (auto stat = read_stat_if_alive(proc_root, other)) by_parent[stat->ppid].push_back(std::move(*stat));
  }
  std::vector<ProcStat> found;
  std::vector<int> pending{pid};
  std::unordered_set<int> seen{pid};
  while (!pending.empty()) {
    const int parent = pending.back();
    pending.pop_back();
    for (auto& child : by_parent[parent]) {
      if (!seen.insert(child.pid).second) continue;
      pending.push_back(child.pid);
      found.push_back(std::move(child));
    }
  }
  return found;
}

Result<std::vector<ProcStat>> descendants_of(const std::string& proc_root, int pid) {
  const std::string probe = pid_dir(proc_root, pid) + "/task/" + std::to_string(pid) + "/children";
  if (::access(probe.c_str(), F_OK) == 0) return descendants_via_children_files(proc_root, pid);
  return descendants_via_ppid_scan(proc_root, pid);
}

// Includes cutime/cstime (children already reaped) so that the tree's CPU time keeps growing when a child exits and
// its parent waits for it, instead of dropping and looking like a counter reset.
std::uint64_t cpu_ticks(const ProcStat& stat) {
  return stat.utime_ticks + stat.stime_ticks + stat.cutime_ticks + stat.cstime_ticks;
}

// nullopt: a kernel without cgroups, which has no /proc/PID/cgroup.
Result<std::optional<ProcCgroups>> cgroups_of(const std::string& proc_root, int pid) {
  using R = Result<std::optional<ProcCgroups>>;
  const std::string path = pid_dir(proc_root, pid) + "/cgroup";
  const auto file = read_file(path);
  if (file.error == ENOENT && ::access(pid_dir(proc_root, pid).c_str(), F_OK) == 0) return std::optional<ProcCgroups>{};
  if (file.error != 0) return R::failure(unreadable(path, file.error, pid));
  auto groups = parse_proc_cgroup(file.text);
  if (!groups.ok()) return R::failure(path + ": " + groups.error());
  return std::optional<ProcCgroups>(std::move(groups).value());
}

}  // namespace

Result<std::uint64_t> BootTime::get() const {
  if (const std::uint64_t known = seconds_.load(std::memory_order_relaxed); known != 0) return known;
  const auto boot_time = read_parsed(proc_root_ + "/stat", parse_boot_time);
  if (boot_time.ok()) seconds_.store(*boot_time, std::memory_order_relaxed);
  return boot_time;
}

ProcessSampler::ProcessSampler(std::string proc_root, std::string cgroup_root)
    : proc_root_(std::move(proc_root)), cgroup_root_(std::move(cgroup_root)), boot_time_(proc_root_) {}

Result<ProcessSample> ProcessSampler::sample(int pid) const {
  using R = Result<ProcessSample>;
  const std::string dir = pid_dir(proc_root_, pid);
  const auto main = read_parsed(dir + "/stat", parse_proc_stat, pid);
  if (!main.ok()) return R::failure(main.error());
  const auto boot_time = boot_time_.get();
  if (!boot_time.ok()) return R::failure(boot_time.error());
  const auto max_fds = read_parsed(dir + "/limits", parse_max_open_files, pid);
  if (!max_fds.ok()) return R::failure(max_fds.error());
  const auto fds = list_numeric_entries(dir + "/fd");
  if (fds.error != 0) return R::failure(unreadable(dir + "/fd", fds.error, pid));
  const auto tree = descendants_of(proc_root_, pid);
  if (!tree.ok()) return R::failure(tree.error());
  auto cgroups = cgroups_of(proc_root_, pid);
  if (!cgroups.ok()) return R::failure(cgroups.error());
  std::optional<std::uint64_t> memory_limit;  // no cgroups: no limit can apply
  if (*cgroups) {
    const auto limit = cgroup_memory_limit(**cgroups, cgroup_root_);
    if (!limit.ok()) return R::failure(limit.error());
    memory_limit = *limit;
  }

  // RSS from stat's rss field rather than status's VmRSS: both print the same counter (get_mm_rss), and stat is
  // read anyway for ppid and CPU, so each descendant costs one file read instead of two.
  std::uint64_t rss_pages = main->rss_pages;
  std::uint64_t ticks = cpu_ticks(*main);
  ProcessSample sample;
  for (const auto& child : *tree) {
    rss_pages += child.rss_pages;
    ticks += cpu_ticks(child);
    sample.descendant_pids.push_back(child.pid);
  }
  sample.pid = pid;
  sample.start_ticks = main->starttime_ticks;
  sample.start_time_seconds = static_cast<double>(*boot_time) + static_cast<double>(main->starttime_ticks) /
                                                                    static_cast<double>(clock_ticks_per_second());
  sample.resident_bytes = rss_pages * page_size_bytes();
  sample.cpu_seconds = static_cast<double>(ticks) / static_cast<double>(clock_ticks_per_second());
  sample.open_fds = fds.numbers.size();
  sample.fd_numbers = fds.numbers;
  sample.max_fds = *max_fds;
  sample.threads = main->num_threads;
  sample.descendants = tree->size();
  sample.cgroup_memory_limit_bytes = memory_limit;
  sample.cgroups = std::move(cgroups).value();
  return sample;
}

Result<HostMemory> ProcessSampler::host_memory() const {
  const auto info = read_parsed(proc_root_ + "/meminfo", parse_meminfo);
  if (!info.ok()) return Result<HostMemory>::failure(info.error());
  return HostMemory{info->total_bytes, info->available_bytes};
}

}  // namespace openclaw::exporter
