#include "tcp_sockets.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <optional>
#include <unordered_set>
#include <vector>

#include "proc_io.hpp"
#include "sock_diag.hpp"

namespace openclaw::exporter {
namespace {

// glibc 2.36 declares these only in <sys/pidfd.h>, older ones not at all: call the kernel directly.
int pidfd_open(int pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)); }
int pidfd_getfd(int pidfd, int target_fd) { return static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, target_fd, 0U)); }

// No ptrace rights over the target (EPERM), an LSM or seccomp saying no (EACCES, EPERM), or a kernel before 5.6.
bool means_not_allowed(int error) { return error == EPERM || error == EACCES || error == ENOSYS; }

std::string gone(int pid) { return "process " + std::to_string(pid) + " gone"; }

std::string fd_dir(const std::string& proc_root, int pid) { return proc_root + "/" + std::to_string(pid) + "/fd"; }

Result<std::vector<int>> list_fds(const std::string& proc_root, int pid) {
  auto fds = list_numeric_entries(fd_dir(proc_root, pid));
  if (fds.error == ENOENT || fds.error == ESRCH) return Result<std::vector<int>>::failure(gone(pid));
  if (fds.error != 0) {
    return Result<std::vector<int>>::failure("cannot read " + fd_dir(proc_root, pid) + ": " + errno_text(fds.error));
  }
  return std::move(fds.numbers);
}

// The TCP state of `fd` (1..11), or nullopt for anything that is not an IPv4/IPv6 TCP socket.
std::optional<std::uint8_t> tcp_state_of(int fd) {
  // One getsockopt per fd, nothing before it: TCP_INFO answers only for TCP sockets (IPv4 and IPv6). Everything
  // else refuses it: non-sockets with ENOTSOCK, unix sockets with EOPNOTSUPP, UDP and raw with ENOPROTOOPT. Most of
  // a Node process's fds are not TCP sockets, and with 10k fds every syscall per fd counts.
  tcp_info tcp{};
  socklen_t length = sizeof(tcp);
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &tcp, &length) != 0) return std::nullopt;
  if (tcp.tcpi_state == 0 || tcp.tcpi_state >= kTcpStateNames.size()) return std::nullopt;
  return tcp.tcpi_state;
}

struct PidfdAttempt {
  std::optional<TcpSocketCounts> counts;  // set when counted
  int not_allowed_errno = 0;              // set when the kernel refused: try another method
  std::string failure;                    // set on any other error
};

// Duplicates each fd of the target into this process, asks the socket, and closes the duplicate. Closing a
// duplicate never closes the target's fd or releases its locks (POSIX locks belong to the closing process); the
// only side effect is the file's ->flush, which sockets, pipes and local files do not have (NFS and FUSE files do).
PidfdAttempt count_via_pidfd(int pid, const std::vector<int>& fds) {
  PidfdAttempt attempt;
  const UniqueFd pidfd(pidfd_open(pid));
  if (!pidfd.valid()) {
    const int error = errno;
    if (means_not_allowed(error)) {
      attempt.not_allowed_errno = error;
    } else {
      attempt.failure = error == ESRCH ? gone(pid) : "pidfd_open(" + std::to_string(pid) + "): " + errno_text(error);
    }
    return attempt;
  }
  TcpSocketCounts counts;
  counts.method = SocketMethod::kPidfdGetfd;
  for (const int target_fd : fds) {
    const UniqueFd duplicate(pidfd_getfd(pidfd.get(), target_fd));
    if (!duplicate.valid()) {
      const int error = errno;
      if (error == EBADF) continue;  // closed since /proc/PID/fd was listed
      if (means_not_allowed(error)) {
        attempt.not_allowed_errno = error;
      } else {
        attempt.failure = error == ESRCH ? gone(pid)
                                         : "pidfd_getfd(" + std::to_string(pid) + ", " + std::to_string(target_fd) +
                                               "): " + errno_text(error);
      }
      return attempt;
    }
    if (const auto state = tcp_state_of(duplicate.get())) ++counts.by_state[*state];
  }
  attempt.counts = counts;
  return attempt;
}

