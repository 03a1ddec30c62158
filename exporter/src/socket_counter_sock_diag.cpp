// Sockets by a sock_diag dump: every TCP socket of the network namespace, matched against the inodes behind the
// target's fds. Needs no rights over the target beyond reading /proc/PID/fd, but its cost follows the host's sockets
// (~3 ms fixed plus ~0.7 us per host socket, whatever the filter): the fallback, or a choice for hosts where ptrace
// rights are not to be granted.
#include <unordered_set>

#include "sock_diag.hpp"
#include "socket_counter.hpp"

namespace openclaw::exporter {
namespace {

class SockDiagSocketCounter final : public SocketCounter {
 public:
  using SocketCounter::SocketCounter;

  SocketCountResult count(int pid, const std::vector<int>& fds) const override {
    const auto sockets = socket_fds(proc_root(), pid, fds);
    if (!sockets) return SocketCountError{sockets.error()};
    TcpSocketCounts counts;
    counts.method = SocketMethod::kSockDiag;
    if (sockets->empty()) return counts;  // a dump costs milliseconds; no sockets, nothing to match
    std::unordered_set<std::uint32_t> inodes;
    inodes.reserve(sockets->size());
    for (const SocketFd& socket : *sockets) inodes.insert(socket.inode);
    // TIME_WAIT sockets have no inode and can be numerous on a busy host: leave them out of the dump.
    const auto dumped = dump_tcp_sockets(kAllTcpStates & ~tcp_state_bit(6));
    if (!dumped) return SocketCountError{dumped.error()};
    for (const auto& socket : *dumped) {
      if (socket.inode != 0 && socket.state < kTcpStateNames.size() && inodes.contains(socket.inode)) {
        ++counts.by_state[socket.state];
      }
    }
    return counts;
  }
};

}  // namespace

std::unique_ptr<SocketCounter> make_sock_diag_socket_counter(std::string proc_root) {
  return std::make_unique<SockDiagSocketCounter>(std::move(proc_root));
}

}  // namespace openclaw::exporter
