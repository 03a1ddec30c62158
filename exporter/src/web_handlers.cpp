#include "web_handlers.hpp"

#include <fmt/format.h>
#include <openssl/sha.h>

#include <charconv>
#include <cmath>

#include "build_info.hpp"
#include "credentials.hpp"
#include "gateway_collector.hpp"
#include "http_request.hpp"
#include "http_response.hpp"
#include "metrics_handler.hpp"

namespace openclaw::exporter {
namespace {

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string sha256(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

std::chrono::milliseconds scrape_timeout(std::string_view header, std::chrono::milliseconds limit,
                                         std::chrono::milliseconds offset) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  double seconds = 0;
  const auto [ptr, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || ec != std::errc{} || ptr != header.data() + header.size() || !std::isfinite(seconds) ||
      seconds <= 0) {
    return limit;
  }
  const auto asked = std::chrono::milliseconds(static_cast<long long>(std::min(seconds, 86400.0) * 1000));
  return std::min(limit, std::max(asked - offset, asked / 2));
}

std::string ScrapeHandler::render(std::string_view timeout_header) const {
  const auto deadline = std::chrono::steady_clock::now() + scrape_timeout(timeout_header, limit_, offset_);
  return serialize_metrics(collector_.collect(deadline), constant_labels_);
}

bool ScrapeHandler::handleGet(CivetServer* /*server*/, mg_connection* conn) {
  send_metrics_text(conn, render(request_header(conn, "X-Prometheus-Scrape-Timeout-Seconds")));
  return true;
}

LandingPageHandler::LandingPageHandler(const ExporterConfig& config) {
  std::string rows;
  for (const auto& g : config.gateways) {
    const std::string found_by = !g.pid_file.empty()        ? "pid file " + g.pid_file
                                 : !g.cmdline_regex.empty() ? "cmdline /" + g.cmdline_regex + "/"
                                                            : "unit MainPID";
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(g.name),
                        html_escape(g.unit.empty() ? "-" : g.unit), html_escape(found_by), html_escape(g.url));
  }
  page_ = fmt::format(
      "<!DOCTYPE html>\n<html><head><title>OpenClaw Gateway Exporter</title></head><body>\n"
      "<h1>OpenClaw Gateway Exporter</h1>\n<p>Version {} (revision {}), host {}</p>\n"
      "<p><a href=\"{}\">Metrics</a></p>\n"
      "<table border=\"1\"><tr><th>gateway</th><th>unit</th><th>found by</th><th>probe URL</th></tr>\n{}</table>\n"
      "</body></html>\n",
      kVersion, kRevision, html_escape(config.host), html_escape(config.telemetry_path), rows);
}

bool LandingPageHandler::handleGet(CivetServer* /*server*/, mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  if (std::string_view(info->local_uri) != "/") {
    send_response(conn, 404, "text/plain; charset=utf-8", "404 page not found\n");
    return true;
  }
  send_response(conn, 200, "text/html; charset=utf-8", page_);
  return true;
}

bool BasicAuthHandler::check(std::string_view authorization_header) {
  const auto credentials = parse_basic_authorization(authorization_header);
  if (!credentials) return false;
  const auto it = users_.find(credentials->first);
  if (it == users_.end()) return false;
  const std::string digest = sha256(authorization_header);
  {
    std::lock_guard lock(mutex_);
    if (verified_.contains(digest)) return true;
  }
  if (!bcrypt_matches(credentials->second, it->second)) return false;
  std::lock_guard lock(mutex_);
  if (verified_.size() > 64) verified_.clear();  // bounded: a handful of scrapers use one header each
  verified_.insert(digest);
  return true;
}

bool BasicAuthHandler::authorize(CivetServer* /*server*/, mg_connection* conn) {
  if (check(request_header(conn, "Authorization"))) return true;
  send_response(conn, 401, "text/plain; charset=utf-8", "Unauthorized\n",
                {{"WWW-Authenticate", "Basic realm=\"openclaw-gateway-exporter\""}});
  return false;
}

}  // namespace openclaw::exporter
