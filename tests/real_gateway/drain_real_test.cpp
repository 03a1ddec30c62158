// Issue 11 on the real gateway (an opt-in experiment: minutes of real work; `ctest --preset experiments -R drain`):
// restarts that respect the gateway's active work. Real active work without model credentials is a command cron job
// (`openclaw cron add … --command "sleep N"`, then `openclaw cron run`); the hook's engine runs in-process with the
// real user-manager control (sd-bus), health checks (curl) and busy probe (the gateway's own
// `gateway call gateway.restart.preflight --json`), as tests/restart_hook/systemd_policy_test.cpp builds it.
//   1. A scheduled restart is deferred while the job runs and runs only after it ended.
//   2. An immediate restart waits out the real drain (~150 s) as one successful attempt, not a killed systemctl
//      and a second restart (what the hook did before issue 11).
//   3. Downtime of each restart path on an idle gateway, three runs each.
// Figures go to <build>/tests/real_gateway/figures.txt; docs/real-gateway.md records them.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "busy_probe.hpp"
#include "engine.hpp"
#include "real_gateway.hpp"
#include "sd_bus_unit_control.hpp"

namespace {

using namespace std::chrono_literals;
namespace t = openclaw::testing;
namespace h = openclaw::hook;
using nlohmann::json;

double unix_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

// "2026-12-02T03:20:01.123Z" (the audit log's ts) -> seconds since the epoch.
double parse_audit_ts(const std::string& ts) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(ts.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &ms) < 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm)) + ms / 1000.0;
}

// Watches for the cron job's `sleep N` inside the gateway unit's cgroup: when it appeared and when it was gone
// (unix seconds, ~100 ms resolution). Cheap (/proc reads), unlike the preflight.
class SleepWatcher {
 public:
  explicit SleepWatcher(int seconds) : arg_(std::to_string(seconds)) {
    thread_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        const bool running = present();
        const double now = unix_now();
        {
          std::lock_guard lock(mutex_);
          if (running && started_ == 0) started_ = now;
          if (!running && started_ != 0 && ended_ == 0) ended_ = now;
        }
        std::this_thread::sleep_for(100ms);
      }
    });
  }
  double started() const {
    std::lock_guard lock(mutex_);
    return started_;
  }
  double ended() const {
    std::lock_guard lock(mutex_);
    return ended_;
  }

 private:
  bool present() const {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
      const std::string pid = entry.path().filename();
      if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
      std::ifstream cmdline(entry.path() / "cmdline");
      std::string argv0, argv1;
      if (!std::getline(cmdline, argv0, '\0') || !std::getline(cmdline, argv1, '\0')) continue;
      if (std::filesystem::path(argv0).filename() != "sleep" || argv1 != arg_) continue;
      std::ifstream cgroup_file(entry.path() / "cgroup");
      const std::string cgroup((std::istreambuf_iterator<char>(cgroup_file)), std::istreambuf_iterator<char>());
      if (cgroup.find("/openclaw-gateway.service") != std::string::npos) return true;
    }
    return false;
  }

  std::string arg_;
  mutable std::mutex mutex_;
  double started_ = 0, ended_ = 0;
  std::jthread thread_;
};

std::string iso8601(std::time_t when) {
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&when));
  return text;
}

