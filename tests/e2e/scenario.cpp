#include "scenario.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "duration.hpp"
#include "health_poller.hpp"

namespace openclaw::e2e {

using namespace std::chrono_literals;
using namespace openclaw::testing;
using nlohmann::json;

namespace {

std::unique_ptr<Stack>& stack_slot() {
  static std::unique_ptr<Stack> stack;
  return stack;
}

std::vector<Measurement>& measurements() {
  static std::vector<Measurement> all;
  return all;
}

// Creates the shared stack lazily; stops it and prints the figures after the last test.
class StackEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    stack_slot().reset();
    std::cout << measurements_table() << std::flush;
  }
};
[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new StackEnvironment);

std::string alertname_of(const json& r) {
  if (!r.contains("alert") || !r["alert"].is_object()) return "";
  return r["alert"].value("labels", json::object()).value("alertname", "");
}

std::chrono::milliseconds yaml_duration(const YAML::Node& node, const std::string& what) {
  const auto d = node ? openclaw::parse_duration(node.as<std::string>()) : std::nullopt;
  if (!d) throw std::runtime_error("the rendered configuration has no valid " + what);
  return *d;
}

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

}  // namespace

Stack& shared_stack() {
  auto& slot = stack_slot();
  if (!slot) slot = std::make_unique<Stack>();
  return *slot;
}

void record_measurement(const Measurement& m) {
  measurements().push_back(m);
  std::cout << "[e2e] " << m.scenario << " (" << m.alert << "): threshold crossed -> systemctl invoked "
            << fmt_seconds(m.invoked_at - m.degraded_at) << " (Prometheus activeAt -> invoked "
            << fmt_seconds(m.invoked_at - m.active_at) << "); restart downtime: invoked -> healthy "
            << fmt_seconds(m.healthy_again_at - m.invoked_at) << ", health lost -> healthy again "
            << fmt_seconds(m.healthy_again_at - m.health_lost_at) << " (hook's time_to_healthy "
            << fmt_seconds(m.to_healthy_hook) << ")\n"
            << std::flush;
}

std::string measurements_table() {
  std::ostringstream out;
  out << "\n[e2e] intervals: scrape/evaluation 1s, exporter --probe.interval=1s --probe.timeout=8s, rules rendered with "
         "alerts/profiles/demo.yml + e2e.yml (for: 5s), Alertmanager group_wait 1s, fixture ready 1 s after start\n";
  out << "| scenario | alert | threshold -> systemctl | activeAt -> systemctl | systemctl -> healthy | health lost -> "
         "healthy |\n|---|---|---|---|---|---|\n";
  for (const auto& m : measurements()) {
    out << "| " << m.scenario << " | " << m.alert << " | " << fmt_seconds(m.invoked_at - m.degraded_at) << " | "
        << fmt_seconds(m.invoked_at - m.active_at) << " | " << fmt_seconds(m.healthy_again_at - m.invoked_at) << " | "
        << fmt_seconds(m.healthy_again_at - m.health_lost_at) << " |\n";
  }
  return out.str();
}

std::chrono::milliseconds alert_cycle(const Stack& s, const std::string& alertname) {
  std::chrono::milliseconds for_duration{0};
  bool found = false;
  for (const auto& group : YAML::LoadFile(s.rules_file())["groups"]) {
    for (const auto& rule : group["rules"]) {
      if (rule["alert"] && rule["alert"].as<std::string>() == alertname) {
        for_duration = rule["for"] ? yaml_duration(rule["for"], alertname + " for") : 0ms;
        found = true;
      }
    }
  }
  if (!found) throw std::runtime_error(alertname + " is not in " + s.rules_file());
  // The routes that deliver restart alerts to the hook: the slowest of them bounds a (re-)delivery.
  std::chrono::milliseconds delivery{0};
  const YAML::Node routes = YAML::LoadFile(s.render_dir() + "/alertmanager.yml")["route"]["routes"];
  for (const auto& route : routes) {
    if (route["receiver"].as<std::string>() != "openclaw-restart-hook") continue;
    delivery = std::max({delivery, yaml_duration(route["group_wait"], "restart route group_wait"),
                         yaml_duration(route["group_interval"], "restart route group_interval")});
  }
  if (delivery == 0ms) throw std::runtime_error("no route to openclaw-restart-hook in the rendered alertmanager.yml");
  return kProbeInterval + kScrapeInterval + for_duration + kEvaluationInterval + delivery + 2s;
}

bool is_decision(const json& r, const std::string& decision, const std::string& alertname) {
  return r.value("event", "") == "decision" && r.value("decision", "") == decision &&
         (alertname.empty() || alertname_of(r) == alertname) &&
         (!r.contains("alert") || r["alert"].value("status", "") == "firing");
}

