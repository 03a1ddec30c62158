#pragma once

// TCP sockets of this network namespace through netlink NETLINK_SOCK_DIAG (what `ss` uses), split into the pure
// message parser (tested on dumps captured from a real kernel) and the socket I/O around it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "result.hpp"

namespace openclaw::exporter {

struct InetDiagSocket {
  std::uint32_t inode = 0;  // 0 for sockets no file refers to (TIME_WAIT, request sockets)
  std::uint8_t state = 0;   // kernel TCP state number, as in kTcpStateNames
  std::uint8_t family = 0;  // AF_INET or AF_INET6
};

struct InetDiagBatch {
  std::vector<InetDiagSocket> sockets;
  bool done = false;  // NLMSG_DONE or NLMSG_ERROR seen: the dump is over
  int error = 0;      // positive errno carried by an NLMSG_ERROR message; 0 otherwise
};

// Parses the netlink messages of one or more received datagrams of a SOCK_DIAG_BY_FAMILY dump. Messages of other
// types are skipped. A message whose length runs past the buffer, or a socket message too short to hold an
// inet_diag_msg, is a failure.
Result<InetDiagBatch> parse_inet_diag(std::span<const std::byte> bytes);

// Bit n selects TCP state n (idiag_states).
inline constexpr std::uint32_t kAllTcpStates = 0xffffffffU;
inline constexpr std::uint32_t tcp_state_bit(int state) { return std::uint32_t{1} << state; }

// Runs one dump of the TCP sockets of `family` (AF_INET or AF_INET6) in `state_mask` and hands each received
// datagram to `on_datagram` unparsed (for capturing fixtures); fails when the kernel answers with an error.
Status dump_tcp_raw(std::uint8_t family, std::uint32_t state_mask,
                    const std::function<void(std::span<const std::byte>)>& on_datagram);

// The TCP sockets of both families in `state_mask`. A kernel without IPv6 yields the IPv4 sockets only.
Result<std::vector<InetDiagSocket>> dump_tcp_sockets(std::uint32_t state_mask = kAllTcpStates);

}  // namespace openclaw::exporter