// A phase of a restart record in seconds; -1 when the record has none (null: not observed).
double seconds_of(const json& record, const char* key) {
  return record.contains(key) && record[key].is_number() ? record[key].get<double>() : -1;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n == 0 ? 0 : n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

class DrainExperiment : public t::RealGatewayTest {
 protected:
  void SetUp() override {
    RealGatewayTest::SetUp();
    if (HasFatalFailure()) return;
    const auto found = t::find_real_gateway_install();
    ASSERT_TRUE(found.has_value());
    install_ = *found;
    node_ = install_.node_bin_dir + "/node";
    entry_ = std::filesystem::canonical(install_.openclaw).string();
    t::write_file(dir_.file("gateway-token"), gateway().token() + "\n");
  }
  void TearDown() override {
    engine_.reset();
    // Leave no job behind for the next test (a removed job's running process is not ours to cut: the tests wait
    // for it).
    for (const std::string& id : jobs_) openclaw({"cron", "rm", id, "--json"}, 60s);
  }

  // The openclaw CLI as the gateway's OS user would run it: its HOME, the gateway's credentials in the environment.
  t::CommandResult openclaw(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 120s) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "HOME=" + gateway().home(),
                                     "PATH=" + install_.node_bin_dir + ":/usr/local/bin:/usr/bin:/bin",
                                     "OPENCLAW_GATEWAY_TOKEN=" + gateway().token(),
                                     "OPENCLAW_GATEWAY_PORT=" + std::to_string(gateway().port()),
                                     node_,
                                     entry_};
    argv.insert(argv.end(), args.begin(), args.end());
    return t::run_command(argv, timeout);
  }

  // The JSON object in a CLI's output (it may print log lines before it).
  static json cli_json(const std::string& output) {
    const auto brace = output.find('{');
    if (brace == std::string::npos) return json();
    return json::parse(output.substr(brace), nullptr, false);
  }

  // Adds a command cron job running `sleep seconds` and runs it now; returns when its sleep is seen running.
  void start_sleep_job(const std::string& name, int seconds, SleepWatcher& watcher) {
    const t::CommandResult added =
        openclaw({"cron", "add", "--name", name, "--every", "1d", "--command", "sleep " + std::to_string(seconds),
                  "--no-deliver", "--timeout-seconds", "600", "--json"});
    ASSERT_EQ(added.exit_code, 0) << added.output;
    const json job = cli_json(added.output);
    std::string id = job.value("id", "");
    if (id.empty() && job.contains("job")) id = job["job"].value("id", "");
    ASSERT_FALSE(id.empty()) << "no job id in: " << added.output;
    jobs_.push_back(id);
    const t::CommandResult ran = openclaw({"cron", "run", id, "--json"});
    ASSERT_EQ(ran.exit_code, 0) << ran.output;
    t::record_note("cron run " + name + ": " + ran.output.substr(0, 300));
    ASSERT_TRUE(t::wait_until([&] { return watcher.started() != 0; }, 60s))
        << "the job's `sleep " << seconds << "` never ran in the gateway's cgroup; cron run said: " << ran.output
        << "\ngateway log:\n"
        << gateway().log();
  }

  // An engine shaped like the shipped configuration: a scheduled rule that waits for the preflight's totalActive,
  // an immediate one; the deadline of a restart derived from the unit (no rule timeout).
  void start_engine() {
    const std::string yaml = "state_dir: " + dir_.file("state") + R"(
gateways:
  - name: default
    unit: openclaw-gateway.service
    health_url: )" + gateway().url("/readyz") +
                             R"(
    match: {gateway: default}
policy:
  cooldown: 0s
  max_restarts: 10
  verify_timeout: 60s
  retry_backoff: 5s
  notice_lead: 0s
  busy:
    command: [/usr/bin/env, HOME=)" +
                             gateway().home() + ", " + node_ + ", " + entry_ +
                             R"(, gateway, call, gateway.restart.preflight, --json]
    command_json_path: counts.totalActive
    command_timeout: 30s
    command_env_files: {OPENCLAW_GATEWAY_TOKEN: )" +
                             dir_.file("gateway-token") + R"(}
    check_interval: 10s
  low_traffic_windows:
    - {start: "00:00", end: "24:00", location: UTC}
