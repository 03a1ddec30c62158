#pragma once

#include <CivetServer.h>

#include <string>

namespace openclaw::fixture {

struct Fixture;

// The gateway's own paths, shaped like openclaw 2026.9.6 (see /work/shared/openclaw-gateway.md):
//   GET/HEAD /healthz, /health    200 {"ok":true,"status":"live"}
//   GET/HEAD /readyz, /ready      200 {"ready":true,"failing":[],"uptimeMs":N,"eventLoop":{...}} or 503 ready:false
//   GET/HEAD /startupz, /startup  200 {"ok":true,"status":"started","version":"2026.9.6-fixture","uptimeMs":N},
//                                 503 {"ok":false,"status":"starting",...} during --ready-after-ms,
//                                 503 {"ok":false,"status":"draining",...} while draining
//   while draining (SIGTERM with active work, shutdown.hpp): /readyz 503 {"ready":false,"failing":["gateway-draining"],
//                                 ...}; /healthz stays 200
//   other methods on those paths  405
//   GET/HEAD / and any other path 200 with the control panel's HTML (the real gateway answers /metrics that way)
//   other methods elsewhere       405
//   any request with X-Forwarded-For: 403 {"error":"proxy_attribution_required"}
// Every answer first waits out the response delay and any hang (GatewayBehaviour::wait_to_answer).
class GatewayHandler : public CivetHandler {
 public:
  explicit GatewayHandler(Fixture& fixture) : fixture_(fixture) {}
  bool handleGet(CivetServer* server, mg_connection* conn) override;
  bool handleHead(CivetServer* server, mg_connection* conn) override;
  bool handlePost(CivetServer* server, mg_connection* conn) override;
  bool handlePut(CivetServer* server, mg_connection* conn) override;
  bool handleDelete(CivetServer* server, mg_connection* conn) override;
  bool handlePatch(CivetServer* server, mg_connection* conn) override;
  bool handleOptions(CivetServer* server, mg_connection* conn) override;

 private:
  bool serve(mg_connection* conn, const std::string& method);
  Fixture& fixture_;
};

// A WebSocket upgrade on any path answers 101 (after the delay; not while hung) and the connection stays open,
// counted in websockets_open, until the client closes it or leaves. While draining: 503 "Gateway websocket admission
// closed" (what the real CLI reports as "gateway rejected websocket upgrade (HTTP 503): …").
class GatewayWebSocket : public CivetWebSocketHandler {
 public:
  explicit GatewayWebSocket(Fixture& fixture) : fixture_(fixture) {}
  bool handleConnection(CivetServer* server, const mg_connection* conn) override;
  void handleReadyState(CivetServer* server, mg_connection* conn) override;
  bool handleData(CivetServer* server, mg_connection* conn, int bits, char* data, size_t data_len) override;
  void handleClose(CivetServer* server, const mg_connection* conn) override;

 private:
  Fixture& fixture_;
};

}  // namespace openclaw::fixture
