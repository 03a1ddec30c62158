#include "gateway_endpoints.hpp"

#include <nlohmann/json.hpp>

#include "fixture.hpp"
#include "http_reply.hpp"

namespace openclaw::fixture {
namespace {

constexpr std::string_view kControlPanel =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>OpenClaw Control</title></head>\n"
    "<body><div id=\"app\">OpenClaw Gateway control panel (fixture)</div>"
    "<script type=\"module\" src=\"/assets/index.js\"></script></body></html>\n";

bool is_one_of(const std::string& path, std::initializer_list<const char*> paths) {
  for (const char* candidate : paths) {
    if (path == candidate) return true;
  }
  return false;
}

}  // namespace

bool GatewayHandler::handleGet(CivetServer*, mg_connection* conn) { return serve(conn, "GET"); }
bool GatewayHandler::handleHead(CivetServer*, mg_connection* conn) { return serve(conn, "HEAD"); }
bool GatewayHandler::handlePost(CivetServer*, mg_connection* conn) { return serve(conn, "POST"); }
bool GatewayHandler::handlePut(CivetServer*, mg_connection* conn) { return serve(conn, "PUT"); }
bool GatewayHandler::handleDelete(CivetServer*, mg_connection* conn) { return serve(conn, "DELETE"); }
bool GatewayHandler::handlePatch(CivetServer*, mg_connection* conn) { return serve(conn, "PATCH"); }
bool GatewayHandler::handleOptions(CivetServer*, mg_connection* conn) { return serve(conn, "OPTIONS"); }

bool GatewayHandler::serve(mg_connection* conn, const std::string& method) {
  const InFlight in_flight(fixture_.http_in_flight);
  const auto arrived = GatewayBehaviour::Clock::now();
  if (!fixture_.behaviour.wait_to_answer(arrived)) return true;  // stopping: answer nothing, civetweb closes

  if (mg_get_header(conn, "X-Forwarded-For") != nullptr) {
    reply_json(conn, 403, R"({"error":"proxy_attribution_required"})");
    return true;
  }
  const mg_request_info* request = mg_get_request_info(conn);
  const std::string path = request->local_uri != nullptr ? request->local_uri : "/";
  const bool readable = method == "GET" || method == "HEAD";
  const bool health = is_one_of(path, {"/healthz", "/health"});
  const bool ready = is_one_of(path, {"/readyz", "/ready"});
  const bool startup = is_one_of(path, {"/startupz", "/startup"});

  if (!readable) {
    reply_json(conn, 405, R"({"error":"method_not_allowed"})");
    return true;
  }
  const auto uptime_ms = fixture_.behaviour.uptime().count();
  if (health) {
    reply_json(conn, 200, R"({"ok":true,"status":"live"})");
  } else if (ready) {
    const auto readiness = fixture_.behaviour.readiness();
    const nlohmann::json body = {{"ready", readiness.ready},
                                 {"failing", readiness.failing},
                                 {"uptimeMs", uptime_ms},
                                 {"eventLoop", fixture_.behaviour.event_loop_json()}};
    reply_json(conn, readiness.ready ? 200 : 503, body.dump());
  } else if (startup) {
    const bool draining = fixture_.behaviour.draining();
    const bool started = fixture_.behaviour.started() && !draining;
    const char* status = draining ? "draining" : (started ? "started" : "starting");
    const nlohmann::json body = {
        {"ok", started}, {"status", status}, {"version", "2026.9.6-fixture"}, {"uptimeMs", uptime_ms}};
    reply_json(conn, started ? 200 : 503, body.dump());
  } else {
    reply(conn, 200, "text/html; charset=utf-8", kControlPanel);
  }
  return true;
}

bool GatewayWebSocket::handleConnection(CivetServer*, const mg_connection* conn) {
  const InFlight in_flight(fixture_.http_in_flight);
  if (!fixture_.behaviour.wait_to_answer(GatewayBehaviour::Clock::now())) return false;
  if (fixture_.behaviour.draining()) {
    // civetweb sends nothing itself when the connect handler refuses: this answer is the whole response.
    refuse_websocket_upgrade(const_cast<mg_connection*>(conn));
    return false;
  }
  return true;
}

void GatewayWebSocket::handleReadyState(CivetServer*, mg_connection*) { ++fixture_.websockets_open; }

bool GatewayWebSocket::handleData(CivetServer*, mg_connection*, int, char*, size_t) { return true; }

void GatewayWebSocket::handleClose(CivetServer*, const mg_connection*) { --fixture_.websockets_open; }

}  // namespace openclaw::fixture