rules:
  - match: {alertname: OpenClawGatewayMemoryHigh}
    urgency: immediate
  - match: {alertname: OpenClawGatewayUptimeHigh}
    urgency: scheduled
)";
    config_ = std::make_unique<h::Config>(h::parse_config(yaml));
    metrics_ = std::make_unique<h::HookMetrics>(std::vector<std::string>{"default"});
    engine_ = std::make_unique<h::Engine>(
        *config_, h::EngineDeps{clock_, runner_, health_, busy_, units_}, *metrics_,
        h::EngineOptions{.dry_run = false, .tick_interval = 1s, .verify_poll_interval = 200ms});
  }

  std::string deliver(const std::string& alertname, const std::string& fingerprint) {
    h::WebhookPayload payload;
    h::Alert alert;
    alert.status = "firing";
    alert.labels = {{"alertname", alertname}, {"gateway", "default"}};
    alert.fingerprint = fingerprint;
    alert.starts_at = iso8601(std::time(nullptr));
    alert.ends_at = "0001-01-01T00:00:00Z";
    payload.alerts.push_back(alert);
    const auto decisions = engine_->handle(payload);
    EXPECT_TRUE(decisions.ok());
    return decisions.ok() ? (*decisions)[0]["reason"].get<std::string>() : "";
  }

  std::vector<json> records(const std::string& event) const {
    std::vector<json> out;
    for (const auto& r : engine_->recent_decisions()) {
      if (r.value("event", "") == event) out.push_back(r);
    }
    return out;
  }

  double busy_checks(const char* result) const {
    for (const auto& family : metrics_->registry()->Collect()) {
      if (family.name != "openclaw_restart_hook_busy_checks_total") continue;
      for (const auto& metric : family.metric) {
        for (const auto& label : metric.label) {
          if (label.name == "result" && label.value == result) return metric.counter.value;
        }
      }
    }
    return -1;
  }

  static std::string phases(const json& r) {
    std::ostringstream out;
    for (const char* key : {"drain_seconds", "start_seconds", "ready_seconds", "downtime_seconds", "duration_seconds",
                            "deadline_seconds"}) {
      out << key << "=" << (r.contains(key) ? r[key].dump() : "absent") << " ";
    }
    return out.str();
  }

  t::TempDir dir_{"openclaw-real-drain-"};
  t::RealGatewayInstall install_;
  std::string node_, entry_;
  std::vector<std::string> jobs_;
  h::SystemClock clock_;
  h::ForkExecRunner runner_;
  h::CurlHealthChecker health_;
  h::SystemBusyProbe busy_{runner_};
  h::SdBusUnitControl units_;
  std::unique_ptr<h::Config> config_;
  std::unique_ptr<h::HookMetrics> metrics_;
  std::unique_ptr<h::Engine> engine_;
};

// 1. A scheduled restart (OpenClawGatewayUptimeHigh) while a 60 s cron job runs: deferred as busy by the real
//    preflight, and run only once the job has ended.
TEST_F(DrainExperiment, AScheduledRestartWaitsForRealActiveWork) {
  start_engine();
  SleepWatcher job(60);
  ASSERT_NO_FATAL_FAILURE(start_sleep_job("busy", 60, job));
  const int pid_before = gateway().main_pid();

  const double asked = unix_now();
  EXPECT_EQ(deliver("OpenClawGatewayUptimeHigh", "uptime-1"), "busy_deferred")
      << "the preflight did not report the running cron job as active work";
  EXPECT_TRUE(engine_->state().gateways.at("default").pending.has_value());

  ASSERT_TRUE(t::wait_until([&] { return records("restart").size() == 1U && engine_->idle(); }, 300s))
      << "no restart within 300 s of the alert";
  const json restart = records("restart")[0];
  const double restart_started = parse_audit_ts(restart.value("ts", "")) - seconds_of(restart, "duration_seconds");
  ASSERT_NE(job.ended(), 0) << "the job's sleep never ended";
  EXPECT_EQ(restart["result"], "success") << restart.dump();
  // Not before the work ended (the watcher sees the end up to ~0.1 s late), and then without a long drain.
  EXPECT_GE(restart_started, job.ended() - 0.3) << restart.dump();
  EXPECT_GE(seconds_of(restart, "drain_seconds"), 0.0) << restart.dump();
  EXPECT_LT(seconds_of(restart, "drain_seconds"), 10.0) << restart.dump();
  EXPECT_FALSE(restart.value("drain_cut_off", true));
  EXPECT_NE(gateway().main_pid(), pid_before);
  EXPECT_GE(busy_checks("busy"), 2.0);  // the first one and at least one while waiting (every 10 s over ~60 s)
  EXPECT_EQ(busy_checks("idle"), 1.0);  // the one that let it run
  EXPECT_EQ(busy_checks("failed"), 0.0);
  EXPECT_TRUE(records("gave_up").empty());

  t::record_figure("scheduled_job_seconds", job.ended() - job.started(), "s");
  t::record_figure("scheduled_alert_after_job_start", asked - job.started(), "s");
  t::record_figure("scheduled_restart_after_job_end", restart_started - job.ended(), "s");
  t::record_figure("scheduled_busy_checks_busy", busy_checks("busy"), "");
  t::record_figure("scheduled_drain", seconds_of(restart, "drain_seconds"), "s");
  t::record_figure("scheduled_start", seconds_of(restart, "start_seconds"), "s");
  t::record_figure("scheduled_ready", seconds_of(restart, "ready_seconds"), "s");
  t::record_figure("scheduled_downtime", seconds_of(restart, "downtime_seconds"), "s");
  t::record_note("scheduled restart record: " + phases(restart));
  ASSERT_TRUE(gateway().wait_ready());
}

