#include "handlers.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "http_request.hpp"
#include "http_response.hpp"
#include "webhook.hpp"

namespace openclaw::hook {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain; charset=utf-8";

std::string error_json(const std::string& reason) {
  return nlohmann::json{{"status", "error"}, {"error", reason}}.dump(-1, ' ', false,
                                                                     nlohmann::json::error_handler_t::replace);
}

// A web page can send a cross-origin POST without asking first (no CORS preflight) only with a form's content types
// (text/plain, application/x-www-form-urlencoded, multipart/form-data): state changes take JSON only. The reason for
// a refusal (415), or empty.
std::string unsupported_content_type(mg_connection* conn) {
  const std::string_view type = request_header(conn, "Content-Type");
  if (is_json_content_type(type)) return {};
  return fmt::format("Content-Type must be application/json (got \"{}\"): requests that change state take JSON only, "
                     "so that no web page can send one without the browser asking this server first",
                     std::string(type.substr(0, 100)));
}

}  // namespace

bool AlertsHandler::handleGet(CivetServer*, mg_connection* conn) {
  metrics_.webhook(405);
  return not_allowed(conn);
}

void AlertsHandler::answer(mg_connection* conn, int code, const std::string& body) {
  metrics_.webhook(code);
  if (code == 200) {
    // The storm path: headers and body in ONE write. Two writes (headers, then body) meet Nagle's algorithm and
    // the client's delayed ACK and cost ~40 ms per request on a keep-alive connection.
    const std::string response = fmt::format(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\r\n{}",
        body.size(), body);
    mg_write(conn, response.data(), response.size());
    return;
  }
  // After an error the rest of a body may be unread: close rather than parse it as the next request.
  send_response(conn, code, kJson, body, {{"Connection", "close"}});
}

bool AlertsHandler::post(mg_connection* conn) {
  if (const std::string refused = unsupported_content_type(conn); !refused.empty()) {
    answer(conn, 415, error_json(refused));
    return true;
  }
  const BodyResult body = read_request_body(conn, max_body_bytes_);
  if (!body.body) {
    if (body.error == BodyError::kTooLarge) {
      answer(conn, 413, error_json(fmt::format("request body larger than {} bytes", max_body_bytes_)));
    } else {
      answer(conn, 400, error_json("cannot read the request body"));
    }
    return true;
  }
  const auto payload = parse_webhook(*body.body);
  if (!payload) {
    spdlog::debug("refused a webhook: {}", payload.error());
    answer(conn, 400, error_json(payload.error()));
    return true;
  }
  const auto decisions = engine_.handle(*payload);
  if (!decisions) {
    // Nothing ran: Alertmanager retries on 5xx, and that retry may act once the disk is writable again.
    answer(conn, 500, error_json("cannot record the decision: " + decisions.error()));
    return true;
  }
  answer(conn, 200, nlohmann::json{{"status", "success"}, {"decisions", *decisions}}.dump(
                        -1, ' ', false, nlohmann::json::error_handler_t::replace));
  return true;
}

bool HealthzHandler::get(mg_connection* conn) {
  send_response(conn, 200, kText, "ok\n");
  return true;
}

bool IndexHandler::get(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  if (info->local_uri == nullptr || std::strcmp(info->local_uri, "/") != 0) {
    send_response(conn, 404, kText, "404 not found\n");
    return true;
  }
  send_response(conn, 200, "text/html; charset=utf-8",
                render_index(engine_.config(), engine_.dry_run(), engine_.recent_decisions()));
  return true;
}

bool DecisionsHandler::get(mg_connection* conn) {
  const auto decisions = engine_.recent_decisions();
  send_response(conn, 200, kJson,
                nlohmann::json{{"status", "success"}, {"data", decisions}}.dump(
                    -1, ' ', false, nlohmann::json::error_handler_t::replace));
  return true;
}

bool CircuitResetHandler::post(mg_connection* conn) {
  if (const std::string refused = unsupported_content_type(conn); !refused.empty()) {
    send_response(conn, 415, kJson, error_json(refused), {{"Connection", "close"}});
    return true;
  }
  const mg_request_info* info = mg_get_request_info(conn);
  char gateway[128] = {0};
  const char* query = info->query_string != nullptr ? info->query_string : "";
  if (mg_get_var(query, std::strlen(query), "gateway", gateway, sizeof gateway) <= 0) {
    send_response(conn, 400, kJson, error_json("expected ?gateway=NAME"));
    return true;
  }
  const std::string who = info->remote_addr;
  const Status reset = engine_.reset_circuit(gateway, who);
  if (!reset) {
    send_response(conn, reset.error().starts_with("unknown gateway") ? 404 : 500, kJson, error_json(reset.error()));
    return true;
  }
  send_response(conn, 200, kJson, nlohmann::json{{"status", "success"}, {"gateway", gateway}}.dump());
  return true;
}

}  // namespace openclaw::hook
