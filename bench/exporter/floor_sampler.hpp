#pragma once

// The raw-syscall floor for what the exporter reads per gateway and scrape: hand-written, fixed buffers, no
// parsing libraries, no error reasons, no allocation after the first call. It exists only to be measured against.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace openclaw::bench {

struct FloorSample {
  std::uint64_t rss_pages = 0;      // main process + descendants
  std::uint64_t cpu_ticks = 0;      // utime+stime+cutime+cstime, main process + descendants
  std::uint64_t threads = 0;
  std::uint64_t start_ticks = 0;    // starttime of the main process (boot time is a constant, read once)
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;        // soft RLIMIT_NOFILE from /proc/PID/limits (0 = unlimited)
  std::uint64_t descendants = 0;
  std::uint64_t memory_limit = 0;   // tightest cgroup limit, 0 = none
  std::uint64_t mem_total_kib = 0;
  std::uint64_t mem_available_kib = 0;
  std::uint64_t pss_kib = 0;        // Pss of main process + descendants (smaps_rollup)
  std::uint64_t cgroup_working_set = 0;  // the process's own cgroup: usage less inactive file
  std::array<std::uint64_t, 12> tcp{};  // by kernel TCP state
  std::uint64_t tcp_total() const;
};

// One instance per target; the buffers it keeps are reused from call to call.
class FloorSampler {
 public:
  explicit FloorSampler(int pid, std::string cgroup_root = "/sys/fs/cgroup");

  // /proc/PID/stat, limits, fd listing, the descendants' stat, the cgroup memory limit, /proc/meminfo.
  bool sample_process(FloorSample& out);
  // After sample_process(): smaps_rollup of the tree, the descendants' cmdline, the main process's cmdline and
  // environ, and the cgroup's usage and memory.stat (what the exporter's memory source reads).
  bool sample_memory(FloorSample& out);
  // TCP states by pidfd_getfd + getsockopt(TCP_INFO) over the socket fds (readlink first) listed by the last
  // sample_process().
  bool count_tcp_pidfd(FloorSample& out);
  // The same duplicating every fd, sockets or not (the earlier, unsafe floor; for comparison only).
  bool count_tcp_pidfd_every_fd(FloorSample& out);
  // TCP states by matching readlink(/proc/PID/fd/N) socket inodes against a sock_diag dump (v4+v6, no TIME_WAIT).
  bool count_tcp_sock_diag(FloorSample& out);
  // /proc/PID/status alone (the exporter does not need it: stat has RSS and threads). Returns bytes read.
  std::size_t read_status();

 private:
  bool list_fds();
  bool scan_descendants(FloorSample& out);
  bool walk_children_files(FloorSample& out);
  bool scan_all_processes(FloorSample& out);
  bool add_stat(int pid, FloorSample& out);
  bool read_cgroup_limit(FloorSample& out);

  int pid_;
  std::string cgroup_root_;
  std::string dir_;  // "/proc/PID"
  std::vector<int> fds_;
  struct Proc {
    int pid;
    int ppid;
    std::uint64_t rss_pages;
    std::uint64_t cpu_ticks;
  };
  std::vector<Proc> procs_;
  std::vector<int> pending_;
  std::vector<int> tree_;  // descendants found by the last sample_process()
  char cgroup_v1_[256] = {};
  char cgroup_v2_[256] = {};
  std::vector<int> tids_;
  bool has_children_files_ = false;
  std::vector<std::uint32_t> inodes_;
  std::vector<char> buffer_;  // file reads, getdents64, netlink
};

}  // namespace openclaw::bench
