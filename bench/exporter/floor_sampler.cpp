#include "floor_sampler.hpp"

#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

namespace openclaw::bench {
namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;

// A path built in place: no allocation.
class Path {
 public:
  Path& add(std::string_view text) {
    const std::size_t n = std::min(text.size(), sizeof(data_) - 1 - size_);
    std::memcpy(data_ + size_, text.data(), n);
    size_ += n;
    data_[size_] = '\0';
    return *this;
  }
  Path& add(int number) {
    const auto [end, ec] = std::to_chars(data_ + size_, data_ + sizeof(data_) - 1, number);
    if (ec == std::errc{}) size_ = static_cast<std::size_t>(end - data_);
    data_[size_] = '\0';
    return *this;
  }
  const char* c_str() const { return data_; }

 private:
  char data_[512] = {};
  std::size_t size_ = 0;
};

// Reads a whole file into `buffer`; -1 on failure.
long read_into(const char* path, std::vector<char>& buffer) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  std::size_t used = 0;
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (got <= 0) break;
    used += static_cast<std::size_t>(got);
    if (used == buffer.size()) break;
  }
  ::close(fd);
  return static_cast<long>(used);
}

std::uint64_t to_u64(std::string_view text) {
  std::uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The first whitespace-separated token at or after `pos`; advances `pos` past it.
std::string_view next_token(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  const std::size_t start = pos;
  while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != '\n') ++pos;
  return text.substr(start, pos - start);
}

struct StatFields {
  int ppid = 0;
  std::uint64_t cpu_ticks = 0;
  std::uint64_t threads = 0;
  std::uint64_t start_ticks = 0;
  std::uint64_t rss_pages = 0;
};

// /proc/PID/stat: the fields after the comm's closing parenthesis, numbered as in proc(5).
bool parse_stat(std::string_view text, StatFields& out) {
  const std::size_t paren = text.rfind(')');
  if (paren == std::string_view::npos) return false;
  std::size_t pos = paren + 1;
  for (int field = 3; field <= 24; ++field) {
    const std::string_view token = next_token(text, pos);
    if (token.empty()) return false;
    switch (field) {
      case 4: out.ppid = static_cast<int>(to_u64(token)); break;
      case 14: case 15: case 16: case 17: out.cpu_ticks += to_u64(token); break;
      case 20: out.threads = to_u64(token); break;
      case 22: out.start_ticks = to_u64(token); break;
      case 24: out.rss_pages = to_u64(token); break;
      default: break;
    }
  }
  return true;
}

// The value after `key` in a "Key:   value kB" file.
std::uint64_t field_after(std::string_view text, std::string_view key) {
  const std::size_t at = text.find(key);
  if (at == std::string_view::npos) return 0;
  std::size_t pos = at + key.size();
  return to_u64(next_token(text, pos));
}

// struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
constexpr std::size_t kDirentReclenOffset = 16;
constexpr std::size_t kDirentNameOffset = 19;

// Calls `visit(number)` for every all-digit entry of the directory open at `fd`.
template <typename Visit>
bool for_each_numeric_entry(int fd, std::vector<char>& buffer, Visit visit) {
  for (;;) {
    const long got = ::syscall(SYS_getdents64, fd, buffer.data(), buffer.size());
    if (got < 0) return false;
    if (got == 0) return true;
    for (long offset = 0; offset < got;) {
      const auto at = static_cast<std::size_t>(offset);
      unsigned short reclen = 0;
      std::memcpy(&reclen, buffer.data() + at + kDirentReclenOffset, sizeof(reclen));
      const char* name = buffer.data() + at + kDirentNameOffset;
      int number = 0;
      const std::size_t length = std::strlen(name);
      const auto [end, ec] = std::from_chars(name, name + length, number);
      if (ec == std::errc{} && end == name + length) visit(number);
      offset += reclen;
    }
  }
}

int pidfd_open(int pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)); }
int pidfd_getfd(int pidfd, int fd) { return static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, fd, 0U)); }

}  // namespace

