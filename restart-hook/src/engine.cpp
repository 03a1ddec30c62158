#include "engine.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

#include "fs_util.hpp"

namespace openclaw::hook {
namespace {

using nlohmann::json;

}  // namespace

Engine::Engine(const Config& config, EngineDeps deps, HookMetrics& metrics, EngineOptions options)
    : config_(config),
      deps_(deps),
      metrics_(metrics),
      options_(options),
      store_([&] {
        if (auto made = ensure_directory(config.state_dir); !made) throw std::runtime_error(made.error());
        return config.state_dir;
      }()),
      audit_(config.state_dir),
      actions_(deps.runner),
      verifier_(deps.health, actions_, options.verify_poll_interval) {
  auto loaded = store_.load();
  if (!loaded) throw std::runtime_error(loaded.error());
  state_ = std::move(loaded).value();
  for (auto& [name, gs] : state_.gateways) {
    if (!gs.in_progress) continue;
    // The hook died during a restart (kill -9, power loss). The restart's start is on disk, so the cooldown
    // and circuit still count it; only the "running" flag is stale.
    gs.in_progress = false;
    audit({{"event", "interrupted"}, {"gateway", name},
           {"detail", "the hook stopped during a restart; its cooldown and circuit still count it"}}, true);
    spdlog::warn("gateway {}: the previous hook process stopped during a restart", name);
  }
  // Saved even when unchanged: an unwritable state_dir is a clear error now, not a 500 at the first alert.
  if (auto saved = store_.save(state_); !saved) {
    throw std::runtime_error(fmt::format("state_dir {} is not writable: {}", config.state_dir, saved.error()));
  }
  for (const auto& [name, gs] : state_.gateways) {
    if (gs.last_restart) metrics_.last_restart(name, static_cast<double>(to_unix_ms(*gs.last_restart)) / 1000.0);
  }
  update_circuit_gauges();
  for (const auto& gw : config_.gateways) {
    const std::string name = gw.name;
    workers_[name] = std::make_unique<Worker>(
        [this, name](const RestartJob& job, std::stop_token stop) { execute(name, job, stop); },
        [this, name](std::stop_token stop) { tick(name, stop); }, options_.tick_interval);
  }
}

Engine::~Engine() { workers_.clear(); }

const GatewayConfig& Engine::gateway(const std::string& name) const {
  for (const auto& gw : config_.gateways) {
    if (gw.name == name) return gw;
  }
  throw std::out_of_range(name);
}

PolicyState Engine::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool Engine::idle() const {
  for (const auto& [name, worker] : workers_) {
    if (!worker->idle()) return false;
  }
  std::lock_guard lock(mutex_);
  for (const auto& [name, gs] : state_.gateways) {
    if (gs.in_progress) return false;
  }
  return true;
}

void Engine::audit(json record, bool durable) {
  if (!record.contains("ts")) record["ts"] = format_rfc3339_ms(to_unix_ms(deps_.clock.now()));
  if (auto written = audit_.append(std::move(record), durable); !written) {
    spdlog::error("audit log: {}", written.error());
  }
}

json Engine::audit_record(const Decision& decision, const Alert* alert) const {
  json record = {{"ts", format_rfc3339_ms(to_unix_ms(deps_.clock.now()))},
                 {"event", "decision"},
                 {"gateway", decision.gateway},
                 {"rule", decision.rule ? json(config_.rules[*decision.rule].name) : json(nullptr)},
                 {"decision", to_string(decision.action)},
                 {"reason", decision.reason}};
  if (alert != nullptr) {
    record["alert"] = {{"status", alert->status},
                       {"labels", alert->labels},
                       {"fingerprint", alert->fingerprint},
                       {"starts_at", alert->starts_at}};
  }
  if (decision.not_before) record["not_before"] = format_rfc3339_ms(to_unix_ms(*decision.not_before));
  if (decision.opens_circuit) record["opens_circuit"] = true;
  if (options_.dry_run) record["dry_run"] = true;
  return record;
}

// Caller holds mutex_. Persists `next` (when set), then the audit records — fsync'd once, after the last line,
// when something will run — and only then makes `next` current.
Status Engine::record(const std::vector<Decided>& decided, std::optional<PolicyState> next, bool durable) {
  if (next) {
    if (auto saved = store_.save(*next); !saved) return saved;
  }
  for (std::size_t i = 0; i < decided.size(); ++i) {
    const Decision& d = decided[i].decision;
    const bool last = i + 1 == decided.size();
    if (auto written = audit_.append(audit_record(d, decided[i].alert), durable && last); !written) {
      if (next) (void)store_.save(state_);  // undo: nothing may run that the audit log does not show
      return written;
    }
    metrics_.decision(d.gateway, to_string(d.action), d.reason);
  }
  if (next) state_ = std::move(*next);
  return Ok{};
}

// Measured outside the lock (a PromQL query may take seconds), once per gateway and payload, and only for
// alerts that could start a scheduled restart now.
std::map<std::string, std::optional<bool>> Engine::observe_busy(const WebhookPayload& payload) {
  std::vector<const GatewayConfig*> wanted;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = deps_.clock.now();
    for (const Alert& alert : payload.alerts) {
      const GatewayConfig* gw = wants_busy_observation(alert, config_, state_, now);
      if (gw != nullptr && std::find(wanted.begin(), wanted.end(), gw) == wanted.end()) wanted.push_back(gw);
    }
  }
  std::map<std::string, std::optional<bool>> busy;
  for (const GatewayConfig* gw : wanted) busy[gw->name] = deps_.busy.busy(*gw, config_.policy.busy);
  return busy;
}

