#include "preflight.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "fixture.hpp"
#include "http_reply.hpp"

namespace openclaw::fixture {

nlohmann::ordered_json preflight_answer(int active_tasks) {
  nlohmann::ordered_json counts = {{"queueSize", 0},
                                   {"pendingReplies", 0},
                                   {"embeddedRuns", 0},
                                   {"cronRuns", 0},
                                   {"backgroundExecSessions", 0},
                                   {"rootRequests", 0},
                                   {"activeTasks", active_tasks},
                                   {"totalActive", active_tasks}};
  nlohmann::ordered_json blockers = nlohmann::ordered_json::array();
  std::string summary = "safe to restart now";
  if (active_tasks > 0) {
    const std::string message = std::to_string(active_tasks) + " active background task run(s)";
    blockers.push_back({{"kind", "task"}, {"count", active_tasks}, {"message", message}});
    summary = "restart deferred: " + message;
  }
  return {{"safe", active_tasks == 0}, {"counts", counts}, {"blockers", blockers}, {"summary", summary}};
}

bool PreflightHandler::handleGet(CivetServer*, mg_connection* conn) {
  const InFlight in_flight(fixture_.http_in_flight);
  if (!fixture_.behaviour.wait_to_answer(GatewayBehaviour::Clock::now())) return true;
  if (fixture_.behaviour.draining()) {
    reply_websocket_admission_closed(conn);
    return true;
  }
  const std::string& token = fixture_.options.token;
  const char* authorization = mg_get_header(conn, "Authorization");
  const std::string given = authorization == nullptr ? std::string{} : std::string(authorization);
  const bool bearer = given.starts_with("Bearer ") && given.size() > 7;
  if (!bearer || (!token.empty() && given.substr(7) != token)) {
    reply_json(conn, 401, R"({"error":"unauthorized","message":"gateway token mismatch"})");
    return true;
  }
  reply_json(conn, 200, preflight_answer(fixture_.work.count()).dump());
  return true;
}

bool PreflightHandler::handlePost(CivetServer*, mg_connection* conn) {
  reply_json(conn, 405, R"({"error":"method_not_allowed"})");
  return true;
}

}  // namespace openclaw::fixture
