#pragma once

// Finding the gateway's main process: through a pid file or a command-line regex (the unit's MainPID is read by the
// systemd source). Every answer is one of three: the process (by identity), "not running" (nullopt), or "cannot
// tell" (a failure with the reason) — the exporter reports openclaw_gateway_up only for the first two.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "process_sampler.hpp"
#include "result.hpp"

namespace openclaw::exporter {

// A process is (PID, start time): a PID alone is reused by the kernel.
struct ProcessIdentity {
  int pid = 0;
  std::uint64_t start_ticks = 0;  // starttime in /proc/PID/stat, clock ticks after boot
  friend bool operator==(const ProcessIdentity&, const ProcessIdentity&) = default;
};

// What the regex search knows about one process whose command line matched.
struct Candidate {
  ProcessIdentity identity;
  int ppid = 0;
  // How sure we are that it is the service itself and not an `openclaw gateway status|call` CLI run (which sets the
  // same process title): 2 = OPENCLAW_SERVICE_KIND=gateway in its environment, 1 = started by systemd
  // (INVOCATION_ID), 0 = neither or unreadable.
  int service_rank = 0;
  bool is_exporter = false;  // this exporter, or another instance of its binary: never the gateway
};

// Pure: the gateway among the matches — never an exporter; only roots of the matching tree (a match whose parent
// also matched is a worker); the most service-like; then the earliest started (a CLI call comes later).
std::optional<ProcessIdentity> choose_gateway_process(const std::vector<Candidate>& matches);

// --gateway.cmdline-regex compiled as ECMAScript without backreferences (std::regex_error for those) for
// libstdc++'s non-recursive matcher (the __polynomial flag): stack bounded by the pattern, never by the text, and
// time polynomial (a search is at worst quadratic in the text), never exponential. Any local user can start a process
// whose cmdline is long (one argument may be 128 KiB): with the default, recursive matcher a 100 KiB cmdline
// overflowed the exporter's stack with a pattern like "^node .*openclaw-gateway" (found while writing the fuzz
// targets, fuzz/README.md).
std::regex compile_cmdline_regex(const std::string& pattern);
// How much of a command line the regex sees (the real gateway's is ~200 bytes): bounds the time per process (well
// under a millisecond for a pattern like the examples; seconds only for a pathological one such as "(a|aa)+b").
inline constexpr std::size_t kMaxCmdlineMatchBytes = 4096;
bool cmdline_matches(std::string_view raw, const std::regex& pattern);

// Reads a procfs root (default /proc; a fixture tree in tests).
class ProcessFinder {
 public:
  explicit ProcessFinder(std::string proc_root = "/proc");

  // The process when it runs: nullopt when it is gone or a zombie.
  Result<std::optional<ProcessIdentity>> alive(int pid) const;
  // A missing pid file, or one naming a dead process or a process started after the file was written (the PID was
  // reused), is "not running"; an unreadable or malformed one is a failure.
  Result<std::optional<ProcessIdentity>> from_pid_file(const std::string& path) const;
  // The gateway among processes whose NUL-separated cmdline (joined with spaces) matches (cmdline_matches);
  // nullopt when none does. Fails only when the procfs root cannot be listed.
  Result<std::optional<ProcessIdentity>> from_cmdline(const std::regex& pattern) const;

 private:
  std::optional<Candidate> candidate(int pid, const std::regex& pattern) const;
  bool is_exporter(int pid, const std::string& cmdline) const;

  std::string proc_root_;
  BootTime boot_time_;
  std::optional<std::pair<dev_t, ino_t>> own_binary_;  // device and inode of /proc/self/exe
};

}  // namespace openclaw::exporter