// "socket:[12345]" → 12345.
std::optional<std::uint32_t> socket_inode(std::string_view link) {
  constexpr std::string_view kPrefix = "socket:[";
  if (!link.starts_with(kPrefix) || !link.ends_with(']')) return std::nullopt;
  link.remove_prefix(kPrefix.size());
  link.remove_suffix(1);
  std::uint32_t inode = 0;
  const auto [ptr, ec] = std::from_chars(link.data(), link.data() + link.size(), inode);
  if (ec != std::errc{} || ptr != link.data() + link.size()) return std::nullopt;
  return inode;
}

Result<std::unordered_set<std::uint32_t>> socket_inodes(const std::string& proc_root, int pid,
                                                        const std::vector<int>& fds) {
  std::unordered_set<std::uint32_t> inodes;
  const std::string dir = fd_dir(proc_root, pid) + "/";
  std::array<char, 64> target{};
  for (const int fd : fds) {
    const std::string path = dir + std::to_string(fd);
    const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
    if (length < 0) {
      if (errno == ENOENT) continue;  // closed since the listing
      return Result<std::unordered_set<std::uint32_t>>::failure("cannot read " + path + ": " + errno_text(errno));
    }
    if (const auto inode = socket_inode(std::string_view(target.data(), static_cast<std::size_t>(length)))) {
      inodes.insert(*inode);
    }
  }
  return inodes;
}

Result<TcpSocketCounts> count_via_sock_diag(const std::string& proc_root, int pid, const std::vector<int>& fds) {
  using R = Result<TcpSocketCounts>;
  TcpSocketCounts counts;
  counts.method = SocketMethod::kSockDiag;
  const auto inodes = socket_inodes(proc_root, pid, fds);
  if (!inodes.ok()) return R::failure(inodes.error());
  if (inodes->empty()) return counts;  // a dump costs milliseconds; no sockets, nothing to match
  // TIME_WAIT sockets have no inode and can be numerous on a busy host: leave them out of the dump.
  const auto sockets = dump_tcp_sockets(kAllTcpStates & ~tcp_state_bit(6));
  if (!sockets.ok()) return R::failure(sockets.error());
  for (const auto& socket : *sockets) {
    if (socket.inode != 0 && socket.state < kTcpStateNames.size() && inodes->contains(socket.inode)) {
      ++counts.by_state[socket.state];
    }
  }
  return counts;
}

}  // namespace

std::string_view socket_method_name(SocketMethod method) {
  return method == SocketMethod::kPidfdGetfd ? "pidfd_getfd" : "sock_diag";
}

// Not-allowed is not remembered per pid: finding out costs one pidfd_open and one pidfd_getfd (microseconds),
// against ~3 ms for the dump, and a cache would go stale when the target or our privileges change.
Result<TcpSocketCounts> count_tcp_sockets(int pid, const std::string& proc_root) {
  const auto fds = list_fds(proc_root, pid);
  if (!fds.ok()) return Result<TcpSocketCounts>::failure(fds.error());
  return count_tcp_sockets(pid, *fds, proc_root);
}

Result<TcpSocketCounts> count_tcp_sockets(int pid, const std::vector<int>& fds, const std::string& proc_root) {
  auto attempt = count_via_pidfd(pid, fds);
  if (attempt.counts) return *attempt.counts;
  if (!attempt.failure.empty()) return Result<TcpSocketCounts>::failure(attempt.failure);
  return count_via_sock_diag(proc_root, pid, fds);
}

Result<TcpSocketCounts> count_tcp_sockets_pidfd(int pid, const std::string& proc_root) {
  const auto fds = list_fds(proc_root, pid);
  if (!fds.ok()) return Result<TcpSocketCounts>::failure(fds.error());
  auto attempt = count_via_pidfd(pid, *fds);
  if (attempt.counts) return *attempt.counts;
  if (!attempt.failure.empty()) return Result<TcpSocketCounts>::failure(attempt.failure);
  return Result<TcpSocketCounts>::failure("pidfd_getfd not allowed on process " + std::to_string(pid) + ": " +
                                          errno_text(attempt.not_allowed_errno));
}

Result<TcpSocketCounts> count_tcp_sockets_sock_diag(int pid, const std::string& proc_root) {
  const auto fds = list_fds(proc_root, pid);
  if (!fds.ok()) return Result<TcpSocketCounts>::failure(fds.error());
  return count_via_sock_diag(proc_root, pid, *fds);
}

}  // namespace openclaw::exporter