std::uint64_t FloorSample::tcp_total() const {
  std::uint64_t total = 0;
  for (const auto n : tcp) total += n;
  return total;
}

FloorSampler::FloorSampler(int pid, std::string cgroup_root)
    : pid_(pid), cgroup_root_(std::move(cgroup_root)), dir_("/proc/" + std::to_string(pid)), buffer_(kBufferBytes) {
  has_children_files_ = ::access(Path().add(dir_).add("/task/").add(pid).add("/children").c_str(), F_OK) == 0;
  fds_.reserve(1024);
  tids_.reserve(256);
  procs_.reserve(1024);
  pending_.reserve(64);
  inodes_.reserve(1024);
}

bool FloorSampler::list_fds() {
  fds_.clear();
  const int dir = ::open(Path().add(dir_).add("/fd").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  const bool ok = for_each_numeric_entry(dir, buffer_, [this](int fd) { fds_.push_back(fd); });
  ::close(dir);
  return ok;
}

bool FloorSampler::scan_descendants(FloorSample& out) {
  return has_children_files_ ? walk_children_files(out) : scan_all_processes(out);
}

// Reads one process's stat and adds it to `out`; the main process also gives threads and start time.
bool FloorSampler::add_stat(int pid, FloorSample& out) {
  const long length = read_into(Path().add("/proc/").add(pid).add("/stat").c_str(), buffer_);
  StatFields stat;
  if (length <= 0 || !parse_stat(std::string_view(buffer_.data(), static_cast<std::size_t>(length)), stat)) {
    return false;
  }
  if (pid == pid_) {
    out.threads = stat.threads;
    out.start_ticks = stat.start_ticks;
  } else {
    ++out.descendants;
    tree_.push_back(pid);
  }
  out.rss_pages += stat.rss_pages;
  out.cpu_ticks += stat.cpu_ticks;
  return true;
}

// /proc/P/task/T/children of every thread T of every process P in the tree (a child is listed under the thread
// that forked it), and each process's stat once.
bool FloorSampler::walk_children_files(FloorSample& out) {
  if (!add_stat(pid_, out)) return false;
  std::vector<int>& pending = pending_;
  pending.clear();
  pending.push_back(pid_);
  while (!pending.empty()) {
    const int parent = pending.back();
    pending.pop_back();
    tids_.clear();
    const int task = ::open(Path().add("/proc/").add(parent).add("/task").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (task < 0) continue;  // exited meanwhile
    for_each_numeric_entry(task, buffer_, [this](int tid) { tids_.push_back(tid); });
    ::close(task);
    for (const int tid : tids_) {
      const long length =
          read_into(Path().add("/proc/").add(parent).add("/task/").add(tid).add("/children").c_str(), buffer_);
      if (length <= 0) continue;
      std::string_view text(buffer_.data(), static_cast<std::size_t>(length));
      std::size_t first_child = pending.size();
      for (std::size_t pos = 0;;) {
        const std::string_view token = next_token(text, pos);
        if (token.empty()) break;
        pending.push_back(static_cast<int>(to_u64(token)));
      }
      // add_stat reuses buffer_: read the stats after the children list is parsed.
      for (std::size_t i = first_child; i < pending.size();) {
        if (add_stat(pending[i], out)) {
          ++i;
        } else {
          pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
        }
      }
    }
  }
  return true;
}

// Kernels without CONFIG_PROC_CHILDREN: every process's stat once, then a walk down from the main process.
bool FloorSampler::scan_all_processes(FloorSample& out) {
  procs_.clear();
  const int proc = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0) return false;
  std::vector<int>& pids = pending_;
  pids.clear();
  const bool listed = for_each_numeric_entry(proc, buffer_, [&pids](int pid) { pids.push_back(pid); });
  ::close(proc);
  if (!listed) return false;
  bool main_found = false;
  for (const int pid : pids) {
    const long length = read_into(Path().add("/proc/").add(pid).add("/stat").c_str(), buffer_);
    StatFields stat;
    if (length <= 0 || !parse_stat(std::string_view(buffer_.data(), static_cast<std::size_t>(length)), stat)) continue;
    if (pid == pid_) {
      main_found = true;
      out.threads = stat.threads;
      out.start_ticks = stat.start_ticks;
      out.rss_pages += stat.rss_pages;
      out.cpu_ticks += stat.cpu_ticks;
      continue;
    }
    procs_.push_back({pid, stat.ppid, stat.rss_pages, stat.cpu_ticks});
  }
  if (!main_found) return false;
  pids.clear();
  pids.push_back(pid_);
  while (!pids.empty()) {
    const int parent = pids.back();
    pids.pop_back();
    for (auto& p : procs_) {
      if (p.ppid != parent || p.pid == 0) continue;
      out.rss_pages += p.rss_pages;
      out.cpu_ticks += p.cpu_ticks;
      ++out.descendants;
      tree_.push_back(p.pid);
      pids.push_back(p.pid);
      p.pid = 0;  // visited
    }
  }
  return true;
}

bool FloorSampler::read_cgroup_limit(FloorSample& out) {
  const long length = read_into(Path().add(dir_).add("/cgroup").c_str(), buffer_);
  if (length < 0) return false;
  const std::string_view text(buffer_.data(), static_cast<std::size_t>(length));
  // Copies: buffer_ is reused by the limit reads below.
  char* v2 = cgroup_v2_;
  char* v1 = cgroup_v1_;
  std::memset(cgroup_v2_, 0, sizeof(cgroup_v2_));
  std::memset(cgroup_v1_, 0, sizeof(cgroup_v1_));
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t first = line.find(':');
    const std::size_t second = line.find(':', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) continue;
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    const std::string_view path = line.substr(second + 1);
    char* target = nullptr;
    if (line.substr(0, first) == "0" && controllers.empty()) target = v2;
    if (controllers == "memory" || controllers.find("memory,") != std::string_view::npos ||
        controllers.ends_with(",memory")) {
      target = v1;
    }
    if (target != nullptr) std::memcpy(target, path.data(), std::min(path.size(), std::size_t{255}));
  }
  // The same walk as the exporter's: the limit file at every level from the process's cgroup up to the root.
  auto walk = [&](const std::string& root, std::string_view cgroup, std::string_view file) {
    bool found = false;
    for (;;) {
      while (!cgroup.empty() && cgroup.back() == '/') cgroup.remove_suffix(1);
      const long got = read_into(Path().add(root).add(cgroup).add("/").add(file).c_str(), buffer_);
      if (got > 0) {
        found = true;
        const std::string_view value(buffer_.data(), static_cast<std::size_t>(got));
        if (!value.starts_with("max")) {
          const std::uint64_t limit = to_u64(value);
          if (out.memory_limit == 0 || limit < out.memory_limit) out.memory_limit = limit;
        }
      }
      if (cgroup.empty()) return found;
      const std::size_t slash = cgroup.rfind('/');
      cgroup = cgroup.substr(0, slash == std::string_view::npos ? 0 : slash);
    }
  };
  if (v2[0] != '\0') {
    if (walk(cgroup_root_, v2, "memory.max")) return true;
    if (walk(cgroup_root_ + "/unified", v2, "memory.max")) return true;
  }
  if (v1[0] != '\0') walk(cgroup_root_ + "/memory", v1, "memory.limit_in_bytes");
  return true;
}

