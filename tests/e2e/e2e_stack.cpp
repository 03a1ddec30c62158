#include "e2e_stack.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "scrape.hpp"

namespace openclaw::e2e {

using namespace std::chrono_literals;
using namespace openclaw::testing;
using nlohmann::json;

namespace {

std::string port_address(int port) { return "127.0.0.1:" + std::to_string(port); }

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

std::string tail(const std::string& text, std::size_t n = 3000) {
  return text.size() <= n ? text : "…" + text.substr(text.size() - n);
}

}  // namespace

std::optional<double> metric_value(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    std::optional<std::string> host;
    if (space == std::string::npos || without_host_label(line.substr(0, space), host) != series) continue;
    const std::string value = line.substr(space + 1);
    return value == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(value);
  }
  return std::nullopt;
}

Stack::Stack(StackOptions options) : options_(std::move(options)) {
  started_at_ = unix_now();
  require(UserManager::available(), "no user manager: run through tests/lib/with-user-manager.sh");
  for (const char* sub : {"logs", "alerts", "prometheus", "hook"}) {
    std::filesystem::create_directories(dir_.file(sub));
  }
  gateway_port_ = free_tcp_port();
  exporter_port_ = free_tcp_port();
  hook_port_ = free_tcp_port();
  prometheus_port_ = free_tcp_port();
  for (int i = 0; i < options_.alertmanagers; ++i) {
    am_ports_.push_back(free_tcp_port());
    am_cluster_ports_.push_back(free_tcp_port());
  }
  token_ = "e2e-token-" + std::to_string(::getpid()) + "-" + std::to_string(gateway_port_);
  token_file_ = dir_.file("hook-token");
  write_file(token_file_, token_ + "\n");
  fail_start_file_ = dir_.file("fail-start");
  render_alerts();
  start_gateway();
  start_exporter();
  start_hook(HookPolicy{});
  start_alertmanagers();
  start_prometheus();
  wait_for_targets();
}

Stack::~Stack() {
  // SIGTERM to every program at once, then reap each (each waits up to 5 s before SIGKILL): the stops overlap.
  for (auto* child : {hook_.get(), exporter_.get(), prometheus_process_.get()}) {
    if (child) child->signal(SIGTERM);
  }
  for (auto& am : alertmanagers_) am->signal(SIGTERM);
  hook_.reset();
  exporter_.reset();
  prometheus_process_.reset();
  alertmanagers_.clear();
  manager_.stop(kUnit);
}

void Stack::render_alerts(const std::vector<std::string>& extra_sets) {
  // The documented mechanism (docs/alerts.md): the shipped templates + thresholds.yml, then the demo profile, then
  // the e2e profile, then the run's URLs and the person's channel (Slack, at the sink). Never a hand-edited copy.
  write_file(dir_.file("slack-url"), sink_.url("/slack") + "\n");
  std::vector<std::string> argv = {
      "python3", source_dir() + "/alerts/generate.py", "--overrides", source_dir() + "/alerts/profiles/demo.yml",
      "--overrides", source_dir() + "/alerts/profiles/e2e.yml", "--set",
      "hook_url=http://" + port_address(hook_port_) + "/alerts", "--set", "hook_credentials_file=" + token_file_,
      "--set", "human_channels=[slack]", "--set", "slack_api_url_file=" + dir_.file("slack-url"), "--set",
      "slack_channel=#openclaw"};
  for (const auto& set : extra_sets) {
    argv.emplace_back("--set");
    argv.push_back(set);
  }
  argv.insert(argv.end(), {"--out-dir", dir_.file("alerts")});
  const auto result = run_command(argv);
  require(result.exit_code == 0, "alerts/generate.py failed: " + result.output);
}

namespace {

// The value of `name` (no labels) on a program's own /metrics page.
std::optional<double> own_metric(const std::string& url, const std::string& name) {
  const auto response = http_get(url + "/metrics", 2s);
  return response.status == 200 ? metric_value(response.body, name) : std::nullopt;
}

}  // namespace

void Stack::reload_alerts(const std::vector<std::string>& extra_sets) {
  render_alerts(extra_sets);
  const double asked = std::floor(unix_now());
  prometheus_process_->signal(SIGHUP);
  for (auto& am : alertmanagers_) am->signal(SIGHUP);
  require(wait_until(
              [&] {
                return own_metric(prometheus_->url(), "prometheus_config_last_reload_success_timestamp_seconds")
                           .value_or(0) >= asked &&
                       own_metric(prometheus_->url(), "prometheus_config_last_reload_successful") == 1.0;
              },
              15s),
          "Prometheus did not reload: " + tail(prometheus_process_->log()));
  for (const auto& url : alertmanager_urls()) {
    require(wait_until(
                [&] {
                  return own_metric(url, "alertmanager_config_last_reload_success_timestamp_seconds").value_or(0) >=
                             asked &&
                         own_metric(url, "alertmanager_config_last_reload_successful") == 1.0;
                },
                15s),
            "Alertmanager " + url + " did not reload");
  }
}

