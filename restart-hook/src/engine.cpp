#include "engine.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "fs_util.hpp"
#include "state_rebuild.hpp"

namespace openclaw::hook {
namespace {

using nlohmann::json;

// A confirmation GET must not hold a webhook answer for long: Alertmanager times out at 10 s by default.
constexpr std::chrono::milliseconds kConfirmTimeout{3000};

double unix_seconds(TimePoint t) { return static_cast<double>(to_unix_ms(t)) / 1000.0; }

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
      lock_(config.state_dir),
      audit_(config.state_dir, config.audit),
      actions_(deps.runner),
      verifier_(deps.health, actions_, options.verify_poll_interval) {
  state_ = load_state();
  adopt_loaded_state();
  // Saved even when unchanged: an unwritable state_dir is a clear error now, not a 500 at the first alert.
  if (auto saved = store_.save(state_); !saved) {
    throw std::runtime_error(fmt::format("state_dir {} is not writable: {}", config.state_dir, saved.error()));
  }
  for (const auto& [name, gs] : state_.gateways) {
    if (gs.last_restart) metrics_.last_restart(name, static_cast<double>(to_unix_ms(*gs.last_restart)) / 1000.0);
  }
  metrics_.notice_lead(std::chrono::duration<double>(config_.policy.notice_lead).count());
  publish_gauges();
  std::vector<std::pair<std::string, std::size_t>> resumes;  // read before the workers can touch state_
  for (const auto& [name, gs] : state_.gateways) {
    const bool configured = std::any_of(config_.gateways.begin(), config_.gateways.end(),
                                        [&](const GatewayConfig& g) { return g.name == name; });
    if (!gs.in_progress || !configured) continue;
    audit({{"event", "interrupted"}, {"gateway", name},
           {"detail", "the previous hook process stopped during a restart; verifying the gateway now"}}, true);
    resumes.emplace_back(name, *rule_index(config_, gs.in_progress_rule));
  }
  for (const auto& gw : config_.gateways) {
    const std::string name = gw.name;
    workers_[name] = std::make_unique<Worker>(
        [this, name](const RestartJob& job, std::stop_token stop) { execute(name, job, stop); },
        [this, name](std::stop_token stop) { tick(name, stop); }, options_.tick_interval);
  }
  for (const auto& [name, rule] : resumes) workers_.at(name)->submit({rule, "resume", true});
}

Engine::~Engine() { workers_.clear(); }

// A corrupt state.json (a disk that lied, a hand edit) must not keep the hook from starting, nor make it forget
// what it did: the file is kept aside for a person, and the state is rebuilt from the audit log.
PolicyState Engine::load_state() {
  auto loaded = store_.read();
  if (!loaded) throw std::runtime_error(loaded.error());
  if (!loaded->corrupt) return std::move(loaded).value().state;
  const TimePoint now = deps_.clock.now();
  auto aside = store_.set_aside(now);
  if (!aside) throw std::runtime_error(fmt::format("{} is corrupt ({}) and {}", store_.path(), *loaded->corrupt,
                                                   aside.error()));
  PolicyState rebuilt = rebuild_state_from_audit(audit_.read_all(), config_, now);
  std::size_t restarts = 0;
  for (const auto& [name, gs] : rebuilt.gateways) restarts += gs.restarts.size();
  spdlog::error("{} is corrupt ({}): moved to {}; state rebuilt from the audit log ({} recent restart(s), {} "
                "dedupe entries)",
                store_.path(), *loaded->corrupt, *aside, restarts, rebuilt.dedupe.size());
  audit({{"event", "state_set_aside"}, {"path", *aside}, {"detail", *loaded->corrupt},
         {"rebuilt_restarts", restarts}, {"rebuilt_dedupe_entries", rebuilt.dedupe.size()}},
        true);
  metrics_.state_set_aside(unix_seconds(now));
  return rebuilt;
}

// The state on disk may come from another configuration: pending restarts name their rule (by index in format 1),
// and a rule that no longer exists cannot run. A restart the previous hook did not finish is not forgotten: its
// start is on disk (cooldown and circuit count it) and the gateway is verified again by its worker.
void Engine::adopt_loaded_state() {
  for (const std::string& warning : reconcile_with_config(state_, config_)) {
    spdlog::warn("state.json: {}", warning);
    audit({{"event", "state_dropped"}, {"detail", warning}}, true);
  }
  // Events recorded "in the future": the wall clock went back while no hook ran (clock_step.hpp).
  const auto back = rebase_future_records(state_, deps_.clock.now());
  if (back != std::chrono::milliseconds{0}) {
    const double seconds = static_cast<double>(back.count()) / 1000.0;
    spdlog::warn("state.json records events up to {:.3f} s in the future (the wall clock went back while the hook "
                 "was not running): its latest event is taken as just happened, every time moved by {:+.3f} s",
                 -seconds, seconds);
    audit({{"event", "clock_step"}, {"step_seconds", seconds}, {"detail", "events recorded in the future at start"}},
          true);
  }
  (void)clock_steps_.read(deps_.clock);  // the anchor later readings are compared with
}

// Caller holds mutex_. A wall-clock step since the last reading first moves every recorded time by the step, so that
// cooldown, circuit window, dedupe ttl and notice lead keep measuring real time; persisted and audited.
TimePoint Engine::policy_now() {
  const WallClockSteps::Reading reading = clock_steps_.read(deps_.clock);
  if (reading.step == std::chrono::milliseconds{0}) return reading.wall;
  shift_recorded_times(state_, reading.step);
  const double seconds = static_cast<double>(reading.step.count()) / 1000.0;
  spdlog::warn("the wall clock stepped by {:+.3f} s: recorded times moved with it (cooldowns and the circuit window "
               "count real time)", seconds);
  if (auto saved = store_.save(state_); !saved) spdlog::error("cannot persist the clock step: {}", saved.error());
  audit({{"event", "clock_step"}, {"step_seconds", seconds}}, true);
  return reading.wall;
}

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
    if (d.action == Action::kNone &&
        std::find(kDeclinedReasons.begin(), kDeclinedReasons.end(), d.reason) != kDeclinedReasons.end()) {
      metrics_.declined(d.reason, static_cast<double>(to_unix_ms(deps_.clock.now())) / 1000.0);
    }
  }
  if (next) state_ = std::move(*next);
  return Ok{};
}