bool FloorSampler::sample_process(FloorSample& out) {
  out = FloorSample{};
  tree_.clear();
  if (!scan_descendants(out)) return false;
  const long limits = read_into(Path().add(dir_).add("/limits").c_str(), buffer_);
  if (limits <= 0) return false;
  out.max_fds = field_after(std::string_view(buffer_.data(), static_cast<std::size_t>(limits)), "Max open files");
  if (!list_fds()) return false;
  out.open_fds = fds_.size();
  if (!read_cgroup_limit(out)) return false;
  const long meminfo = read_into("/proc/meminfo", buffer_);
  if (meminfo <= 0) return false;
  const std::string_view text(buffer_.data(), static_cast<std::size_t>(meminfo));
  out.mem_total_kib = field_after(text, "MemTotal:");
  out.mem_available_kib = field_after(text, "MemAvailable:");
  return true;
}

bool FloorSampler::sample_memory(FloorSample& out) {
  out.pss_kib = 0;
  const auto pss_of = [this](int pid) -> long {
    const long length = read_into(Path().add("/proc/").add(pid).add("/smaps_rollup").c_str(), buffer_);
    if (length <= 0) return -1;
    return static_cast<long>(field_after(std::string_view(buffer_.data(), static_cast<std::size_t>(length)), "Pss:"));
  };
  const long main_pss = pss_of(pid_);
  if (main_pss < 0) return false;
  out.pss_kib += static_cast<std::uint64_t>(main_pss);
  for (const int pid : tree_) {
    const long pss = pss_of(pid);
    if (pss < 0) continue;  // exited meanwhile
    out.pss_kib += static_cast<std::uint64_t>(pss);
    if (read_into(Path().add("/proc/").add(pid).add("/cmdline").c_str(), buffer_) < 0) continue;
  }
  if (read_into(Path().add(dir_).add("/cmdline").c_str(), buffer_) < 0) return false;
  if (read_into(Path().add(dir_).add("/environ").c_str(), buffer_) < 0) return false;
  // The cgroup found by the last read_cgroup_limit(): v2 first, then v1 (the exporter's order).
  const auto working_set = [&](const std::string& root, const char* cgroup, const char* usage_file,
                               std::string_view inactive_key) {
    const long got = read_into(Path().add(root).add(cgroup).add("/").add(usage_file).c_str(), buffer_);
    if (got <= 0) return false;
    const std::uint64_t usage = to_u64(std::string_view(buffer_.data(), static_cast<std::size_t>(got)));
    const long stat = read_into(Path().add(root).add(cgroup).add("/memory.stat").c_str(), buffer_);
    if (stat <= 0) return false;
    const std::uint64_t inactive =
        field_after(std::string_view(buffer_.data(), static_cast<std::size_t>(stat)), inactive_key);
    out.cgroup_working_set = usage > inactive ? usage - inactive : 0;
    return true;
  };
  if (cgroup_v2_[0] != '\0' && (working_set(cgroup_root_, cgroup_v2_, "memory.current", "inactive_file ") ||
                                 working_set(cgroup_root_ + "/unified", cgroup_v2_, "memory.current", "inactive_file "))) {
    return true;
  }
  if (cgroup_v1_[0] != '\0') working_set(cgroup_root_ + "/memory", cgroup_v1_, "memory.usage_in_bytes", "total_inactive_file ");
  return true;
}

