#pragma once

// Counting the TCP sockets one process holds, by state: one interface, one file per method
// (socket_counter_pidfd.cpp, socket_counter_sock_diag.cpp), and the `auto` choice that falls back from one to the
// other (socket_counter.cpp). Tests, benchmarks and the socket source all go through make_socket_counter.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace openclaw::exporter {

// Linux TCP states as the kernel numbers them (include/net/tcp_states.h), 1..11; index 0 unused.
inline constexpr std::array<std::string_view, 12> kTcpStateNames = {
    "", "established", "syn_sent", "syn_recv", "fin_wait1", "fin_wait2", "time_wait",
    "close", "close_wait", "last_ack", "listen", "closing"};

// How the sockets were counted (the `method` label of openclaw_exporter_socket_method).
enum class SocketMethod { kPidfdGetfd, kSockDiag };
std::string_view socket_method_name(SocketMethod method);  // "pidfd_getfd" | "sock_diag"

// What --collector.sockets.method asks for: one method, or pidfd_getfd falling back to sock_diag.
enum class SocketMethodChoice { kAuto, kPidfdGetfd, kSockDiag };
std::string_view socket_method_choice_name(SocketMethodChoice choice);  // "auto" | "pidfd_getfd" | "sock_diag"
std::optional<SocketMethodChoice> parse_socket_method_choice(std::string_view text);

struct TcpSocketCounts {
  std::array<std::uint64_t, 12> by_state{};  // indexed by kernel state number
  SocketMethod method = SocketMethod::kPidfdGetfd;
};

// Why a count failed. `method_refused` means the kernel refused this method for this target (no ptrace rights,
// an LSM or seccomp saying no, a kernel before 5.6): another method may still work. Anything else (process gone,
// /proc unreadable, netlink error) is a plain failure that another method would meet too.
struct SocketCountError {
  std::string reason;
  bool method_refused = false;
};

class SocketCountResult {
 public:
  SocketCountResult(TcpSocketCounts counts) : counts_(counts) {}  // NOLINT(google-explicit-constructor)
  SocketCountResult(SocketCountError error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return counts_.has_value(); }
  explicit operator bool() const { return ok(); }
  const TcpSocketCounts& operator*() const { return *counts_; }
  const TcpSocketCounts* operator->() const { return &*counts_; }
  const std::string& error() const { return error_.reason; }
  bool method_refused() const { return error_.method_refused; }

 private:
  std::optional<TcpSocketCounts> counts_;
  SocketCountError error_;
};

// Counts the TCP sockets (IPv4 and IPv6) that a process holds open, by state. TIME_WAIT sockets belong to no process
// and are never counted. `proc_root` must be the procfs of the caller's pid namespace; sock_diag sees the caller's
// network namespace only.
class SocketCounter {
 public:
  explicit SocketCounter(std::string proc_root) : proc_root_(std::move(proc_root)) {}
  virtual ~SocketCounter() = default;
  SocketCounter(const SocketCounter&) = delete;
  SocketCounter& operator=(const SocketCounter&) = delete;
  SocketCounter(SocketCounter&&) = delete;
  SocketCounter& operator=(SocketCounter&&) = delete;

  // `fds`: the target's fd numbers, as a listing of /proc/PID/fd gave them (ProcessSample::fd_numbers): with 10k
  // fds, listing again costs ~10 % of a scrape. An fd closed since it was listed is skipped.
  virtual SocketCountResult count(int pid, const std::vector<int>& fds) const = 0;
  // Lists /proc/PID/fd first.
  SocketCountResult count(int pid) const;
  const std::string& proc_root() const { return proc_root_; }

 private:
  std::string proc_root_;
};

// Duplicates fd `target_fd` of the process behind `pidfd` into this one: pidfd_getfd(2). Returns the new fd or -1
// with errno set. A seam for tests only: the real one is the default.
using DuplicateFd = std::function<int(int pidfd, int target_fd)>;
int duplicate_fd_of(int pidfd, int target_fd);

// pidfd_getfd + getsockopt(TCP_INFO) on the target's sockets, and only its sockets (see the .cpp for why).
std::unique_ptr<SocketCounter> make_pidfd_socket_counter(std::string proc_root, DuplicateFd duplicate = duplicate_fd_of);
// A host-wide sock_diag dump matched against the inodes behind /proc/PID/fd/N.
std::unique_ptr<SocketCounter> make_sock_diag_socket_counter(std::string proc_root);
// What --collector.sockets.method names; kAuto tries pidfd_getfd and falls back to sock_diag when it is refused.
std::unique_ptr<SocketCounter> make_socket_counter(SocketMethodChoice choice, std::string proc_root = "/proc");

// ---- shared by the methods ----

struct SocketFd {
  int fd = 0;
  std::uint32_t inode = 0;
};
// The target's fds that are sockets (any family), from readlink /proc/PID/fd/N = "socket:[INODE]": what the kernel
// reports from the open file itself, without calling into any file system. Fds closed since the listing are
// skipped; the process gone is a failure naming it.
Result<std::vector<SocketFd>> socket_fds(const std::string& proc_root, int pid, const std::vector<int>& fds);
// "socket:[12345]" -> 12345; nullopt for any other link target.
std::optional<std::uint32_t> parse_socket_link(std::string_view link);
// "process PID gone".
std::string process_gone(int pid);

}  // namespace openclaw::exporter