void Stack::start_gateway() {
  GatewayUnitOptions unit;
  unit.port = gateway_port_;
  unit.memory_max = options_.memory_max;
  unit.restart_sec = 1s;
  unit.timeout_stop_sec = 10s;
  // One small child, as the real gateway has workers: the per-kind child series then carry data.
  unit.args = {"--child-rss-mib", "1"};
  // The real unit allows 10 starts in 300 s; this test starts the gateway far more often than production would
  // (each scenario compresses hours into seconds), so the burst is raised. Scenario 6 does not rely on the limit.
  unit.start_limit_burst = 100;
  unit.environment = {"OPENCLAW_FIXTURE_READY_AFTER_MS=" + std::to_string(options_.ready_after_ms),
                      "OPENCLAW_FIXTURE_FAIL_START_FILE=" + fail_start_file_};
  unit.log_file = dir_.file("logs/gateway.log");
  require(manager_.install_unit(kUnit, render_gateway_unit(unit)).exit_code == 0, "install the gateway unit");
  const auto started = manager_.start(kUnit);
  require(started.exit_code == 0, "systemctl --user start: " + started.output);
  require(wait_until([&] { return http_get(gateway_url("/readyz"), 1s).status == 200; }, 20s),
          "the gateway did not become ready");
}

void Stack::start_exporter(const std::vector<std::string>& extra_args) {
  if (log_dir_.empty()) {
    log_dir_ = dir_.file("openclaw-log");
    std::filesystem::create_directories(log_dir_);
  }
  std::vector<std::string> argv{binary_dir() + "/exporter/openclaw-gateway-exporter",
                                "--web.listen-address=" + port_address(exporter_port_), "--gateway.unit=" + std::string(kUnit),
                                "--gateway.url=http://" + port_address(gateway_port_), "--probe.interval=" + std::to_string(kProbeInterval.count()) + "s",
                                "--probe.timeout=" + options_.probe_timeout,
                                // The fixture writes no openclaw log; an empty directory of its own keeps the log
                                // source healthy (and its pre-created series scraped) whatever /tmp/openclaw holds.
                                "--gateway.log-dir=" + log_dir_};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  exporter_ = std::make_unique<ChildProcess>(argv, std::vector<std::string>{}, dir_.file("logs/exporter.log"));
  require(wait_until([&] { return http_get(exporter_url(), 1s).status == 200; }, 15s),
          "the exporter did not answer: " + exporter_->log());
}

void Stack::stop_exporter() { exporter_.reset(); }

void Stack::start_hook(const HookPolicy& policy, bool fresh_state, bool dry_run) {
  hook_.reset();
  if (fresh_state || hook_state_dir_.empty()) {
    hook_state_dir_ = dir_.file("hook/state-" + std::to_string(++hook_generation_));
  }
  std::ostringstream config;
  config << "auth: {bearer_token_file: " << token_file_ << "}\n"
         << "state_dir: " << hook_state_dir_ << "\n"
         << "gateways:\n"
         << "  - name: " << kGateway << "\n"
         << "    unit: " << kUnit << "\n"
         << "    health_url: " << gateway_url("/readyz") << "\n"
         << "    match: {gateway: " << kGateway << "}\n"
         << "policy:\n"
         << "  cooldown: " << policy.cooldown << "\n"
         << "  max_restarts: " << policy.max_restarts << "\n"
         << "  window: " << policy.window << "\n"
         << "  verify_timeout: " << policy.verify_timeout << "\n"
         << "  retry_backoff: " << policy.retry_backoff << "\n"
         << "  notice_lead: " << policy.notice_lead << "\n"
         << "  schedule_jitter: 0s\n"  // one host; a whole-day window would otherwise wait after 00:00
         << "  low_traffic_windows:\n";
  for (const auto& window : policy.windows) {
    const auto dash = window.find('-');
    config << "    - {start: \"" << window.substr(0, dash) << "\", end: \"" << window.substr(dash + 1)
           << "\", location: UTC}\n";
  }
  config
         // The rules of deploy/openclaw-restart-hook.yml: exactly what the shipped rules label as restart alerts.
         << "rules:\n"
         << "  - name: down\n"
         << "    match: {alertname: OpenClawGatewayDown, action: restart}\n"
         << "    action: systemctl\n"
         << "    urgency: immediate\n"
         << "    confirm: unhealthy\n"
         << "  - match: {action: restart, urgency: immediate}\n"
         << "    action: systemctl\n"
         << "    urgency: immediate\n"
         << "  - match: {action: restart, urgency: scheduled}\n"
         << "    action: systemctl\n"
         << "    urgency: scheduled\n";
  const std::string config_file = dir_.file("hook/config-" + std::to_string(hook_generation_) + ".yml");
  write_file(config_file, config.str());
  std::vector<std::string> argv = {binary_dir() + "/restart-hook/openclaw-restart-hook",
                                   "--config.file=" + config_file, "--web.listen-address=" + port_address(hook_port_)};
  if (dry_run) argv.push_back("--dry-run");
  hook_ = std::make_unique<ChildProcess>(argv, std::vector<std::string>{}, dir_.file("logs/hook.log"));
  require(wait_until([&] { return http_get(hook_url("/healthz"), 1s).status == 200; }, 15s),
          "the hook did not answer: " + tail(hook_->log()));
}