// Only sockets are duplicated (closing a duplicate of an NFS or FUSE file would run its flush): each fd's type comes
// from readlinkat(/proc/PID/fd, "N") = "socket:[INODE]", relative to one directory fd. TCP_INFO then classifies the
// socket (unix and UDP sockets refuse the option).
bool FloorSampler::count_tcp_pidfd(FloorSample& out) {
  out.tcp = {};
  const int pidfd = pidfd_open(pid_);
  if (pidfd < 0) return false;
  const int dir = ::open(Path().add(dir_).add("/fd").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    ::close(pidfd);
    return false;
  }
  char name[16];
  char target[64];
  for (const int fd : fds_) {
    *std::to_chars(name, name + sizeof(name) - 1, fd).ptr = '\0';
    const ssize_t n = ::readlinkat(dir, name, target, sizeof(target));
    if (n < 8 || std::memcmp(target, "socket:[", 8) != 0) continue;
    const int copy = pidfd_getfd(pidfd, fd);
    if (copy < 0) continue;
    tcp_info info{};
    socklen_t length = sizeof(info);
    if (::getsockopt(copy, IPPROTO_TCP, TCP_INFO, &info, &length) == 0 && info.tcpi_state < out.tcp.size()) {
      ++out.tcp[info.tcpi_state];
    }
    ::close(copy);
  }
  ::close(dir);
  ::close(pidfd);
  return true;
}

