#include "http_reply.hpp"

#include <civetweb.h>

#include <cstring>
#include <string>

namespace openclaw::fixture {

void reply(mg_connection* conn, int status, std::string_view content_type, std::string_view body) {
  const mg_request_info* request = mg_get_request_info(conn);
  const bool head = request->request_method != nullptr && std::strcmp(request->request_method, "HEAD") == 0;
  mg_response_header_start(conn, status);
  mg_response_header_add(conn, "Content-Type", content_type.data(), static_cast<int>(content_type.size()));
  const std::string length = std::to_string(body.size());
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  mg_response_header_send(conn);
  if (!head && !body.empty()) mg_write(conn, body.data(), body.size());
}

void reply_json(mg_connection* conn, int status, std::string_view json) {
  reply(conn, status, "application/json; charset=utf-8", json);
}

void reply_websocket_admission_closed(mg_connection* conn) {
  reply(conn, 503, "text/plain; charset=utf-8", kAdmissionClosed);
}

void refuse_websocket_upgrade(mg_connection* conn) {
  // Raw: inside the WebSocket connect callback civetweb has already switched the connection to the WebSocket
  // protocol, and its response-header functions refuse to write.
  mg_printf(conn,
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n%.*s",
            static_cast<int>(kAdmissionClosed.size()), static_cast<int>(kAdmissionClosed.size()),
            kAdmissionClosed.data());
}

}  // namespace openclaw::fixture
