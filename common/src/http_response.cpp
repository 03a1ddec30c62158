#include "http_response.hpp"

#include <civetweb.h>

#include <ctime>

namespace openclaw {

// RFC 9110's IMF-fixdate of `t`, formatted with gmtime_r. civetweb adds a Date header to every response that has
// none, formatted with gmtime(): its one static struct tm is shared by every thread, so two responses sent at once
// (two scrapes, a webhook and a status page) wrote it at the same time — a data race ThreadSanitizer reported in
// HookHttpTest.ConcurrentRequestsWhileTheWorkerRestartsAreAllAnsweredAndRestartOnce (docs/testing.md). A Date of our
// own keeps civetweb from calling gmtime() for any response sent here.
std::string http_date(std::time_t t) {
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "Thu, 01 Jan 1970 00:00:00 GMT";
  char text[64];
  const std::size_t size = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(text, size);
}

void send_response(mg_connection* conn, int status, std::string_view content_type, std::string_view body,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
  mg_response_header_start(conn, status);
  const std::string date = http_date(std::time(nullptr));
  mg_response_header_add(conn, "Date", date.c_str(), static_cast<int>(date.size()));
  mg_response_header_add(conn, "Content-Type", content_type.data(), static_cast<int>(content_type.size()));
  const std::string length = std::to_string(body.size());
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  for (const auto& [name, value] : headers) {
    mg_response_header_add(conn, name.c_str(), value.c_str(), static_cast<int>(value.size()));
  }
  mg_response_header_send(conn);
  if (!body.empty()) mg_write(conn, body.data(), body.size());
}

}  // namespace openclaw
