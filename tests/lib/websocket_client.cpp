#include "websocket_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

namespace openclaw::testing {
namespace {

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string random_key() {
  std::array<unsigned char, 16> nonce{};
  std::random_device random;
  for (auto& byte : nonce) byte = static_cast<unsigned char>(random() & 0xFF);
  return base64(nonce.data(), nonce.size());
}

}  // namespace

std::string websocket_accept_for(const std::string& key) {
  const std::string text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return base64(digest.data(), digest.size());
}

WebSocketClient::~WebSocketClient() { close(); }

WebSocketClient::WebSocketClient(WebSocketClient&& other) noexcept
    : status(other.status),
      headers(std::move(other.headers)),
      error(std::move(other.error)),
      expected_accept(std::move(other.expected_accept)),
      fd_(std::exchange(other.fd_, -1)) {}

WebSocketClient& WebSocketClient::operator=(WebSocketClient&& other) noexcept {
  if (this != &other) {
    close();
    status = other.status;
    headers = std::move(other.headers);
    error = std::move(other.error);
    expected_accept = std::move(other.expected_accept);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void WebSocketClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool WebSocketClient::accept_matches() const {
  const auto it = headers.find("sec-websocket-accept");
  return it != headers.end() && it->second == expected_accept;
}

WebSocketClient WebSocketClient::connect(int port, const std::string& path, std::chrono::milliseconds timeout,
                                         const std::string& extra_headers) {
  WebSocketClient client;
  client.fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (client.fd_ < 0) {
    client.error = std::string("socket: ") + std::strerror(errno);
    return client;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(client.fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    client.error = std::string("connect: ") + std::strerror(errno);
    client.close();
    return client;
  }
  const std::string key = random_key();
  client.expected_accept = websocket_accept_for(key);
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                              "\r\nSec-WebSocket-Version: 13\r\n" + extra_headers + "\r\n";
  if (::send(client.fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    client.error = std::string("send: ") + std::strerror(errno);
    return client;
  }
  std::string head;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (head.find("\r\n\r\n") == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    pollfd pfd{client.fd_, POLLIN, 0};
    if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) {
      client.error = "no complete response within " + std::to_string(timeout.count()) + " ms";
      return client;
    }
    char buffer[1024];
    const ssize_t n = ::recv(client.fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      client.error = "connection closed before a complete response";
      return client;
    }
    head.append(buffer, static_cast<std::size_t>(n));
  }
  head.resize(head.find("\r\n\r\n"));
  std::size_t start = 0;
  bool first = true;
  while (start <= head.size()) {
    const auto end = std::min(head.find("\r\n", start), head.size());
    const std::string line = head.substr(start, end - start);
    if (first) {
      // HTTP/1.1 101 Switching Protocols
      const auto space = line.find(' ');
      if (space != std::string::npos) client.status = std::atoi(line.c_str() + space + 1);
      first = false;
    } else if (const auto colon = line.find(':'); colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      client.headers[name] = value;
    }
    start = end + 2;
  }
  return client;
}

}  // namespace openclaw::testing
