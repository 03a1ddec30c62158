#pragma once

// Parsers for procfs and cgroupfs text. Pure functions on the file's content, no I/O, so that every one of them is
// tested on files captured from real machines (tests/exporter/fixtures/proc/).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace openclaw::exporter {

// The fields of /proc/PID/stat the exporter uses (proc(5) numbering in the comments).
struct ProcStat {
  int pid = 0;                        // (1)
  std::string comm;                   // (2) without the parentheses; may hold spaces and ')'
  char state = '?';                   // (3)
  int ppid = 0;                       // (4)
  std::uint64_t utime_ticks = 0;      // (14)
  std::uint64_t stime_ticks = 0;      // (15)
  std::uint64_t cutime_ticks = 0;     // (16) waited-for children, recursively
  std::uint64_t cstime_ticks = 0;     // (17)
  std::uint64_t num_threads = 0;      // (20)
  std::uint64_t starttime_ticks = 0;  // (22) after boot
  std::uint64_t rss_pages = 0;        // (24)
};
Result<ProcStat> parse_proc_stat(std::string_view text);

// /proc/PID/status. Kernel threads have no VmRSS line, so both fields are optional.
struct ProcStatus {
  std::optional<std::uint64_t> threads;
  std::optional<std::uint64_t> vm_rss_bytes;
};
Result<ProcStatus> parse_proc_status(std::string_view text);

// Soft limit of "Max open files" in /proc/PID/limits; nullopt = unlimited.
Result<std::optional<std::uint64_t>> parse_max_open_files(std::string_view text);

struct MemInfo {
  std::uint64_t total_bytes = 0;
  std::uint64_t available_bytes = 0;
};
Result<MemInfo> parse_meminfo(std::string_view text);

// "btime" of /proc/stat: boot time in unix seconds.
Result<std::uint64_t> parse_boot_time(std::string_view text);

// /proc/PID/cgroup. A v1/v2 hybrid has both a "0::" line and per-controller lines.
struct ProcCgroups {
  std::optional<std::string> v2_path;                        // from "0::/path"
  std::map<std::string, std::string, std::less<>> v1_paths;  // controller → path; "2:cpu,cpuacct:/x" gives both
  std::optional<std::string> v1_path(std::string_view controller) const;
};
Result<ProcCgroups> parse_proc_cgroup(std::string_view text);

// cgroup v2 memory.max: "max" or bytes. nullopt = no limit.
Result<std::optional<std::uint64_t>> parse_cgroup_v2_memory_max(std::string_view text);
// cgroup v1 memory.limit_in_bytes: bytes; "no limit" reads as LONG_MAX rounded down to the page size
// (9223372036854771712 with 4 KiB pages), reported as nullopt.
Result<std::optional<std::uint64_t>> parse_cgroup_v1_memory_limit(std::string_view text);

// /proc/PID/task/TID/children: space-separated pids, possibly empty.
Result<std::vector<int>> parse_task_children(std::string_view text);

// /proc/PID/cmdline: NUL-separated arguments joined with single spaces (a trailing NUL ends the last argument).
std::string join_cmdline(std::string_view raw);

// A pid file: one positive decimal pid, surrounding whitespace allowed.
Result<int> parse_pid_text(std::string_view text);

// /proc/PID/smaps_rollup: the process's memory summed over all its mappings. Pss ("proportional set size") charges
// each resident page to the processes mapping it in equal shares, so the Pss of a process tree adds up to what
// the tree really holds in RAM, where summed Rss counts a page shared by n processes n times. Swapped-out pages are
// in neither (SwapPss). A process without memory (a zombie, an exiting process, a kernel thread) has an empty file:
// that is a failure here, the caller decides what it means.
struct SmapsRollup {
  std::uint64_t rss_bytes = 0;
  std::uint64_t pss_bytes = 0;
};
Result<SmapsRollup> parse_smaps_rollup(std::string_view text);

// A cgroup counter file holding one number of bytes: v2 memory.current, v1 memory.usage_in_bytes.
Result<std::uint64_t> parse_cgroup_bytes(std::string_view text);
// One "key value" line of a cgroup memory.stat (v2 "inactive_file", v1 "total_inactive_file"), in bytes.
Result<std::uint64_t> parse_cgroup_memory_stat(std::string_view text, std::string_view key);

// /proc/PID/cmdline split at NULs into its arguments (a trailing NUL ends the last argument; a process whose title
// overwrote its argv area reads as the title followed by empty arguments, which are dropped).
std::vector<std::string_view> split_cmdline(std::string_view raw);
// True when the process has written a title over its argv (setproctitle, Node's process.title): the kernel then
// shows the title followed by the NULs that padded the rest of the old argv, i.e. an empty argument. (A process
// started with an empty argument looks the same: its command line is then taken as unknown too.)
bool cmdline_is_retitled(std::string_view raw);
// The value of `name` in a NUL-separated /proc/PID/environ; nullopt when unset ("" when set empty).
std::optional<std::string_view> environ_value(std::string_view raw, std::string_view name);

}  // namespace openclaw::exporter
