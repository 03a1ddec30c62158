#pragma once

#include <string_view>

struct mg_connection;

namespace openclaw::fixture {

// A complete response with Content-Length; for HEAD requests the body is left out (the length is kept).
void reply(mg_connection* conn, int status, std::string_view content_type, std::string_view body);
void reply_json(mg_connection* conn, int status, std::string_view json);
// 503 with the real gateway's text for a WebSocket (so RPC) connection during a drain.
inline constexpr std::string_view kAdmissionClosed = "Gateway websocket admission closed";
void reply_websocket_admission_closed(mg_connection* conn);
// The same answer to a WebSocket upgrade, from civetweb's WebSocket connect callback.
void refuse_websocket_upgrade(mg_connection* conn);

}  // namespace openclaw::fixture
