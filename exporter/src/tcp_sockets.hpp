#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace openclaw::exporter {

// Linux TCP states as the kernel numbers them (include/net/tcp_states.h), 1..11; index 0 unused.
inline constexpr std::array<std::string_view, 12> kTcpStateNames = {
    "", "established", "syn_sent", "syn_recv", "fin_wait1", "fin_wait2", "time_wait",
    "close", "close_wait", "last_ack", "listen", "closing"};

enum class SocketMethod { kPidfdGetfd, kSockDiag };
std::string_view socket_method_name(SocketMethod method);  // "pidfd_getfd" | "sock_diag"

struct TcpSocketCounts {
  std::array<std::uint64_t, 12> by_state{};  // indexed by kernel state number
  SocketMethod method = SocketMethod::kPidfdGetfd;
};

// Counts the TCP sockets (IPv4 and IPv6) that process `pid` holds open, by state. Cost follows the process's own
// fds: it duplicates each socket fd with pidfd_getfd and asks TCP_INFO. When that is not permitted (no ptrace rights,
// kernel < 5.6) it falls back to a sock_diag dump matched against the inodes behind /proc/PID/fd. Never parses
// /proc/net/tcp. TIME_WAIT sockets belong to no process and are therefore never counted here.
Result<TcpSocketCounts> count_tcp_sockets(int pid, const std::string& proc_root = "/proc");
// The same with the fd numbers already listed (ProcessSample::fd_numbers): with 10k fds, listing /proc/PID/fd
// again costs ~10 % of the scrape. An fd closed since it was listed is simply skipped.
Result<TcpSocketCounts> count_tcp_sockets(int pid, const std::vector<int>& fds, const std::string& proc_root = "/proc");

// One method only, without fallback (tests, benchmarks, diagnosing a host). The pidfd method fails with a reason
// naming the errno when the kernel or the permissions do not allow it. Both need `proc_root` to be the procfs of the
// caller's pid namespace, and sock_diag sees the caller's network namespace only.
Result<TcpSocketCounts> count_tcp_sockets_pidfd(int pid, const std::string& proc_root = "/proc");
Result<TcpSocketCounts> count_tcp_sockets_sock_diag(int pid, const std::string& proc_root = "/proc");

}  // namespace openclaw::exporter
