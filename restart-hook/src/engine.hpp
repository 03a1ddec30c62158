#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "actions.hpp"
#include "audit_log.hpp"
#include "state_dir_lock.hpp"
#include "busy_probe.hpp"
#include "clock.hpp"
#include "clock_step.hpp"
#include "config.hpp"
#include "hook_metrics.hpp"
#include "policy.hpp"
#include "state_store.hpp"
#include "unit_control.hpp"
#include "verifier.hpp"
#include "webhook.hpp"
#include "worker.hpp"

namespace openclaw::hook {

// The real things the engine drives; tests substitute the seams.
struct EngineDeps {
  Clock& clock;
  ProcessRunner& runner;
  HealthChecker& health;
  BusyProbe& busy;
  UnitControl& units;  // the user manager: systemctl and signal actions
};

struct EngineOptions {
  bool dry_run = false;
  std::chrono::milliseconds tick_interval{1000};         // how often workers re-check pending restarts
  std::chrono::milliseconds verify_poll_interval{1000};  // between health polls
};

// Where decisions become effects: it runs the pure policy under one lock, persists the new state and the audit
// record (fsync'd when something will happen) before anyone is told, and hands restarts to per-gateway workers.
class Engine {
 public:
  // Loads the persisted state (throws std::runtime_error when it is corrupt: never forget a cooldown silently).
  Engine(const Config& config, EngineDeps deps, HookMetrics& metrics, EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  Engine(Engine&&) = delete;
  Engine& operator=(Engine&&) = delete;

  // Decides every alert of a payload. Fails (the webhook answers 500 and nothing runs) only when the decision
  // could not be recorded durably. Returns the decisions as audit records.
  Result<std::vector<nlohmann::json>> handle(const WebhookPayload& payload);
  // The operator's circuit reset. Fails for an unknown gateway or when it cannot be persisted.
  Status reset_circuit(const std::string& gateway, const std::string& requested_by);

  std::vector<nlohmann::json> recent_decisions() const { return audit_.recent(); }
  PolicyState state() const;
  bool idle() const;
  const Config& config() const { return config_; }
  bool dry_run() const { return options_.dry_run; }

 private:
  struct Decided {
    Decision decision;
    const Alert* alert;  // nullptr for a decision about a pending restart
  };
  struct RestartSubmission {
    std::string gateway;
    RestartJob job;
  };
  enum class Outcome { kSuccess, kFailed, kInterrupted };

  const GatewayConfig& gateway(const std::string& name) const;
  void adopt_loaded_state();
  // What the policy asked to know (outside the lock: a health GET or a busy command may take seconds).
  GatewayObservation observe(const GatewayConfig& gw, const ObservationWanted& wanted);
  Observations observe_for(const WebhookPayload& payload);
  Status record(const std::vector<Decided>& decided, std::optional<PolicyState> next, bool durable);
  nlohmann::json audit_record(const Decision& decision, const Alert* alert) const;
  void execute(const std::string& gateway, const RestartJob& job, std::stop_token stop);
  Outcome attempt(const GatewayConfig& gw, const RuleConfig& rule, int number, std::stop_token stop);
  Outcome resume(const GatewayConfig& gw, std::stop_token stop);
  bool begin_retry(const std::string& gateway, std::size_t rule);
  void finish(const std::string& gateway, bool success);
  void tick(const std::string& gateway, std::stop_token stop);
  bool busy_check_due(const std::string& gateway);
  TimePoint policy_now();  // the wall clock for a decision, after following a step (clock_step.hpp); holds mutex_
  void publish_gauges();  // circuit, pending restarts, last results; caller holds mutex_
  void note_outcome(const std::string& name, bool success);
  void audit(nlohmann::json record, bool durable);
  PolicyState load_state();

  const Config& config_;
  EngineDeps deps_;
  HookMetrics& metrics_;
  EngineOptions options_;
  StateStore store_;
  StateDirLock lock_;  // before anything reads or writes the state directory's files
  AuditLog audit_;
  Actions actions_;
  Verifier verifier_;
  mutable std::mutex mutex_;  // guards state_, last_busy_check_ and the order of state saves
  PolicyState state_;
  WallClockSteps clock_steps_;  // guarded by mutex_
  std::map<std::string, std::chrono::steady_clock::time_point> last_busy_check_;
  std::map<std::string, std::unique_ptr<Worker>> workers_;  // last: their threads use everything above
};

}  // namespace openclaw::hook
