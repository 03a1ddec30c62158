#include "sock_diag.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "proc_io.hpp"

namespace openclaw::exporter {
namespace {

// NLMSG_ALIGN/NLMSG_HDRLEN without the macros' C casts.
constexpr std::size_t netlink_align(std::size_t length) {
  return (length + NLMSG_ALIGNTO - 1) & ~std::size_t{NLMSG_ALIGNTO - 1};
}
constexpr std::size_t kHeaderLength = netlink_align(sizeof(nlmsghdr));

template <typename T>
T load(std::span<const std::byte> bytes) {
  T value;
  std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

std::string at_offset(std::size_t offset) { return " at offset " + std::to_string(offset); }

// Feeds every received datagram to `on_datagram` with its parsed form, until the dump is over.
Status run_dump(std::uint8_t family, std::uint32_t state_mask,
                const std::function<void(std::span<const std::byte>, const InetDiagBatch&)>& on_datagram,
                int& kernel_error) {
  kernel_error = 0;
  const UniqueFd sock(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (!sock.valid()) return Status::failure("socket(NETLINK_SOCK_DIAG): " + errno_text(errno));

  struct Request {
    nlmsghdr header;
    inet_diag_req_v2 body;
  } request{};
  request.header.nlmsg_len = sizeof(request);
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 1;
  request.body.sdiag_family = family;
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_states = state_mask;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(sock.get(), &request, sizeof(request), 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof(kernel)) <
      0) {
    return Status::failure("sock_diag request: " + errno_text(errno));
  }

  // Larger than any dump datagram the kernel builds (it fills at most ~32 KiB per skb), so nothing is cut off. On
  // the heap: scrapes may run on threads with small stacks.
  std::vector<std::byte> buffer(std::size_t{64} * 1024);
  for (;;) {
    iovec io{buffer.data(), buffer.size()};
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    const ssize_t got = ::recvmsg(sock.get(), &message, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::failure("sock_diag receive: " + errno_text(errno));
    }
    if (got == 0) return Status::failure("sock_diag: connection closed before the end of the dump");
    if ((message.msg_flags & MSG_TRUNC) != 0) return Status::failure("sock_diag datagram truncated");
    const std::span<const std::byte> datagram(buffer.data(), static_cast<std::size_t>(got));
    const auto batch = parse_inet_diag(datagram);
    if (!batch.ok()) return Status::failure("sock_diag: " + batch.error());
    on_datagram(datagram, *batch);
    if (batch->error != 0) {
      kernel_error = batch->error;
      return Status::failure("sock_diag dump: " + errno_text(batch->error));
    }
    if (batch->done) return Ok{};
  }
}

}  // namespace

Result<InetDiagBatch> parse_inet_diag(std::span<const std::byte> bytes) {
  InetDiagBatch batch;
  std::size_t offset = 0;
  while (offset < bytes.size() && !batch.done) {
    const auto rest = bytes.subspan(offset);
    if (rest.size() < sizeof(nlmsghdr)) return Result<InetDiagBatch>::failure("truncated header" + at_offset(offset));
    const auto header = load<nlmsghdr>(rest);
    if (header.nlmsg_len < kHeaderLength || header.nlmsg_len > rest.size()) {
      return Result<InetDiagBatch>::failure("message length " + std::to_string(header.nlmsg_len) + " invalid" +
                                            at_offset(offset));
    }
    const auto payload = rest.subspan(kHeaderLength, header.nlmsg_len - kHeaderLength);
    if (header.nlmsg_type == NLMSG_DONE) {
      batch.done = true;
    } else if (header.nlmsg_type == NLMSG_ERROR) {
      if (payload.size() < sizeof(nlmsgerr))
        return Result<InetDiagBatch>::failure("truncated error" + at_offset(offset));
      // 0 is an acknowledgement, which also ends a request; else a negated errno (the kernel's MAX_ERRNO is 4095).
      // Anything else is not a kernel's answer — and negating INT_MIN was undefined behaviour (fuzz_sock_diag).
      const int error = load<nlmsgerr>(payload).error;
      if (error > 0 || error < -4095) {
        return Result<InetDiagBatch>::failure("error " + std::to_string(error) + " is not a negated errno" +
                                              at_offset(offset));
      }
      batch.error = -error;
      batch.done = true;
    } else if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
      if (payload.size() < sizeof(inet_diag_msg)) {
        return Result<InetDiagBatch>::failure("truncated inet_diag_msg" + at_offset(offset));
      }
      // Attributes after the fixed part (INET_DIAG_INFO and the like) are not asked for and not needed.
      const auto socket = load<inet_diag_msg>(payload);
      batch.sockets.push_back({socket.idiag_inode, socket.idiag_state, socket.idiag_family});
    }
    offset += netlink_align(header.nlmsg_len);
  }
  return batch;
}

Status dump_tcp_raw(std::uint8_t family, std::uint32_t state_mask,
                    const std::function<void(std::span<const std::byte>)>& on_datagram) {
  int kernel_error = 0;
  return run_dump(
      family, state_mask, [&](std::span<const std::byte> datagram, const InetDiagBatch&) { on_datagram(datagram); },
      kernel_error);
}

Result<std::vector<InetDiagSocket>> dump_tcp_sockets(std::uint32_t state_mask) {
  std::vector<InetDiagSocket> sockets;
  const auto collect = [&](std::span<const std::byte>, const InetDiagBatch& batch) {
    sockets.insert(sockets.end(), batch.sockets.begin(), batch.sockets.end());
  };
  int kernel_error = 0;
  if (const auto v4 = run_dump(AF_INET, state_mask, collect, kernel_error); !v4.ok()) {
    return Result<std::vector<InetDiagSocket>>::failure("IPv4: " + v4.error());
  }
  // Without IPv6 in the kernel there is no AF_INET6 handler: the kernel answers ENOENT.
  if (const auto v6 = run_dump(AF_INET6, state_mask, collect, kernel_error); !v6.ok() && kernel_error != ENOENT) {
    return Result<std::vector<InetDiagSocket>>::failure("IPv6: " + v6.error());
  }
  return sockets;
}

}  // namespace openclaw::exporter
