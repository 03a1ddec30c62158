#include "hook_server.hpp"

namespace openclaw::hook {

HookServer::HookServer(const Config& config, const std::string& listen_address, Engine& engine,
                       HookMetrics& metrics, Credentials credentials)
    : auth_(std::move(credentials),
            [&metrics](std::string_view uri) {
              if (uri == "/alerts") metrics.webhook(401);
            }),
      alerts_(engine, metrics, config.max_body_bytes),
      index_(engine),
      decisions_(engine),
      circuit_reset_(engine),
      metrics_handler_({metrics.registry()}) {
  HttpServerOptions options;
  options.listen_address = listen_address;
  options.tls_cert_file = config.tls.cert_file;
  options.tls_key_file = config.tls.key_file;
  // civetweb keeps a thread per keep-alive connection: enough for an HA pair, a scraper and a burst of retries.
  options.num_threads = 32;
  const bool authenticate = config.auth.enabled();
  server_ = std::make_unique<HttpServer>(options);
  if (authenticate) {
    // civetweb picks an exact match first, so /healthz escapes the catch-all "/".
    server_->add_auth_handler("/", auth_);
    server_->add_auth_handler("/healthz", open_);
  }
  server_->add_handler("/alerts", alerts_);
  server_->add_handler("/healthz", healthz_);
  server_->add_handler("/metrics", metrics_handler_);
  server_->add_handler("/api/v1/decisions", decisions_);
  server_->add_handler("/api/v1/circuit/reset", circuit_reset_);
  server_->add_handler("/", index_);
}

int HookServer::port() const {
  const auto ports = server_->listening_ports();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace openclaw::hook
