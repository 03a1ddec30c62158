#pragma once
// The whole loop on loopback, for the end-to-end test: the fixture gateway as openclaw-gateway.service under the
// real user manager (tests/lib/with-user-manager.sh), the exporter (--gateway.unit), the restart hook (systemctl
// action), Prometheus with the SHIPPED rules and an HA pair of Alertmanagers with the SHIPPED routing, both rendered
// by alerts/generate.py with alerts/profiles/demo.yml + alerts/profiles/e2e.yml. Ports are chosen at run time;
// the destructor stops everything it started.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "notification_sink.hpp"
#include "prometheus_client.hpp"
#include "test_support.hpp"

namespace openclaw::e2e {

inline constexpr const char* kUnit = "openclaw-gateway.service";
inline constexpr const char* kGateway = "default";
// The stack's own intervals (Prometheus' global config, the exporter's --probe.interval).
inline constexpr std::chrono::seconds kScrapeInterval{1};
inline constexpr std::chrono::seconds kEvaluationInterval{1};
inline constexpr std::chrono::seconds kProbeInterval{1};

// The hook's policy for one scenario (docs/restart-hook.md); durations as the hook's config takes them.
struct HookPolicy {
  std::string cooldown = "10m";
  int max_restarts = 3;
  std::string window = "10m";
  std::string verify_timeout = "20s";
  std::string retry_backoff = "2s";
  std::string notice_lead = "5m";
  // The hook's policy.low_traffic_windows as "HH:MM-HH:MM" in UTC (the whole day unless a scenario fakes a window).
  std::vector<std::string> windows = {"00:00-24:00"};
};

struct StackOptions {
  int alertmanagers = 2;                 // 2: an HA pair gossiping on loopback, both Prometheus targets
  std::string am_peer_timeout = "0s";    // 0s: both members deliver every notification (see docs/e2e.md)
  std::string memory_max = "256M";
  int ready_after_ms = 1000;             // the fixture's /readyz answers 503 this long after start
  std::string probe_timeout = "8s";      // above the 5 s slow-response threshold, so a 6 s answer is measured
};

class Stack {
 public:
  explicit Stack(StackOptions options = {});
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  Stack(Stack&&) = delete;
  Stack& operator=(Stack&&) = delete;

  // --- the gateway ---
  openclaw::testing::UserManager& manager() { return manager_; }
  std::string gateway_url(const std::string& path = "") const;
  int main_pid() { return manager_.main_pid(kUnit); }
  // POST /__fixture/<name> with `body`; returns the HTTP status.
  long fixture(const std::string& name, const nlohmann::json& body = nlohmann::json::object());
  // A file that, while it exists, makes the fixture refuse to start (OPENCLAW_FIXTURE_FAIL_START_FILE).
  const std::string& fail_start_file() const { return fail_start_file_; }
  // Restarts the unit by hand (not the hook) and waits until /readyz answers 200.
  void restart_gateway_by_hand();

  // --- the exporter ---
  std::string exporter_url() const;
  std::optional<double> exporter_metric(const std::string& series) const;  // e.g. name{gateway="default"}
  void stop_exporter();
  void start_exporter(const std::vector<std::string>& extra_args = {});

  // --- the hook ---
  // Starts the hook with `policy` and a fresh state dir (the previous hook, if any, is stopped first).
  void start_hook(const HookPolicy& policy, bool fresh_state = true, bool dry_run = false);
  void kill_hook(int signal);  // and reap it
  std::string hook_url(const std::string& path = "") const;
  std::string hook_state_dir() const { return hook_state_dir_; }
  std::vector<nlohmann::json> audit() const;  // the audit log, one record per line
  std::optional<double> hook_metric(const std::string& series) const;
  std::string hook_token() const { return token_; }
  std::string hook_log() const;

  // --- Prometheus, Alertmanager, and the person's chat ---
  const PrometheusClient& prometheus() const { return *prometheus_; }
  // Renders the rules and routing again with `extra_sets` (generate.py --set KEY=VALUE) on top of the stack's own,
  // and reloads Prometheus and both Alertmanagers (SIGHUP); returns once each reports the reload. No sets: the
  // stack's own rendering again.
  void reload_alerts(const std::vector<std::string>& extra_sets = {});
  // Slack's incoming webhook as the rendered configuration names it: what a person would read (the shipped
  // template's text). The dead-man's switch stays unset here, so that every `webhook` notification an Alertmanager
  // counts went to the hook (scenario 3); alerts.alertmanager_delivery proves the Watchdog's delivery.
  const NotificationSink& person() const { return sink_; }
  std::vector<std::string> alertmanager_urls() const;
  std::string rules_file() const { return dir_.file("alerts/openclaw-gateway.rules.yml"); }
  double started_at() const { return started_at_; }
  std::string logs() const;  // the tail of every log, for a failure message
  std::string render_dir() const { return dir_.file("alerts"); }
  const openclaw::testing::TempDir& dir() const { return dir_; }

 private:
  void render_alerts(const std::vector<std::string>& extra_sets = {});
  void start_gateway();
  void start_prometheus();
  void start_alertmanagers();
  void wait_for_targets();

  StackOptions options_;
  openclaw::testing::TempDir dir_{"openclaw-e2e-"};
  NotificationSink sink_;
  openclaw::testing::UserManager manager_;
  int gateway_port_ = 0, exporter_port_ = 0, hook_port_ = 0, prometheus_port_ = 0;
  std::vector<int> am_ports_, am_cluster_ports_;
  std::string token_, token_file_, fail_start_file_, hook_state_dir_, log_dir_;
  int hook_generation_ = 0;
  double started_at_ = 0;
  std::unique_ptr<openclaw::testing::ChildProcess> exporter_, hook_, prometheus_process_;
  std::vector<std::unique_ptr<openclaw::testing::ChildProcess>> alertmanagers_;
  std::unique_ptr<PrometheusClient> prometheus_;
};

// Exposition text -> the value of one series written exactly as in the text but without the programs' `host` label
// (tests/lib/scrape.hpp), e.g. `name{a="x"}` (nullopt: absent).
std::optional<double> metric_value(const std::string& text, const std::string& series);

}  // namespace openclaw::e2e
