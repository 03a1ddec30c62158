#include "slow_clients.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace openclaw::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct SlowConnection {
  int fd = -1;
  bool connected = false;
  Clock::time_point next_byte;
};

int open_nonblocking(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  (void)::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);  // EINPROGRESS or done
  return fd;
}

void raise_fd_limit(int needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= static_cast<rlim_t>(needed)) return;
  limit.rlim_cur = limit.rlim_max;
  (void)setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

SlowClients::SlowClients(int port, int count, std::chrono::milliseconds interval) {
  raise_fd_limit(3 * count + 256);  // ours, the server's side when it runs in this process, and the rest
  thread_ = std::thread([=, this] { run(port, count, interval); });
}

SlowClients::~SlowClients() {
  stop_ = true;
  thread_.join();
}

void SlowClients::run(int port, int count, std::chrono::milliseconds interval) {
  const std::string request_line = "POST /alerts HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nX-a: ";
  std::vector<SlowConnection> connections(static_cast<std::size_t>(count));
  const auto start = Clock::now();
  for (std::size_t i = 0; i < connections.size(); ++i) {
    connections[i].fd = open_nonblocking(port);
    connections[i].next_byte = start + interval * static_cast<long>(i) / count;
  }
  std::vector<pollfd> fds(connections.size());
  while (!stop_) {
    for (std::size_t i = 0; i < connections.size(); ++i) {
      fds[i] = {connections[i].fd, static_cast<short>(connections[i].connected ? POLLIN : POLLOUT), 0};
    }
    (void)::poll(fds.data(), fds.size(), 20);
    const auto now = Clock::now();
    for (std::size_t i = 0; i < connections.size(); ++i) {
      SlowConnection& c = connections[i];
      bool reopen = c.fd < 0 || (fds[i].revents & (POLLERR | POLLHUP)) != 0;
      if (!reopen && !c.connected && (fds[i].revents & POLLOUT) != 0) {
        c.connected = ::send(c.fd, request_line.data(), request_line.size(), MSG_NOSIGNAL) > 0;
        reopen = !c.connected;
        if (c.connected) ++connected_;
      } else if (!reopen && c.connected && (fds[i].revents & POLLIN) != 0) {
        reopen = true;  // an answer (408/400) or the close: either way the server let go of it
      } else if (!reopen && c.connected && now >= c.next_byte) {
        reopen = ::send(c.fd, "x", 1, MSG_NOSIGNAL) != 1;
        c.next_byte = now + interval;
      }
      if (reopen) {
        if (c.connected) {
          --connected_;
          ++dropped_;
        }
        if (c.fd >= 0) ::close(c.fd);
        c = SlowConnection{open_nonblocking(port), false, now + interval};
      }
    }
  }
  for (const SlowConnection& c : connections) {
    if (c.fd >= 0) ::close(c.fd);
  }
  connected_ = 0;
}

}  // namespace openclaw::testing
