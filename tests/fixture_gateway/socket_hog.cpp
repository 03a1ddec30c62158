#include "socket_hog.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace openclaw::fixture {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

SocketHog::SocketHog() {
  listener_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener_.valid()) throw std::runtime_error(errno_text("helper listener socket"));
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_.get(), 4096) != 0 ||
      ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(errno_text("helper listener on 127.0.0.1:0"));
  }
  helper_port_ = ntohs(address.sin_port);
}

std::optional<std::pair<UniqueFd, UniqueFd>> SocketHog::connected_pair(std::string& error) {
  UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!client.valid()) {
    error = errno_text("socket");
    return std::nullopt;
  }
  const sockaddr_in address = loopback(helper_port_);
  if (::connect(client.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    error = errno_text("connect to the helper listener");
    return std::nullopt;
  }
  // Loopback connect() returns once the handshake is done, so the connection waits in the accept queue.
  UniqueFd accepted(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!accepted.valid()) {
    error = errno_text("accept on the helper listener");
    return std::nullopt;
  }
  return std::make_pair(std::move(client), std::move(accepted));
}

std::string SocketHog::add_established_pairs(int pairs) {
  const std::lock_guard lock(mutex_);
  std::string error;
  for (int i = 0; i < pairs; ++i) {
    auto pair = connected_pair(error);
    if (!pair) return error;
    established_.push_back(std::move(*pair));
  }
  return {};
}

std::string SocketHog::add_close_wait(int count) {
  const std::lock_guard lock(mutex_);
  std::string error;
  for (int i = 0; i < count; ++i) {
    auto pair = connected_pair(error);
    if (!pair) return error;
    pair->first.reset();  // our FIN reaches the accepted end, which we keep open: CLOSE_WAIT
    close_wait_.push_back(std::move(pair->second));
  }
  return {};
}

int SocketHog::established_pairs() const {
  const std::lock_guard lock(mutex_);
  return static_cast<int>(established_.size());
}

int SocketHog::close_wait() const {
  const std::lock_guard lock(mutex_);
  return static_cast<int>(close_wait_.size());
}

}  // namespace openclaw::fixture
