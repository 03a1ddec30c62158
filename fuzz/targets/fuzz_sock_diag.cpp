// Netlink SOCK_DIAG_BY_FAMILY datagrams (exporter/src/sock_diag.cpp): the bytes the kernel answers a dump with.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "sock_diag.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = openclaw::exporter::parse_inet_diag(std::as_bytes(std::span(data, size)));
  if (parsed) {
    // Each socket message takes at least a netlink header and an inet_diag_msg (16 + 72 bytes).
    if (parsed->sockets.size() > size / 88) std::abort();
    if (parsed->error < 0) std::abort();
  }
  return 0;
}
