#pragma once

#include <memory>

class CivetServer;

namespace openclaw::fixture {

struct Fixture;
class GatewayHandler;
class GatewayWebSocket;
class ControlHandler;
class PreflightHandler;

// The civetweb server on 127.0.0.1:port with the gateway paths, the WebSocket upgrade and the control API.
// Keep-alive is off, so a connection's server end is closed right after its response (socket_hog.hpp rules).
// Throws std::runtime_error naming the port when it cannot listen.
class GatewayServer {
 public:
  GatewayServer(Fixture& fixture, int port);
  ~GatewayServer();
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;
  GatewayServer(GatewayServer&&) = delete;
  GatewayServer& operator=(GatewayServer&&) = delete;

  int port() const { return port_; }

 private:
  std::unique_ptr<GatewayHandler> gateway_;
  std::unique_ptr<GatewayWebSocket> websocket_;
  std::unique_ptr<ControlHandler> control_;
  std::unique_ptr<PreflightHandler> preflight_;
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

}  // namespace openclaw::fixture
