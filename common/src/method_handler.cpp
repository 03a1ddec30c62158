#include "method_handler.hpp"

#include <fmt/format.h>

#include "http_response.hpp"

namespace openclaw {

bool MethodHandler::handleGet(CivetServer*, mg_connection* conn) { return get(conn); }
bool MethodHandler::handlePost(CivetServer*, mg_connection* conn) { return post(conn); }
bool MethodHandler::handleHead(CivetServer*, mg_connection* conn) { return not_allowed(conn); }
bool MethodHandler::handlePut(CivetServer*, mg_connection* conn) { return not_allowed(conn); }
bool MethodHandler::handleDelete(CivetServer*, mg_connection* conn) { return not_allowed(conn); }
bool MethodHandler::handleOptions(CivetServer*, mg_connection* conn) { return not_allowed(conn); }
bool MethodHandler::handlePatch(CivetServer*, mg_connection* conn) { return not_allowed(conn); }
bool MethodHandler::get(mg_connection* conn) { return not_allowed(conn); }
bool MethodHandler::post(mg_connection* conn) { return not_allowed(conn); }

bool MethodHandler::not_allowed(mg_connection* conn) {
  send_response(conn, 405, "text/plain; charset=utf-8", fmt::format("405 method not allowed (allowed: {})\n", allow_),
                {{"Allow", allow_}, {"Connection", "close"}});
  return true;
}

}  // namespace openclaw
