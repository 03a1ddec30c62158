#pragma once

#include <CivetServer.h>

#include <cstddef>
#include <string>

#include "engine.hpp"
#include "method_handler.hpp"
#include "hook_metrics.hpp"

namespace openclaw::hook {

using openclaw::MethodHandler;

// POST /alerts: the Alertmanager webhook. Decides at once; restarts run in the workers.
class AlertsHandler final : public MethodHandler {
 public:
  AlertsHandler(Engine& engine, HookMetrics& metrics, std::size_t max_body_bytes)
      : MethodHandler("POST"), engine_(engine), metrics_(metrics), max_body_bytes_(max_body_bytes) {}
  bool handleGet(CivetServer* server, mg_connection* conn) override;  // counted as 405 too

 protected:
  bool post(mg_connection* conn) override;

 private:
  void answer(mg_connection* conn, int code, const std::string& body);
  Engine& engine_;
  HookMetrics& metrics_;
  std::size_t max_body_bytes_;
};

// GET /healthz
class HealthzHandler final : public MethodHandler {
 public:
  HealthzHandler() : MethodHandler("GET") {}

 protected:
  bool get(mg_connection* conn) override;
};

// GET / (HTML: configuration summary and the last decisions) and 404 for unknown paths.
class IndexHandler final : public MethodHandler {
 public:
  explicit IndexHandler(Engine& engine) : MethodHandler("GET"), engine_(engine) {}

 protected:
  bool get(mg_connection* conn) override;

 private:
  Engine& engine_;
};

// GET /api/v1/decisions: the same as JSON.
class DecisionsHandler final : public MethodHandler {
 public:
  explicit DecisionsHandler(Engine& engine) : MethodHandler("GET"), engine_(engine) {}

 protected:
  bool get(mg_connection* conn) override;

 private:
  Engine& engine_;
};

// POST /api/v1/circuit/reset?gateway=NAME: the operator closes a gateway's circuit.
class CircuitResetHandler final : public MethodHandler {
 public:
  explicit CircuitResetHandler(Engine& engine) : MethodHandler("POST"), engine_(engine) {}

 protected:
  bool post(mg_connection* conn) override;

 private:
  Engine& engine_;
};

// The HTML status page (pure; tested directly).
std::string render_index(const Config& config, bool dry_run, const std::vector<nlohmann::json>& decisions);

}  // namespace openclaw::hook
