#include "process_finder.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string_view>
#include <unordered_set>

#include "proc_io.hpp"
#include "proc_parsers.hpp"

namespace openclaw::exporter {
namespace {

std::optional<std::pair<dev_t, ino_t>> binary_of(const std::string& exe_link) {
  struct stat info {};
  if (::stat(exe_link.c_str(), &info) != 0) return std::nullopt;
  return std::pair{info.st_dev, info.st_ino};
}

bool environ_has(std::string_view environ, std::string_view entry_prefix) {
  std::size_t start = 0;
  while (start < environ.size()) {
    const std::size_t end = std::min(environ.find('\0', start), environ.size());
    if (environ.substr(start, end - start).starts_with(entry_prefix)) return true;
    start = end + 1;
  }
  return false;
}

// Seconds since the epoch at which a process with this starttime started.
double start_seconds(std::uint64_t boot_time, std::uint64_t start_ticks) {
  static const auto ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return static_cast<double>(boot_time) + static_cast<double>(start_ticks) / ticks_per_second;
}

}  // namespace

std::regex compile_cmdline_regex(const std::string& pattern) {
  return std::regex(pattern, std::regex::ECMAScript | std::regex_constants::__polynomial);
}

bool cmdline_matches(std::string_view raw, const std::regex& pattern) {
  const bool cut = raw.size() > kMaxCmdlineMatchBytes;
  const std::string text = join_cmdline(raw.substr(0, kMaxCmdlineMatchBytes));
  return std::regex_search(text, pattern,
                           cut ? std::regex_constants::match_not_eol : std::regex_constants::match_default);
}

std::optional<ProcessIdentity> choose_gateway_process(const std::vector<Candidate>& matches) {
  std::unordered_set<int> matched;
  for (const auto& c : matches) {
    if (!c.is_exporter) matched.insert(c.identity.pid);
  }
  const Candidate* best = nullptr;
  for (const auto& c : matches) {
    if (c.is_exporter || matched.contains(c.ppid)) continue;
    const auto key = [](const Candidate& x) { return std::tuple(-x.service_rank, x.identity.start_ticks, x.identity.pid); };
    if (best == nullptr || key(c) < key(*best)) best = &c;
  }
  if (best == nullptr) return std::nullopt;
  return best->identity;
}

ProcessFinder::ProcessFinder(std::string proc_root)
    : proc_root_(std::move(proc_root)), boot_time_(proc_root_), own_binary_(binary_of("/proc/self/exe")) {}

Result<std::optional<ProcessIdentity>> ProcessFinder::alive(int pid) const {
  using R = Result<std::optional<ProcessIdentity>>;
  const std::string path = pid_dir(proc_root_, pid) + "/stat";
  const auto file = read_file(path);
  if (file.error == ENOENT || file.error == ESRCH) return std::optional<ProcessIdentity>();
  if (file.error != 0) return R::failure("cannot read " + path + ": " + errno_text(file.error));
  const auto stat = parse_proc_stat(file.text);
  if (!stat.ok()) return R::failure(path + ": " + stat.error());
  // A zombie has exited; only its parent has not collected the status yet.
  if (stat->state == 'Z' || stat->state == 'X') return std::optional<ProcessIdentity>();
  return std::optional<ProcessIdentity>(ProcessIdentity{pid, stat->starttime_ticks});
}

Result<std::optional<ProcessIdentity>> ProcessFinder::from_pid_file(const std::string& path) const {
  using R = Result<std::optional<ProcessIdentity>>;
  const auto file = read_file(path);
  if (file.error == ENOENT) return std::optional<ProcessIdentity>();
  if (file.error != 0) return R::failure("cannot read " + path + ": " + errno_text(file.error));
  const auto pid = parse_pid_text(file.text);
  if (!pid.ok()) return R::failure(path + ": " + pid.error());
  auto process = alive(*pid);
  if (!process.ok() || !process->has_value()) return process;

  // The writer of the file existed before the file was (last) written. A process started later holds a reused PID.
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return R::failure("cannot stat " + path + ": " + errno_text(errno));
  const auto boot_time = boot_time_.get();
  if (!boot_time.ok()) return R::failure(boot_time.error());
  const double written = static_cast<double>(info.st_mtim.tv_sec) + static_cast<double>(info.st_mtim.tv_nsec) / 1e9;
  // One second of slack: starttime has clock-tick resolution and btime whole seconds.
  if (start_seconds(*boot_time, (*process)->start_ticks) > written + 1.0) return std::optional<ProcessIdentity>();
  return process;
}

bool ProcessFinder::is_exporter(int pid, const std::string& cmdline) const {
  if (pid == ::getpid()) return true;
  if (own_binary_ && binary_of(pid_dir(proc_root_, pid) + "/exe") == own_binary_) return true;
  // Another user's exporter, whose exe link we may not read: known by its program name.
  const std::string program = std::filesystem::path(cmdline.substr(0, cmdline.find(' '))).filename().string();
  return program.starts_with("openclaw-gateway-exporter") || program.starts_with("openclaw_gateway_exporter");
}

std::optional<Candidate> ProcessFinder::candidate(int pid, const std::regex& pattern) const {
  const std::string dir = pid_dir(proc_root_, pid);
  const auto cmdline_file = read_file(dir + "/cmdline");
  if (cmdline_file.error != 0 || cmdline_file.text.empty()) return std::nullopt;  // exited, or a kernel thread
  if (!cmdline_matches(cmdline_file.text, pattern)) return std::nullopt;
  const std::string cmdline = join_cmdline(cmdline_file.text);
  const auto stat_file = read_file(dir + "/stat");
  if (stat_file.error != 0) return std::nullopt;
  const auto stat = parse_proc_stat(stat_file.text);
  if (!stat.ok() || stat->state == 'Z' || stat->state == 'X') return std::nullopt;
  Candidate c;
  c.identity = {pid, stat->starttime_ticks};
  c.ppid = stat->ppid;
  c.is_exporter = is_exporter(pid, cmdline);
  const auto environ = read_file(dir + "/environ");  // another user's: EACCES, rank 0
  if (environ.error == 0) {
    if (environ_has(environ.text, "OPENCLAW_SERVICE_KIND=gateway")) {
      c.service_rank = 2;
    } else if (environ_has(environ.text, "INVOCATION_ID=")) {
      c.service_rank = 1;
    }
  }
  return c;
}

Result<std::optional<ProcessIdentity>> ProcessFinder::from_cmdline(const std::regex& pattern) const {
  const auto pids = list_numeric_entries(proc_root_);
  if (pids.error != 0) {
    return Result<std::optional<ProcessIdentity>>::failure("cannot list " + proc_root_ + ": " +
                                                           errno_text(pids.error));
  }
  std::vector<Candidate> matches;
  for (const int pid : pids.numbers) {
    if (auto c = candidate(pid, pattern)) matches.push_back(*c);
  }
  return choose_gateway_process(matches);
}

}  // namespace openclaw::exporter