GatewayObservation Engine::observe(const GatewayConfig& gw, const ObservationWanted& wanted) {
  GatewayObservation seen;
  if (wanted.unit) {
    if (const auto unit = deps_.units.status(gw.unit)) {
      seen.unit = UnitView{unit->active_state, unit->result, unit->exec_main_code, unit->exec_main_status};
    } else {
      spdlog::warn("gateway {}: cannot read unit {} before acting: {}", gw.name, gw.unit, unit.error());
    }
  }
  if (wanted.health) seen.healthy = deps_.health.healthy(gw.health_url, kConfirmTimeout);
  if (wanted.busy) {
    seen.busy = deps_.busy.busy(gw, config_.policy.busy);
    metrics_.busy_check(gw.name, seen.busy);
  }
  return seen;
}

// Measured outside the lock, once per gateway and payload, and only for alerts whose restart would run now.
Observations Engine::observe_for(const WebhookPayload& payload) {
  std::map<std::string, ObservationWanted> wanted;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = policy_now();
    for (const Alert& alert : payload.alerts) {
      for (const auto& [name, w] : wanted_observations(alert, config_, state_, now)) {
        ObservationWanted& merged = wanted[name];
        merged.unit |= w.unit;
        merged.health |= w.health;
        merged.busy |= w.busy;
      }
    }
  }
  Observations observed;
  observed.dry_run = options_.dry_run;
  for (const auto& [name, w] : wanted) observed.gateways[name] = observe(gateway(name), w);
  return observed;
}

