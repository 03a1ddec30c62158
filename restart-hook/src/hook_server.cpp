#include "hook_server.hpp"

#include "host_label.hpp"

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
      metrics_handler_({metrics.registry()}, host_labels(config.host)) {
  HttpServerOptions options;
  options.listen_address = listen_address;
  options.tls_cert_file = config.tls.cert_file;
  options.tls_key_file = config.tls.key_file;
  // A thread per connection. 256 (~8 MiB of RSS once each has served: docs/benchmarks.md) with the 2 s request
  // timeout: behind 500 connections that trickle their headers (slowloris), Alertmanager's delivery waits
  // ~ceil(500 / 256) * 2 s = 4 s at most
  // (tests/restart_hook/slow_clients_test.cpp). 500 ms halved that but cut off a webhook whose body came >500 ms
  // after its headers on a loaded machine (seen under ASan in CI).
  options.num_threads = 256;
  options.allowed_hosts = config.allowed_hosts;
  options.allowed_hosts_setting = "the hook's allowed_hosts";
  options.on_refused = [&metrics](std::string_view uri, int status) {
    if (uri == "/alerts") metrics.webhook(status);
  };
  const bool authenticate = config.auth.enabled();
  options.hold_until_serve = true;
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
  server_->serve();
}

int HookServer::port() const {
  const auto ports = server_->listening_ports();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace openclaw::hook