// One payload is decided as a whole: alerts see the decisions of the alerts before them, and the state is
// saved (and the audit log fsync'd) once per payload, not once per alert.
Result<std::vector<json>> Engine::handle(const WebhookPayload& payload) {
  const auto busy = observe_busy(payload);
  std::vector<Decided> decided;
  std::vector<RestartSubmission> restarts;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = deps_.clock.now();
    std::optional<PolicyState> next;  // copied on the first change: a duplicate storm copies nothing
    bool durable = false;
    for (const Alert& alert : payload.alerts) {
      Observations observed;
      observed.dry_run = options_.dry_run;
      for (const auto& gw : config_.gateways) {
        if (const auto it = busy.find(gw.name); it != busy.end() && gw.match.matches(alert.labels)) {
          observed.busy = it->second;
          break;
        }
      }
      for (Decision& d : decide(alert, config_, next ? *next : state_, now, observed)) {
        if (changes_state(d)) {
          if (!next) next = state_;
          apply_decision(d, dedupe_key(d.gateway, alert), *next, config_.policy, now);
        }
        durable |= d.action != Action::kNone || d.opens_circuit;
        if (d.action == Action::kRestart) restarts.push_back({d.gateway, {*d.rule, dedupe_key(d.gateway, alert)}});
        decided.push_back({std::move(d), &alert});
      }
    }
    if (auto recorded = record(decided, std::move(next), durable); !recorded) {
      spdlog::error("cannot record a decision, refusing to act: {}", recorded.error());
      return Result<std::vector<json>>::failure(recorded.error());
    }
    for (auto& [gateway, job] : restarts) workers_.at(gateway)->submit(std::move(job));
    if (std::any_of(decided.begin(), decided.end(), [](const Decided& d) { return d.decision.opens_circuit; })) {
      update_circuit_gauges();
    }
  }
  std::vector<json> out;
  out.reserve(decided.size());
  for (const auto& d : decided) out.push_back(audit_record(d.decision, nullptr));
  return out;
}

Status Engine::reset_circuit(const std::string& name, const std::string& requested_by) {
  if (std::none_of(config_.gateways.begin(), config_.gateways.end(), [&](const auto& g) { return g.name == name; })) {
    return Status::failure(fmt::format("unknown gateway \"{}\"", name));
  }
  std::lock_guard lock(mutex_);
  PolicyState next = state_;
  hook::reset_circuit(next.gateways[name], deps_.clock.now());
  if (auto saved = store_.save(next); !saved) return saved;
  state_ = std::move(next);
  audit({{"event", "circuit_reset"}, {"gateway", name}, {"requested_by", requested_by}}, true);
  spdlog::info("gateway {}: circuit reset by {}", name, requested_by);
  update_circuit_gauges();
  return Ok{};
}

void Engine::update_circuit_gauges() {
  const TimePoint now = deps_.clock.now();
  for (const auto& gw : config_.gateways) {
    const auto it = state_.gateways.find(gw.name);
    metrics_.circuit(gw.name, it != state_.gateways.end() && circuit_open(it->second, config_.policy, now));
  }
}

void Engine::check_pending_now() {
  for (const auto& gw : config_.gateways) tick(gw.name, std::stop_token{});
}

void Engine::tick(const std::string& name, std::stop_token stop) {
  const GatewayConfig& gw = gateway(name);
  bool measure_busy = false;
  {
    std::lock_guard lock(mutex_);
    prune_state(state_, deps_.clock.now(), std::max(config_.policy.window, config_.policy.cooldown));
    update_circuit_gauges();
    const auto it = state_.gateways.find(name);
    if (it == state_.gateways.end() || !it->second.pending || it->second.in_progress) return;
    measure_busy = config_.policy.busy.enabled() && in_any_window(config_.policy.low_traffic_windows, deps_.clock.now());
  }
  Observations observed;
  observed.dry_run = options_.dry_run;
  if (measure_busy) observed.busy = deps_.busy.busy(gw, config_.policy.busy);
  std::optional<Decision> decision;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = deps_.clock.now();
    const GatewayState& gs = state_.gateways[name];
    decision = decide_pending(name, gs, config_.policy, now, observed);
    if (!decision) return;
    // Still waiting for the same reason: nothing new to record.
    if (decision->action == Action::kDefer && gs.pending && decision->reason == gs.pending->last_reason) return;
    PolicyState next = state_;
    apply_decision(*decision, "", next, config_.policy, now);
    if (auto recorded = record({{*decision, nullptr}}, std::move(next), decision->action == Action::kRestart);
        !recorded) {
      spdlog::error("gateway {}: cannot record the pending restart's decision: {}", name, recorded.error());
      return;
    }
    update_circuit_gauges();
  }
  if (decision->action == Action::kRestart) execute(name, {*decision->rule, "pending"}, stop);
}

}  // namespace openclaw::hook