bool is_resolved_decision(const json& r, const std::string& alertname) {
  return r.value("event", "") == "decision" && r.value("reason", "") == "resolved" && alertname_of(r) == alertname;
}

int count_events(const std::vector<json>& audit, const std::string& event) {
  return static_cast<int>(std::count_if(audit.begin(), audit.end(),
                                        [&](const json& r) { return r.value("event", "") == event; }));
}

int count_decisions(const std::vector<json>& audit, const std::string& decision, const std::string& reason) {
  return static_cast<int>(std::count_if(audit.begin(), audit.end(), [&](const json& r) {
    return r.value("event", "") == "decision" && r.value("decision", "") == decision &&
           (reason.empty() || r.value("reason", "") == reason);
  }));
}

std::optional<json> first_record(const std::vector<json>& audit, const std::function<bool(const json&)>& pred) {
  for (const auto& r : audit) {
    if (pred(r)) return r;
  }
  return std::nullopt;
}

std::string dump(const std::vector<json>& audit) {
  std::string out;
  for (const auto& r : audit) out += r.dump() + "\n";
  return out;
}

std::optional<double> process_restarts(const Stack& s) {
  return s.exporter_metric("openclaw_gateway_process_restarts_total{gateway=\"default\"}");
}

std::optional<double> unit_restarts(const Stack& s) {
  return s.exporter_metric("openclaw_gateway_unit_restarts_total{gateway=\"default\",unit=\"openclaw-gateway.service\"}");
}

double hook_restarts(const Stack& s, const std::string& result) {
  double sum = 0;
  for (const char* urgency : {"immediate", "scheduled"}) {
    sum += s.hook_metric("openclaw_restart_hook_restarts_total{gateway=\"default\",result=\"" + result +
                         "\",urgency=\"" + urgency + "\"}")
               .value_or(0);
  }
  return sum;
}

bool wait_until_quiet(Stack& s, std::chrono::milliseconds timeout) {
  return wait_until(
      [&] {
        const auto q = s.prometheus().query(
            "ALERTS{action=\"restart\"} or ALERTS{alertname=~\"OpenClawGatewayRestartLoop|OpenClawGatewayDown\"}");
        // The previous scenarios' restarts must have left RestartLoop's window (1m in alerts/profiles/e2e.yml)
        // far enough that this scenario's own restart cannot make "more than 3" and inhibit its resolved notice.
        const auto recent = s.prometheus().value("round(increase(openclaw_gateway_process_restarts_total[1m]))");
        return q.ok && q.empty() && recent.value_or(0) <= 1 &&
               http_get(s.gateway_url("/readyz"), 1s).status == 200;
      },
      timeout, 500ms);
}