// The earlier floor, for comparison only: every fd duplicated, TCP_INFO alone classifying it (files fail with
// ENOTSOCK). Cheaper, and unsafe for the reason above.
bool FloorSampler::count_tcp_pidfd_every_fd(FloorSample& out) {
  out.tcp = {};
  const int pidfd = pidfd_open(pid_);
  if (pidfd < 0) return false;
  for (const int fd : fds_) {
    const int copy = pidfd_getfd(pidfd, fd);
    if (copy < 0) continue;
    tcp_info info{};
    socklen_t length = sizeof(info);
    if (::getsockopt(copy, IPPROTO_TCP, TCP_INFO, &info, &length) == 0 && info.tcpi_state < out.tcp.size()) {
      ++out.tcp[info.tcpi_state];
    }
    ::close(copy);
  }
  ::close(pidfd);
  return true;
}

bool FloorSampler::count_tcp_sock_diag(FloorSample& out) {
  out.tcp = {};
  inodes_.clear();
  char target[64];
  for (const int fd : fds_) {
    const ssize_t n = ::readlink(Path().add(dir_).add("/fd/").add(fd).c_str(), target, sizeof(target));
    const std::string_view link(target, n > 0 ? static_cast<std::size_t>(n) : 0);
    if (!link.starts_with("socket:[")) continue;
    inodes_.push_back(static_cast<std::uint32_t>(to_u64(link.substr(8))));
  }
  if (inodes_.empty()) return true;
  std::sort(inodes_.begin(), inodes_.end());

  const int sock = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (sock < 0) return false;
  bool ok = true;
  for (const unsigned char family : {static_cast<unsigned char>(AF_INET), static_cast<unsigned char>(AF_INET6)}) {
    struct {
      nlmsghdr header;
      inet_diag_req_v2 request;
    } message{};
    message.header.nlmsg_len = sizeof(message);
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.request.sdiag_family = family;
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = 0xfffU & ~(1U << 6);  // every state but TIME_WAIT (no inode)
    if (::send(sock, &message, sizeof(message), 0) < 0) {
      ok = false;
      break;
    }
    bool done = false;
    while (!done) {
      const ssize_t got = ::recv(sock, buffer_.data(), buffer_.size(), 0);
      if (got <= 0) {
        ok = false;
        break;
      }
      std::size_t offset = 0;
      const auto total = static_cast<std::size_t>(got);
      while (offset + sizeof(nlmsghdr) <= total) {
        nlmsghdr header{};
        std::memcpy(&header, buffer_.data() + offset, sizeof(header));
        if (header.nlmsg_len < sizeof(nlmsghdr) || offset + header.nlmsg_len > total) break;
        if (header.nlmsg_type == NLMSG_DONE || header.nlmsg_type == NLMSG_ERROR) {
          done = true;
          break;
        }
        inet_diag_msg diag{};
        std::memcpy(&diag, buffer_.data() + offset + sizeof(nlmsghdr), sizeof(diag));
        if (diag.idiag_state < out.tcp.size() && std::binary_search(inodes_.begin(), inodes_.end(), diag.idiag_inode)) {
          ++out.tcp[diag.idiag_state];
        }
        offset += (header.nlmsg_len + 3U) & ~3U;
      }
    }
    if (!ok) break;
  }
  ::close(sock);
  return ok;
}

std::size_t FloorSampler::read_status() {
  const long length = read_into(Path().add(dir_).add("/status").c_str(), buffer_);
  return length > 0 ? static_cast<std::size_t>(length) : 0;
}

}  // namespace openclaw::bench
