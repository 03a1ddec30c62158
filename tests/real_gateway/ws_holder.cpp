// ws_holder PORT COUNT MODE: opens COUNT WebSocket upgrades to 127.0.0.1:PORT, prints "ready <n upgraded>" and then
// holds them until killed. The leak experiment SIGKILLs it, so the client side vanishes the way a crashed client
// (or a killed browser tab) does.
//   MODE drain       keep reading whatever the gateway sends (the kernel then sends FIN when we die)
//   MODE half-close  shutdown(SHUT_WR) every connection once upgraded (FIN now), keep reading
//   MODE idle        never read (whatever the gateway sent is unread; dying then sends RST)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

// Why upgrades failed: the response's status line, or what went wrong before one arrived.
std::map<std::string, int> failures;

int upgrade(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    failures[std::string("connect: ") + std::strerror(errno)] += 1;
    close(fd);
    return -1;
  }
  const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    failures[std::string("send: ") + std::strerror(errno)] += 1;
    close(fd);
    return -1;
  }
  // Read the response head only, byte by byte, so nothing after it is consumed.
  std::string head;
  char c = 0;
  while (head.size() < 8192 && !head.ends_with("\r\n\r\n") && recv(fd, &c, 1, 0) == 1) head += c;
  if (!head.starts_with("HTTP/1.1 101")) {
    const auto eol = head.find("\r\n");
    failures[head.empty() ? "no response (closed or timed out)" : head.substr(0, eol)] += 1;
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PORT COUNT drain|half-close|idle\n", argv[0]);
    return 2;
  }
  const int port = std::stoi(argv[1]);
  const int count = std::stoi(argv[2]);
  const std::string mode = argv[3];
  std::vector<pollfd> fds;
  for (int i = 0; i < count; ++i) {
    const int fd = upgrade(port);
    if (fd >= 0) fds.push_back({fd, POLLIN, 0});
  }
  if (mode == "half-close") {
    for (const auto& p : fds) shutdown(p.fd, SHUT_WR);
  }
  for (const auto& [reason, n] : failures) std::printf("failed %d: %s\n", n, reason.c_str());
  std::printf("ready %zu\n", fds.size());
  std::fflush(stdout);
  char buffer[4096];
  for (;;) {
    if (mode == "idle" || fds.empty()) {
      pause();
      continue;
    }
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    for (auto& p : fds) {
      if (p.fd < 0 || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      // Keep the fd open even at EOF: the client process still holds it (it only "vanishes" when killed).
      // poll() ignores negative fds; ~fd keeps the fd open and out of the poll set.
      if (recv(p.fd, buffer, sizeof buffer, 0) <= 0) p.fd = ~p.fd;
    }
  }
}