// 2. An immediate restart (OpenClawGatewayMemoryHigh) while a 150 s cron job runs: one RestartUnit, the gateway
//    drains (with its production budget, 315 s) until the job ends, then starts; one successful attempt.
TEST_F(DrainExperiment, AnImmediateRestartWaitsOutARealDrain) {
  start_engine();
  SleepWatcher job(150);
  ASSERT_NO_FATAL_FAILURE(start_sleep_job("busy-long", 150, job));
  const int pid_before = gateway().main_pid();
  const std::size_t log_before = gateway().log().size();

  t::ReadyzRecorder readyz(gateway().url("/readyz"));
  std::this_thread::sleep_for(300ms);
  const double posted_at = readyz.now();
  const double asked = unix_now();
  EXPECT_EQ(deliver("OpenClawGatewayMemoryHigh", "memory-1"), "executed");
  ASSERT_TRUE(t::wait_until([&] { return !records("restart").empty() && engine_->idle(); }, 420s))
      << "no restart record within 420 s";
  const auto samples = readyz.stop();
  const auto restarts = records("restart");
  ASSERT_EQ(restarts.size(), 1U) << "more than one attempt: " << restarts.back().dump();
  const json& restart = restarts[0];
  EXPECT_EQ(restart["result"], "success") << restart.dump();
  EXPECT_EQ(restart.value("attempt", 0), 1) << restart.dump();
  EXPECT_GE(seconds_of(restart, "drain_seconds"), 100.0) << restart.dump();
  EXPECT_FALSE(restart.value("drain_cut_off", true)) << restart.dump();
  EXPECT_EQ(restart.value("deadline_from", ""), "unit") << restart.dump();
  EXPECT_TRUE(records("gave_up").empty());
  EXPECT_NE(gateway().main_pid(), pid_before);
  // The job was not cut: it slept its 150 s, and the old process was gone only after it.
  ASSERT_NE(job.ended(), 0);
  EXPECT_GE(job.ended() - job.started(), 145.0);
  // The gateway drained with its production budget (it read TimeoutStopSec=330 from the user manager).
  const std::string log = gateway().log().substr(log_before);
  std::smatch budget;
  ASSERT_TRUE(std::regex_search(log, budget, std::regex("shutdown budget at shutdown: drain=([0-9]+)ms"))) << log;
  EXPECT_GT(std::stol(budget[1]), 300000) << budget[0];
  EXPECT_NE(log.find("draining active work before"), std::string::npos) << log;
  EXPECT_EQ(log.find("exhausted; cutting short"), std::string::npos) << log;
  // While it drained, /readyz answered 503 (gateway-draining), not "no answer".
  const auto outage = t::find_outage(samples, posted_at);
  ASSERT_TRUE(outage.has_value());

  t::record_figure("immediate_job_seconds", job.ended() - job.started(), "s");
  t::record_figure("immediate_alert_to_job_end", job.ended() - asked, "s");
  t::record_figure("immediate_drain", seconds_of(restart, "drain_seconds"), "s");
  t::record_figure("immediate_start", seconds_of(restart, "start_seconds"), "s");
  t::record_figure("immediate_ready", seconds_of(restart, "ready_seconds"), "s");
  t::record_figure("immediate_downtime", seconds_of(restart, "downtime_seconds"), "s");
  t::record_figure("immediate_duration", seconds_of(restart, "duration_seconds"), "s");
  t::record_figure("immediate_deadline", seconds_of(restart, "deadline_seconds"), "s");
  t::record_figure("immediate_readyz_not_200", outage->seconds(), "s");
  t::record_figure("immediate_readyz_refused_or_timeout", static_cast<double>(outage->refused_samples) * 0.1, "s");
  t::record_note("immediate restart record: " + phases(restart));
  t::record_note("immediate /readyz after the alert: " + t::readyz_transitions(samples, posted_at));
  t::record_note("gateway drain budget line: " + budget[0].str());
  ASSERT_TRUE(gateway().wait_ready());
}

