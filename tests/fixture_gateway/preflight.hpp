#pragma once

#include <CivetServer.h>

#include <nlohmann/json_fwd.hpp>

namespace openclaw::fixture {

struct Fixture;

// The answer of the gateway's `gateway.restart.preflight` RPC (openclaw 2026.9.6, dist/restart-coordinator-*.mjs) for
// `active_tasks` active tasks (the fixture's only kind of work; every other count is 0):
//   {"safe":true,"counts":{"queueSize":0,"pendingReplies":0,"embeddedRuns":0,"cronRuns":0,
//    "backgroundExecSessions":0,"rootRequests":0,"activeTasks":0,"totalActive":0},"blockers":[],
//    "summary":"safe to restart now"}
//   busy: "safe":false, activeTasks = totalActive = N,
//    "blockers":[{"kind":"task","count":N,"message":"N active background task run(s)"}],
//    "summary":"restart deferred: N active background task run(s)"
nlohmann::ordered_json preflight_answer(int active_tasks);

// GET /__fixture/preflight with "Authorization: Bearer <token>": the RPC over plain HTTP (the real one goes over the
// gateway's WebSocket; `openclaw-fixture-gateway gateway call …`, gateway_cli.hpp, is its client). Like a gateway
// path it waits out the response delay and any hang. Answers:
//   200 preflight_answer(active work)
//   401 {"error":"unauthorized","message":"gateway token mismatch"}  a token is configured (--token /
//       OPENCLAW_FIXTURE_TOKEN / OPENCLAW_GATEWAY_TOKEN) and the bearer differs, or no bearer at all
//   503 "Gateway websocket admission closed" (text/plain)  while draining, as the real gateway refuses every RPC
//   405 for other methods
class PreflightHandler : public CivetHandler {
 public:
  explicit PreflightHandler(Fixture& fixture) : fixture_(fixture) {}
  bool handleGet(CivetServer* server, mg_connection* conn) override;
  bool handlePost(CivetServer* server, mg_connection* conn) override;

 private:
  Fixture& fixture_;
};

}  // namespace openclaw::fixture