void Stack::kill_hook(int signal) {
  if (!hook_) return;
  hook_->signal(signal);
  hook_->wait_exit(10s);
  hook_.reset();
}

void Stack::start_alertmanagers() {
  for (std::size_t i = 0; i < am_ports_.size(); ++i) {
    const std::string storage = dir_.file("alertmanager-" + std::to_string(i));
    std::filesystem::create_directories(storage);
    std::vector<std::string> argv = {"prometheus-alertmanager",
                                     "--config.file=" + dir_.file("alerts/alertmanager.yml"),
                                     "--storage.path=" + storage,
                                     "--web.listen-address=" + port_address(am_ports_[i]),
                                     "--web.external-url=http://" + port_address(am_ports_[i])};
    if (am_ports_.size() == 1) {
      argv.emplace_back("--cluster.listen-address=");
    } else {
      argv.push_back("--cluster.listen-address=" + port_address(am_cluster_ports_[i]));
      argv.push_back("--cluster.advertise-address=" + port_address(am_cluster_ports_[i]));
      for (std::size_t j = 0; j < am_ports_.size(); ++j) {
        if (j != i) argv.push_back("--cluster.peer=" + port_address(am_cluster_ports_[j]));
      }
      argv.push_back("--cluster.peer-timeout=" + options_.am_peer_timeout);
      argv.emplace_back("--cluster.gossip-interval=200ms");
    }
    alertmanagers_.push_back(std::make_unique<ChildProcess>(
        argv, std::vector<std::string>{}, dir_.file("logs/alertmanager-" + std::to_string(i) + ".log")));
  }
  // 90 s: ctest starts both e2e shards, the demo, the systemd and alerts suites at once beside the background
  // builds, and one CI run saw an Alertmanager not answer within 30 s (with nothing in its log yet).
  for (std::size_t i = 0; i < am_ports_.size(); ++i) {
    require(wait_until([&] { return http_get("http://" + port_address(am_ports_[i]) + "/-/ready", 1s).status == 200; },
                       90s),
            "Alertmanager " + std::to_string(i) + " not ready within 90 s (" +
                (alertmanagers_[i]->running() ? "still running" : "exited") + ", web " + port_address(am_ports_[i]) +
                (am_cluster_ports_.empty() ? "" : ", cluster " + port_address(am_cluster_ports_[i])) +
                "); its log: " + tail(alertmanagers_[i]->log()));
  }
}

void Stack::start_prometheus() {
  std::ostringstream config;
  config << "global: {scrape_interval: " << kScrapeInterval.count() << "s, evaluation_interval: "
         << kEvaluationInterval.count() << "s, scrape_timeout: " << kScrapeInterval.count() << "s}\n"
         << "rule_files: [" << rules_file() << "]\n"
         << "alerting:\n  alertmanagers:\n    - static_configs: [{targets: [";
  for (std::size_t i = 0; i < am_ports_.size(); ++i) config << (i ? ", " : "") << "'" << port_address(am_ports_[i]) << "'";
  config << "]}]\n"
         << "scrape_configs:\n"
         << "  - job_name: openclaw-gateway-exporter\n"
         << "    static_configs: [{targets: ['" << port_address(exporter_port_) << "']}]\n"
         << "  - job_name: openclaw-restart-hook\n"
         << "    authorization: {type: Bearer, credentials_file: " << token_file_ << "}\n"
         << "    static_configs: [{targets: ['" << port_address(hook_port_) << "']}]\n";
  write_file(dir_.file("prometheus.yml"), config.str());
  prometheus_process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"prometheus", "--config.file=" + dir_.file("prometheus.yml"),
                               "--storage.tsdb.path=" + dir_.file("prometheus"),
                               "--web.listen-address=" + port_address(prometheus_port_),
                               "--web.external-url=http://" + port_address(prometheus_port_)},
      std::vector<std::string>{}, dir_.file("logs/prometheus.log"));
  prometheus_ = std::make_unique<PrometheusClient>("http://" + port_address(prometheus_port_));
  require(wait_until([&] { return http_get(prometheus_->url() + "/-/ready", 1s).status == 200; }, 90s),
          "Prometheus not ready: " + tail(prometheus_process_->log()));
}

