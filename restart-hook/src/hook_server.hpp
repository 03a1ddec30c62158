#pragma once

#include <memory>
#include <optional>
#include <string>

#include "auth.hpp"
#include "engine.hpp"
#include "handlers.hpp"
#include "hook_metrics.hpp"
#include "http_server.hpp"
#include "metrics_handler.hpp"

namespace openclaw::hook {

// Lets every request through: /healthz stays open to probes when authentication is on.
class AllowAllAuth final : public CivetAuthHandler {
 public:
  bool authorize(CivetServer*, mg_connection*) override { return true; }
};

// The hook's endpoints on one civetweb server. Throws std::runtime_error when it cannot listen.
class HookServer {
 public:
  HookServer(const Config& config, const std::string& listen_address, Engine& engine, HookMetrics& metrics,
             Credentials credentials);
  HookServer(const HookServer&) = delete;
  HookServer& operator=(const HookServer&) = delete;
  HookServer(HookServer&&) = delete;
  HookServer& operator=(HookServer&&) = delete;
  ~HookServer() = default;

  int port() const;

 private:
  AuthHandler auth_;
  AllowAllAuth open_;
  AlertsHandler alerts_;
  HealthzHandler healthz_;
  IndexHandler index_;
  DecisionsHandler decisions_;
  CircuitResetHandler circuit_reset_;
  MetricsHandler metrics_handler_;
  std::unique_ptr<HttpServer> server_;  // last: stops before the handlers it calls are destroyed
};

}  // namespace openclaw::hook