// One payload is decided as a whole: alerts see the decisions of the alerts before them, and the state is
// saved (and the audit log fsync'd) once per payload, not once per alert.
Result<std::vector<json>> Engine::handle(const WebhookPayload& payload) {
  const Observations observed = observe_for(payload);
  std::vector<Decided> decided;
  std::vector<RestartSubmission> restarts;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = policy_now();
    std::optional<PolicyState> next;  // copied on the first change: a duplicate storm copies nothing
    bool durable = false;
    for (const Alert& alert : payload.alerts) {
      for (Decision& d : decide(alert, config_, next ? *next : state_, now, observed)) {
        if (changes_state(d)) {
          if (!next) next = state_;
          apply_decision(d, dedupe_key(d.gateway, alert), *next, config_, now);
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
    publish_gauges();
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
  const TimePoint now = policy_now();
  PolicyState next = state_;
  hook::reset_circuit(next.gateways[name], now);
  if (auto saved = store_.save(next); !saved) return saved;
  state_ = std::move(next);
  audit({{"event", "circuit_reset"}, {"gateway", name}, {"requested_by", requested_by}}, true);
  spdlog::info("gateway {}: circuit reset by {}", name, requested_by);
  publish_gauges();
  return Ok{};
}

void Engine::publish_gauges() {
  const TimePoint now = deps_.clock.now();
  for (const auto& gw : config_.gateways) {
    const auto it = state_.gateways.find(gw.name);
    const GatewayState* gs = it == state_.gateways.end() ? nullptr : &it->second;
    metrics_.circuit(gw.name, gs != nullptr && circuit_open(*gs, config_.policy, now));
    std::optional<double> pending;
    if (gs != nullptr && gs->pending) {
      const TimePoint earliest = gs->pending->not_before.value_or(gs->pending->since);
      pending = static_cast<double>(to_unix_ms(earliest)) / 1000.0;
    }
    metrics_.pending_restart(gw.name, pending);
    if (gs != nullptr && gs->last_success) metrics_.last_outcome(gw.name, true, unix_seconds(*gs->last_success));
    if (gs != nullptr && gs->last_failure) metrics_.last_outcome(gw.name, false, unix_seconds(*gs->last_failure));
  }
}

// When an attempt ended, by result: persisted, because RestartFailed is driven by it across hook restarts.
void Engine::note_outcome(const std::string& name, bool success) {
  std::lock_guard lock(mutex_);
  const TimePoint now = policy_now();
  PolicyState next = state_;
  GatewayState& gs = next.gateways[name];
  (success ? gs.last_success : gs.last_failure) = now;
  if (auto saved = store_.save(next); !saved) {
    spdlog::error("gateway {}: cannot persist the restart's result: {}", name, saved.error());
  }
  state_ = std::move(next);
  publish_gauges();
}

bool Engine::busy_check_due(const std::string& name) {
  const auto now = std::chrono::steady_clock::now();
  const auto last = last_busy_check_.find(name);
  if (last != last_busy_check_.end() && now - last->second < config_.policy.busy.check_interval) return false;
  last_busy_check_[name] = now;
  return true;
}

// A pending restart, re-checked every tick: what it waits for is measured only when it would otherwise run now
// (the busy check at most every busy.check_interval), recorded when its reason changes, persisted when its
// state does (busy time counts towards max_defer).
void Engine::tick(const std::string& name, std::stop_token stop) {
  const GatewayConfig& gw = gateway(name);
  std::optional<ObservationWanted> wanted;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = policy_now();
    prune_state(state_, now, std::max(config_.policy.window, config_.policy.cooldown));
    publish_gauges();
    const auto it = state_.gateways.find(name);
    if (it == state_.gateways.end()) return;
    wanted = wanted_for_pending(name, it->second, config_, now);
    if (wanted && wanted->busy && !busy_check_due(name)) return;
  }
  Observations observed;
  observed.dry_run = options_.dry_run;
  if (wanted) observed.gateways[name] = observe(gw, *wanted);
  std::optional<Decision> decision;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = policy_now();
    const GatewayState& gs = state_.gateways[name];
    decision = decide_pending(name, gs, config_, now, observed);
    if (!decision) return;
    const bool same_reason = decision->action == Action::kDefer && gs.pending &&
                             decision->reason == gs.pending->last_reason;
    if (same_reason && !decision->busy_observed) return;  // still waiting for the same thing
    PolicyState next = state_;
    apply_decision(*decision, "", next, config_, now);
    const bool acts = decision->action == Action::kRestart;
    const std::vector<Decided> recorded = same_reason ? std::vector<Decided>{} : std::vector<Decided>{{*decision, nullptr}};
    if (auto saved = record(recorded, std::move(next), acts); !saved) {
      spdlog::error("gateway {}: cannot record the pending restart's decision: {}", name, saved.error());
      return;
    }
    publish_gauges();
  }
  if (decision->action == Action::kRestart) execute(name, {*decision->rule, "pending"}, stop);
}

}  // namespace openclaw::hook