// 3. Downtime of each way to restart an idle gateway, three runs each, interleaved.
TEST_F(DrainExperiment, DowntimeOfEachRestartPath) {
  t::UserManager& manager = gateway().manager();
  const std::string unit = t::RealGateway::kUnit;
  struct Path {
    std::string name;
    std::function<t::CommandResult()> act;
    std::vector<double> downtime, new_pid, to_ready, refused;
  };
  std::vector<Path> paths = {
      {"systemctl --user restart", [&] { return manager.restart(unit); }, {}, {}, {}, {}},
      {"openclaw gateway restart",
       [&] {
         return openclaw({"gateway", "restart"}, 120s);
       },
       {},
       {},
       {},
       {}},
      {"SIGUSR2 to MainPID",
       [&] {
         return manager.systemctl({"kill", "-s", "SIGUSR2", "--kill-whom=main", unit}, 30s);
       },
       {},
       {},
       {},
       {}},
  };
  for (int run = 1; run <= 3; ++run) {
    for (Path& path : paths) {
      ASSERT_TRUE(gateway().wait_ready());
      std::this_thread::sleep_for(3s);  // settled: not the tail of the previous start
      const int old_pid = gateway().main_pid();
      ASSERT_GT(old_pid, 0);
      t::ReadyzRecorder readyz(gateway().url("/readyz"));
      std::this_thread::sleep_for(300ms);
      const double acted = readyz.now();
      // The action on its own thread: `openclaw gateway restart` returns only once the gateway is healthy again,
      // and the new MainPID is timed while it runs.
      t::CommandResult done{-2, "not run"};
      double returned_at = 0;
      std::jthread action([&] {
        done = path.act();
        returned_at = readyz.now();
      });
      const int new_pid = manager.wait_for_new_main_pid(unit, old_pid, 120s);
      const double new_pid_at = readyz.now();
      action.join();
      const double action_returned = returned_at - acted;
      EXPECT_EQ(done.exit_code, 0) << path.name << ": " << done.output;
      ASSERT_GT(new_pid, 0) << path.name << ": no new MainPID within 120 s";
      ASSERT_TRUE(gateway().wait_ready()) << path.name << ": not ready again\n" << gateway().log();
      std::this_thread::sleep_for(300ms);
      const auto samples = readyz.stop();
      const auto outage = t::find_outage(samples, acted);
      ASSERT_TRUE(outage.has_value()) << path.name << ": /readyz never failed";
      path.downtime.push_back(outage->seconds());
      path.new_pid.push_back(new_pid_at - acted);
      path.to_ready.push_back(outage->back_ready - acted);
      path.refused.push_back(static_cast<double>(outage->refused_samples) * 0.1);
      std::ostringstream note;
      note << std::fixed << std::setprecision(1) << path.name << " run " << run << ": /readyz "
           << t::readyz_transitions(samples, acted) << "; new MainPID after " << new_pid_at - acted
           << " s; the command returned after " << action_returned << " s";
      t::record_note(note.str());
    }
  }
  std::ostringstream table;
  table << std::fixed << std::setprecision(1)
        << "\n| path | /readyz not 200 (runs) | median | new MainPID after (runs) | median | action to ready (median) "
           "| no answer (median) |\n"
        << "|---|---|---|---|---|---|---|\n";
  for (const Path& path : paths) {
    const auto runs = [](const std::vector<double>& v) {
      std::ostringstream out;
      out << std::fixed << std::setprecision(1);
      for (std::size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
      return out.str();
    };
    table << "| " << path.name << " | " << runs(path.downtime) << " s | " << median(path.downtime) << " s | "
          << runs(path.new_pid) << " s | " << median(path.new_pid) << " s | " << median(path.to_ready) << " s | "
          << median(path.refused) << " s |\n";
    const std::string key = path.name == "systemctl --user restart"   ? "systemctl"
                            : path.name == "openclaw gateway restart" ? "openclaw_cli"
                                                                      : "sigusr2";
    t::record_figure("downtime_median_" + key, median(path.downtime), "s");
    t::record_figure("new_main_pid_median_" + key, median(path.new_pid), "s");
    t::record_figure("action_to_ready_median_" + key, median(path.to_ready), "s");
    // Every path restarts the process: a downtime, and one that ends (the gateway comes back).
    EXPECT_GT(median(path.downtime), 0.5) << path.name;
  }
  t::record_note("restart downtime table:" + table.str());
}

}  // namespace
