#pragma once

// Doubles for the engine's seams: the process runner (records argv), the user manager (a restart or a signal
// gives the unit a new main process at once), the health checker and the busy probe.
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "busy_probe.hpp"
#include "process_runner.hpp"
#include "unit_control.hpp"
#include "verifier.hpp"

namespace openclaw::hook::testing {

class FakeRunner final : public ProcessRunner {
 public:
  ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds /*timeout*/,
                    const std::vector<std::string>& extra_env, std::stop_token /*stop*/ = {}) override {
    std::lock_guard lock(mutex_);
    ProcessResult result;
    result.exit_code = 0;
    if (argv.size() > 3 && argv[2] == "show") {
      result.output = std::to_string(main_pid_) + "\n";
      return result;
    }
    calls_.push_back(argv);
    env_.push_back(extra_env);
    ++main_pid_;  // a restart gives the unit a new main process
    result.exit_code = action_exit_code_;
    result.output = "fake output\n";
    return result;
  }
  std::vector<std::vector<std::string>> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<std::vector<std::string>> envs() const {
    std::lock_guard lock(mutex_);
    return env_;
  }
  void set_exit_code(int code) { action_exit_code_ = code; }

 private:
  mutable std::mutex mutex_;
  std::vector<std::vector<std::string>> calls_;
  std::vector<std::vector<std::string>> env_;
  int main_pid_ = 1000;
  std::atomic<int> action_exit_code_{0};
};

class FakeUnitControl final : public UnitControl {
 public:
  Result<UnitStatus> status(const std::string& /*unit*/) override {
    std::lock_guard lock(mutex_);
    UnitStatus s;
    s.load_state = "loaded";
    s.active_state = "active";
    s.sub_state = "running";
    s.result = "success";
    s.main_pid = main_pid_;
    s.main_start_usec = 1'000'000ULL * static_cast<unsigned>(main_pid_);
    s.timeout_stop = std::chrono::seconds(330);
    s.timeout_start = std::chrono::seconds(30);
    s.restart_delay = std::chrono::seconds(5);
    return s;
  }
  Result<JobHandle> start_restart(const std::string& unit) override {
    std::lock_guard lock(mutex_);
    calls_.push_back("restart " + unit);
    ++main_pid_;
    return JobHandle{static_cast<std::uint32_t>(calls_.size()), "/org/freedesktop/systemd1/job/1"};
  }
  Result<std::optional<std::string>> wait_job(const JobHandle& /*job*/, std::chrono::milliseconds /*max*/) override {
    return std::optional<std::string>(job_result_);
  }
  Status cancel_job(const JobHandle& /*job*/) override { return Ok{}; }
  void forget_job(const JobHandle& /*job*/) override {}
  Status kill_main(const std::string& unit, int signal) override {
    std::lock_guard lock(mutex_);
    calls_.push_back("kill " + unit + " " + std::to_string(signal));
    ++main_pid_;
    return Ok{};
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::string job_result_ = "done";

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> calls_;
  int main_pid_ = 1000;
};

class FakeHealth final : public HealthChecker {
 public:
  bool healthy(const std::string& /*url*/, std::chrono::milliseconds /*timeout*/) override { return healthy_; }
  std::atomic<bool> healthy_{true};
};

class FakeBusy final : public BusyProbe {
 public:
  Busy busy(const GatewayConfig&, const BusyConfig&) override {
    ++calls_;
    return busy_.load();
  }
  std::atomic<Busy> busy_{Busy::kIdle};
  std::atomic<int> calls_{0};
};

}  // namespace openclaw::hook::testing
