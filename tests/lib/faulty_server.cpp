#include "faulty_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace openclaw::testing {
namespace {

// Waits up to `ms` for fd to be readable; false on timeout or when `stop` is set meanwhile.
bool faulty_readable(int fd, int ms, const std::atomic<bool>& stop) {
  for (int waited = 0; waited < ms && !stop.load(); waited += 50) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 50) > 0) return true;
  }
  return false;
}

void faulty_write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// Reads until the blank line that ends a request head (or the peer goes, or 5 s pass).
bool faulty_read_head(int fd, const std::atomic<bool>& stop) {
  std::string head;
  char buffer[1024];
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (!faulty_readable(fd, 5000, stop)) return false;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    head.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

const std::string& FaultyHttpServer::trickled_answer() {
  static const std::string answer = [] {
    const std::string body = R"({"ready":true,"failing":[],"uptimeMs":42000})";
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
  }();
  return answer;
}

FaultyHttpServer::FaultyHttpServer(Fault fault, std::chrono::milliseconds trickle_interval)
    : fault_(fault), trickle_interval_(trickle_interval) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("FaultyHttpServer: ") + std::strerror(errno));
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      if (!faulty_readable(listen_fd_, 100, stop_)) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      serve(fd);
    }
  });
}

FaultyHttpServer::~FaultyHttpServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void FaultyHttpServer::serve(int fd) {
  if (!faulty_read_head(fd, stop_)) {
    ::close(fd);
    return;
  }
  ++requests_;
  switch (fault_) {
    case Fault::kReset: {
      const linger abort{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
      break;
    }
    case Fault::kTrickle:
      for (const char byte : trickled_answer()) {
        if (::send(fd, &byte, 1, MSG_NOSIGNAL) != 1 || stop_.load()) break;
        // Stop early when the client went away (it timed out): the next test must not wait for us.
        pollfd pfd{fd, POLLIN | POLLRDHUP, 0};
        std::this_thread::sleep_for(trickle_interval_);
        if (::poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) break;
      }
      break;
    case Fault::kGarbage200: {
      const std::string body = "<html><body>502 Bad Gateway? No: 200, and not JSON</body></html>\n";
      faulty_write_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nConnection: close\r\n\r\n" + body);
      break;
    }
    case Fault::kNotHttp: {
      static constexpr char kTlsHelloThenJunk[] = "\x16\x03\x01\x00\x05garbage\r\n\r\n";
      faulty_write_all(fd, std::string(kTlsHelloThenJunk, sizeof kTlsHelloThenJunk - 1));
      break;
    }
  }
  ::close(fd);
}

std::string bus_fault_name(BusFault fault) {
  switch (fault) {
    case BusFault::kNeverAccepts: return "NeverAccepts";
    case BusFault::kSilent: return "AcceptsAndNeverAnswers";
    case BusFault::kClosesAtOnce: return "ClosesAtOnce";
    case BusFault::kStaleSocket: return "StaleSocketNobodyListens";
  }
  return "Unknown";
}

FaultyBusSocket::FaultyBusSocket(const std::string& path, BusFault fault) : path_(path), fault_(fault) {
  ::unlink(path_.c_str());
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path_.size() >= sizeof address.sun_path) throw std::runtime_error("FaultyBusSocket: path too long: " + path_);
  std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    throw std::runtime_error("FaultyBusSocket: " + path_ + ": " + std::strerror(errno));
  }
  if (fault_ == BusFault::kStaleSocket) {
    ::close(listen_fd_);  // the file stays, nobody listens: connect() gets ECONNREFUSED
    listen_fd_ = -1;
    return;
  }
  if (fault_ == BusFault::kNeverAccepts) return;  // connect() completes into the backlog; nobody ever reads
  thread_ = std::thread([this] {
    std::vector<int> held;
    while (!stop_.load()) {
      if (!faulty_readable(listen_fd_, 100, stop_)) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      if (fault_ == BusFault::kClosesAtOnce) {
        ::close(fd);
      } else {
        held.push_back(fd);  // kSilent: kept open, never answered
      }
    }
    for (const int fd : held) ::close(fd);
  });
}

FaultyBusSocket::~FaultyBusSocket() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  ::unlink(path_.c_str());
}

}  // namespace openclaw::testing
