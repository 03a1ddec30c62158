#pragma once

#include <chrono>
#include <map>
#include <string>

namespace openclaw::testing {

// A raw WebSocket opening handshake on 127.0.0.1:port (libcurl here has no WebSocket support). The connection
// stays open until the object goes (or close()), so a test can hold upgraded connections.
class WebSocketClient {
 public:
  WebSocketClient() = default;
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;
  WebSocketClient(WebSocketClient&& other) noexcept;
  WebSocketClient& operator=(WebSocketClient&& other) noexcept;

  // Sends the upgrade request and reads the response head. status 0 + error when nothing (complete) arrived
  // within `timeout`. `extra_headers` as "Name: value\r\n" lines.
  static WebSocketClient connect(int port, const std::string& path = "/",
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                 const std::string& extra_headers = {});

  int status = 0;                              // 101 on success
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;
  // The Sec-WebSocket-Accept the server must send for our key (RFC 6455 4.2.2).
  std::string expected_accept;
  bool accept_matches() const;
  void close();

 private:
  int fd_ = -1;
};

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
std::string websocket_accept_for(const std::string& key);

}  // namespace openclaw::testing