void run_restart_scenario(Stack& s, const std::string& scenario, const std::string& alertname,
                          const std::function<void()>& degrade, const HookPolicy& policy) {
  ASSERT_TRUE(wait_until_quiet(s, 90s)) << "restart alerts still firing before " << scenario << "\n"
                                        << s.prometheus().alerts().dump(1);
  s.start_hook(policy);
  ASSERT_TRUE(wait_until([&] { return s.prometheus().value("up{job=\"openclaw-restart-hook\"}") == 1.0; }, 15s));
  const int pid_before = s.main_pid();
  ASSERT_GT(pid_before, 0);
  ASSERT_TRUE(wait_until([&] { return s.exporter_metric("openclaw_gateway_pid{gateway=\"default\"}") == pid_before; },
                         10s));
  const double process_restarts_before = process_restarts(s).value_or(-1);
  HealthPoller poller(s.gateway_url("/readyz"));
  // A healthy sample before the degradation: the outage measured below starts after it.
  ASSERT_TRUE(wait_until([&] { return poller.last_ok_before(unix_now()).has_value(); }, 5s, 20ms));

  Measurement m;
  m.scenario = scenario;
  m.alert = alertname;
  m.degraded_at = unix_now();
  degrade();

  // 1. The right alert fires in Prometheus.
  ASSERT_TRUE(wait_until([&] { return s.prometheus().firing(alertname); }, 90s, 250ms))
      << alertname << " did not fire\n" << s.prometheus().alerts().dump(1) << s.logs();
  m.active_at = s.prometheus().active_at(alertname).value_or(0);

  // 2. Alertmanager delivers it and the hook decides to restart, for that alert.
  ASSERT_TRUE(wait_until([&] { return first_record(s.audit(), [](const json& r) { return is_decision(r, "restart"); })
                                   .has_value(); },
                         60s, 200ms))
      << "the hook never decided to restart\n" << dump(s.audit()) << s.logs();
  const auto executed = *first_record(s.audit(), [](const json& r) { return is_decision(r, "restart"); });
  EXPECT_EQ(alertname_of(executed), alertname) << executed.dump();
  EXPECT_EQ(executed.value("reason", ""), "executed");

  // 3. The real restart through the user manager (RestartUnit): a new MainPID, verified healthy by the hook.
  const int pid_after = s.manager().wait_for_new_main_pid(kUnit, pid_before, 60s);
  ASSERT_GT(pid_after, 0) << "no new MainPID\n" << dump(s.audit());
  ASSERT_TRUE(wait_until([&] { return count_events(s.audit(), "restart") >= 1; }, 60s, 200ms))
      << "no restart record\n" << dump(s.audit()) << s.hook_log();
  const auto restart = *first_record(s.audit(), [](const json& r) { return r.value("event", "") == "restart"; });
  EXPECT_EQ(restart.value("result", ""), "success") << restart.dump();
  EXPECT_EQ(restart.value("action", ""), "systemctl");
  EXPECT_EQ(restart.value("job_result", ""), "done");  // RestartUnit's job, followed to its JobRemoved
  EXPECT_EQ(restart.value("main_pid_before", 0), pid_before);
  EXPECT_EQ(restart.value("main_pid_after", 0), pid_after);
  EXPECT_TRUE(restart.value("main_pid_changed", false));

  // 4. The exporter follows: new pid, process restarts +1. systemd's NRestarts counts only its own automatic
  //    restarts, and a `systemctl restart` (a manual start) resets it to 0: the truth is 0 here.
  EXPECT_TRUE(wait_until(
      [&] {
        return s.exporter_metric("openclaw_gateway_pid{gateway=\"default\"}") == pid_after &&
               process_restarts(s) == process_restarts_before + 1;
      },
      15s))
      << "process_restarts_total " << process_restarts(s).value_or(-1) << ", before " << process_restarts_before;
  EXPECT_EQ(unit_restarts(s), 0.0);
  EXPECT_EQ(s.manager().n_restarts(kUnit), 0U);
  EXPECT_TRUE(wait_until(
      [&] {
        return s.prometheus().value("openclaw_gateway_process_restarts_total{gateway=\"default\"}") ==
               process_restarts_before + 1;
      },
      10s));

  // 5. The alert resolves, and Alertmanager tells the hook so.
  EXPECT_TRUE(wait_until(
      [&] {
        return !s.prometheus().firing(alertname) &&
               first_record(s.audit(), [&](const json& r) { return is_resolved_decision(r, alertname); });
      },
      60s, 500ms))
      << alertname << " did not resolve\n" << dump(s.audit());

  // 6. Downtime, seen from outside.
  m.invoked_at = *parse_rfc3339(restart.value("ts", "")) - restart.value("duration_seconds", 0.0);
  m.to_healthy_hook = restart.value("time_to_healthy_seconds", 0.0);
  ASSERT_TRUE(wait_until([&] { return poller.outage_ended_after(m.invoked_at).has_value(); }, 20s));
  std::tie(m.health_lost_at, m.healthy_again_at) = *poller.outage_ended_after(m.invoked_at);

  // 7. Exactly one restart: systemd, the hook's metrics and its audit log agree, and nothing more happens for one
  //    whole alert cycle after the restart was verified (long enough for a re-fired or re-delivered alert to become
  //    a second restart).
  const double quiet_until = *parse_rfc3339(restart.value("ts", "")) +
                             std::chrono::duration<double>(alert_cycle(s, alertname)).count();
  if (const double left = quiet_until - unix_now(); left > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(left));
  }
  EXPECT_EQ(s.main_pid(), pid_after);
  const auto audit = s.audit();
  EXPECT_EQ(count_events(audit, "restart"), 1) << dump(audit);
  EXPECT_EQ(count_decisions(audit, "restart"), 1) << dump(audit);
  EXPECT_EQ(hook_restarts(s, "success"), 1.0);
  EXPECT_EQ(hook_restarts(s, "failed"), 0.0);
  // The chain in order: firing -> restart decision -> restart record -> resolved.
  std::vector<std::string> chain;
  const auto add = [&](const char* step) {
    if (chain.empty() || chain.back() != step) chain.emplace_back(step);  // an HA pair delivers twice
  };
  for (const auto& r : audit) {
    if (is_decision(r, "restart", alertname)) add("decided");
    if (r.value("event", "") == "restart") add("restarted");
    if (is_resolved_decision(r, alertname)) add("resolved");
  }
  EXPECT_EQ(chain, (std::vector<std::string>{"decided", "restarted", "resolved"})) << dump(audit);
  record_measurement(m);
}

}  // namespace openclaw::e2e
