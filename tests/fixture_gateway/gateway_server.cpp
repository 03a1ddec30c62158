#include "gateway_server.hpp"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "control_api.hpp"
#include "fixture.hpp"
#include "gateway_endpoints.hpp"
#include "preflight.hpp"

namespace openclaw::fixture {

GatewayServer::GatewayServer(Fixture& fixture, int port)
    : gateway_(std::make_unique<GatewayHandler>(fixture)),
      websocket_(std::make_unique<GatewayWebSocket>(fixture)),
      control_(std::make_unique<ControlHandler>(fixture)),
      preflight_(std::make_unique<PreflightHandler>(fixture)) {
  const std::string ports = "127.0.0.1:" + std::to_string(port);
  const std::string threads = std::to_string(fixture.options.http_threads);
  std::vector<const char*> options = {"listening_ports", ports.c_str(), "num_threads", threads.c_str(),
                                      "enable_keep_alive", "no", "request_timeout_ms", "30000",
                                      // how often a WebSocket worker looks at the stop flag
                                      "websocket_timeout_ms", "200", nullptr};
  try {
    server_ = std::make_unique<CivetServer>(options.data());
  } catch (const CivetException& e) {
    throw std::runtime_error("cannot listen on " + ports + ": " + e.what());
  }
  // civetweb takes the first registered handler whose prefix matches: the more specific one goes first.
  server_->addHandler("/__fixture/preflight", *preflight_);
  server_->addHandler("/__fixture/", *control_);
  server_->addHandler("/", *gateway_);
  server_->addWebSocketHandler("/", *websocket_);
  const auto listening = server_->getListeningPorts();
  port_ = listening.empty() ? port : listening.front();
}

GatewayServer::~GatewayServer() {
  if (!server_) return;
  // civetweb's accept loop polls with a ~2 s timeout and looks at its stop flag only between polls; a connection
  // wakes it at once, so shutdown takes milliseconds instead of up to 2 s.
  std::jthread waker([port = port_](std::stop_token stop) {
    while (!stop.stop_requested()) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd >= 0) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
        ::close(fd);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  server_->close();
}

}  // namespace openclaw::fixture