void Stack::wait_for_targets() {
  require(wait_until(
              [&] {
                return prometheus_->value("sum(up{job=~\"openclaw-gateway-exporter|openclaw-restart-hook\"})") == 2.0;
              },
              30s, 500ms),
          "Prometheus does not scrape the exporter and the hook: " + tail(prometheus_process_->log()));
}

std::string Stack::gateway_url(const std::string& path) const { return "http://" + port_address(gateway_port_) + path; }
std::string Stack::exporter_url() const { return "http://" + port_address(exporter_port_) + "/metrics"; }
std::string Stack::hook_url(const std::string& path) const { return "http://" + port_address(hook_port_) + path; }

std::vector<std::string> Stack::alertmanager_urls() const {
  std::vector<std::string> urls;
  for (int port : am_ports_) urls.push_back("http://" + port_address(port));
  return urls;
}

long Stack::fixture(const std::string& name, const json& body) {
  const auto response = http_post_json(gateway_url("/__fixture/" + name), body.dump(), 5s);
  if (response.status != 200) {
    // The callers assert 200; say why not (a gateway restarting, a start that failed, …) while it can be seen.
    std::fprintf(stderr, "[e2e] /__fixture/%s answered %ld (%s); unit %s, NRestarts %u, MainPID %d\n"
                 "[e2e] the gateway's log ends:\n%s\n[e2e] the hook's log ends:\n%s\n",
                 name.c_str(), response.status, response.error.c_str(), manager_.active_state(kUnit).c_str(),
                 manager_.n_restarts(kUnit), manager_.main_pid(kUnit),
                 tail(read_file(dir_.file("logs/gateway.log")), 2000).c_str(),
                 tail(hook_ ? hook_->log() : std::string(), 2000).c_str());
  }
  return response.status;
}

void Stack::restart_gateway_by_hand() {
  const int old_pid = main_pid();
  const auto result = manager_.restart(kUnit);
  require(result.exit_code == 0, "systemctl --user restart: " + result.output);
  require(manager_.wait_for_new_main_pid(kUnit, old_pid, 20s) > 0, "no new MainPID after a manual restart");
  require(wait_until([&] { return http_get(gateway_url("/readyz"), 1s).status == 200; }, 20s),
          "the gateway did not become ready after a manual restart");
}

std::optional<double> Stack::exporter_metric(const std::string& series) const {
  const auto response = http_get(exporter_url(), 5s);
  if (response.status != 200) return std::nullopt;
  return metric_value(response.body, series);
}

std::optional<double> Stack::hook_metric(const std::string& series) const {
  const auto response = http_request("GET", hook_url("/metrics"), {}, {"Authorization: Bearer " + token_}, 5s);
  if (response.status != 200) return std::nullopt;
  return metric_value(response.body, series);
}

std::vector<json> Stack::audit() const {
  std::vector<json> records;
  std::ifstream in(hook_state_dir_ + "/audit.log");
  std::string line;
  while (std::getline(in, line)) {
    const json record = json::parse(line, nullptr, false);
    if (!record.is_discarded()) records.push_back(record);
  }
  return records;
}

std::string Stack::hook_log() const { return hook_ ? tail(hook_->log()) : "(hook not running)"; }

std::string Stack::logs() const {
  std::ostringstream out;
  for (const char* name : {"gateway", "exporter", "hook", "alertmanager-0", "prometheus"}) {
    std::ifstream in(dir_.file(std::string("logs/") + name + ".log"));
    std::stringstream text;
    text << in.rdbuf();
    out << "---- " << name << " log (tail) ----\n" << tail(text.str(), 1500) << "\n";
  }
  return out.str();
}

}  // namespace openclaw::e2e
