#include "real_gateway.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

namespace openclaw::testing {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

std::string random_token() {
  std::random_device device;
  std::string token = "real-gateway-test-";
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) token += hex[device() % 16];
  return token;
}

std::string figures_file() { return binary_dir() + "/tests/real_gateway/figures.txt"; }

std::string& start_error_storage() {
  static std::string error;
  return error;
}

}  // namespace

std::optional<RealGatewayInstall> find_real_gateway_install() {
  RealGatewayInstall install;
  const char* env = std::getenv("OPENCLAW_REAL_GATEWAY_CACHE");
  install.cache_dir = env != nullptr && *env != '\0' ? env : source_dir() + "/.cache/openclaw";
  install.node_bin_dir = install.cache_dir + "/node/bin";
  install.openclaw = install.cache_dir + "/oc/node_modules/.bin/openclaw";
  for (const std::string& needed : {install.cache_dir + "/ready", install.node_bin_dir + "/node", install.openclaw}) {
    if (!std::filesystem::exists(needed)) {
      ADD_FAILURE() << "the real gateway is not fetched: " << needed
                    << " is missing. Run scripts/fetch-openclaw.sh (needs the npm registry); ctest runs it as the "
                       "fixture real_gateway.fetch.";
      return std::nullopt;
    }
  }
  return install;
}

RealGateway* RealGateway::shared() {
  static std::unique_ptr<RealGateway> instance;
  static bool attempted = false;
  if (attempted) return instance.get();
  attempted = true;
  std::ofstream(figures_file(), std::ios::trunc) << "";  // this run's figures only
  const auto install = find_real_gateway_install();
  if (!install) {
    start_error_storage() = "the real gateway is not fetched (scripts/fetch-openclaw.sh)";
    return nullptr;
  }
  if (!UserManager::available()) {
    start_error_storage() = "no user manager: run through tests/lib/with-user-manager.sh";
    return nullptr;
  }
  std::unique_ptr<RealGateway> gateway(new RealGateway());
  try {
    gateway->start(*install);
  } catch (const std::exception& e) {
    start_error_storage() = e.what();
    return nullptr;
  }
  instance = std::move(gateway);
  return instance.get();
}

const std::string& RealGateway::start_error() { return start_error_storage(); }

int openclaw_heap_limit_mib() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long long kib = 0;
  while (meminfo >> key >> kib && key != "MemTotal:") meminfo.ignore(256, '\n');
  const long long mib = kib / 1024;
  return static_cast<int>(std::min({std::max(8192LL, mib / 4), std::max(2048LL, mib / 2), mib * 3 / 4}));
}

void RealGateway::start(const RealGatewayInstall& install) {
  home_ = dir_.file("home");
  std::filesystem::create_directories(home_);
  port_ = free_tcp_port();
  token_ = random_token();

  GatewayUnitOptions unit;
  unit.description = "OpenClaw Gateway (real, openclaw@2026.9.6)";
  // As `openclaw gateway install` writes it: node with the V8 heap limit it sized from host memory, then the entry.
  unit.program = install.node_bin_dir + "/node";
  unit.args = {"--max-old-space-size=" + std::to_string(openclaw_heap_limit_mib()),
               std::filesystem::canonical(install.openclaw).string(),
               "gateway", "run", "--allow-unconfigured", "--bind", "loopback", "--auth", "token", "--token", token_};
  unit.port = port_;
  // Production values except RestartSec=5 -> 2 s, which only makes the test slower. TimeoutStopSec=330 stays: the
  // gateway sizes its drain from it (315 s; hook_real_test checks the log), and a clean stop takes ~1-3 s anyway.
  // TimeoutStartSec=30 stays too (Type=simple: it does not bound readiness).
  unit.restart_sec = 2s;
  unit.environment = {"PATH=" + install.node_bin_dir + ":/usr/local/bin:/usr/bin:/bin", "HOME=" + home_};
  unit.log_file = dir_.file("gateway.log");
  const CommandResult installed = manager_.install_unit(kUnit, render_gateway_unit(unit));
  if (installed.exit_code != 0) throw std::runtime_error("daemon-reload failed: " + installed.output);

  const auto started = SteadyClock::now();
  const CommandResult start = manager_.start(kUnit);
  if (start.exit_code != 0) throw std::runtime_error("systemctl --user start failed: " + start.output);
  bool healthz = false;
  const bool ready = wait_until(
      [&] {
        if (!healthz && http_get(url("/healthz"), 2s).status == 200) {
          healthz = true;
          first_healthz_seconds = seconds_since(started);
        }
        return http_get(url("/readyz"), 2s).status == 200;
      },
      kReadyTimeout, 100ms);
  if (!ready) {
    throw std::runtime_error("the real gateway was not ready within " + std::to_string(kReadyTimeout.count()) +
                             " s; its log:\n" + log());
  }
  first_ready_seconds = seconds_since(started);
  record_figure("first_start_to_healthz", first_healthz_seconds, "s");
  record_figure("first_start_to_readyz", first_ready_seconds, "s");

  exporter_port_ = free_tcp_port();
  exporter_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary_dir() + "/exporter/openclaw-gateway-exporter",
                               "--web.listen-address=127.0.0.1:" + std::to_string(exporter_port_),
                               "--gateway.unit=" + std::string(kUnit), "--gateway.url=" + url(), "--probe.interval=2s",
                               "--probe.timeout=5s"},
      std::vector<std::string>{}, dir_.file("exporter.log"));
  if (!wait_exporter_follows(main_pid(), 30s)) {
    throw std::runtime_error("the exporter never reported the gateway; its log:\n" + exporter_->log());
  }
}

RealGateway::~RealGateway() {
  exporter_.reset();
  manager_.stop(kUnit);
}

std::string RealGateway::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string RealGateway::log() const {
  try {
    return read_file(dir_.file("gateway.log"));
  } catch (const std::exception& e) {
    return e.what();
  }
}

bool RealGateway::wait_ready(std::chrono::milliseconds timeout) {
  return wait_until([&] { return http_get(url("/readyz"), 2s).status == 200; }, timeout, 100ms);
}

std::string RealGateway::exporter_metrics_url() const {
  return "http://127.0.0.1:" + std::to_string(exporter_port_) + "/metrics";
}

bool RealGateway::wait_exporter_follows(int pid, std::chrono::milliseconds timeout) {
  const std::string g = "{gateway=\"default\"}";
  const std::string http = "{gateway=\"default\",probe=\"http\"}";
  const double since = static_cast<double>(std::time(nullptr));
  return wait_until(
      [&] {
        const Scrape s = scrape_exporter();
        return s.get("openclaw_gateway_pid" + g) == pid && s.get("openclaw_gateway_probe_success" + http) == 1 &&
               s.get("openclaw_gateway_probe_timestamp_seconds" + http).value_or(0) >= since;
      },
      timeout, 200ms);
}

void record_figure(const std::string& name, double value, const std::string& unit) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::ostringstream line;
  line << "[figure] " << name << " = " << value << (unit.empty() ? "" : " " + unit);
  std::cout << line.str() << std::endl;
  std::ofstream(figures_file(), std::ios::app) << line.str() << "\n";
}

void record_note(const std::string& text) {
  std::cout << "[note] " << text << std::endl;
  std::ofstream(figures_file(), std::ios::app) << "[note] " << text << "\n";
}

void RealGatewayTest::SetUp() {
  gateway_ = RealGateway::shared();
  ASSERT_NE(gateway_, nullptr) << "the real gateway could not be started: " << RealGateway::start_error();
  ASSERT_TRUE(gateway_->wait_ready()) << "the real gateway is not ready; its log:\n" << gateway_->log();
}

// ---- ReadyzRecorder ----

struct ReadyzRecorder::State {
  std::string url;
  std::chrono::milliseconds period;
  SteadyClock::time_point start = SteadyClock::now();
  std::mutex mutex;
  std::vector<Sample> samples;
  std::jthread thread;
};

ReadyzRecorder::ReadyzRecorder(std::string url, std::chrono::milliseconds period) : state_(std::make_unique<State>()) {
  state_->url = std::move(url);
  state_->period = period;
  State* state = state_.get();
  state_->thread = std::jthread([state](std::stop_token stop) {
    while (!stop.stop_requested()) {
      const auto next = SteadyClock::now() + state->period;
      const long status = http_get(state->url, 1s).status;
      {
        std::lock_guard lock(state->mutex);
        state->samples.push_back({seconds_since(state->start), status});
      }
      std::this_thread::sleep_until(next);
    }
  });
}

ReadyzRecorder::~ReadyzRecorder() { stop(); }

double ReadyzRecorder::now() const { return seconds_since(state_->start); }

std::vector<ReadyzRecorder::Sample> ReadyzRecorder::stop() {
  if (state_->thread.joinable()) {
    state_->thread.request_stop();
    state_->thread.join();
  }
  std::lock_guard lock(state_->mutex);
  return state_->samples;
}

std::string readyz_transitions(const std::vector<ReadyzRecorder::Sample>& samples, double from) {
  std::ostringstream out;
  long last = -1;
  for (const auto& sample : samples) {
    if (sample.t < from || sample.status == last) continue;
    if (last != -1) out << " -> ";
    out << "+" << std::fixed << std::setprecision(1) << sample.t - from << "s "
        << (sample.status == 0 ? std::string("no answer") : std::to_string(sample.status));
    last = sample.status;
  }
  return out.str();
}

std::optional<Outage> find_outage(const std::vector<ReadyzRecorder::Sample>& samples, double from) {
  Outage outage;
  bool failing = false;
  for (const auto& sample : samples) {
    if (sample.t < from) continue;
    if (!failing) {
      if (sample.status == 200) continue;
      failing = true;
      outage.first_failure = sample.t;
    }
    if (sample.status == 200) {
      outage.back_ready = sample.t;
      return outage;
    }
    (sample.status == 0 ? outage.refused_samples : outage.not_ready_samples) += 1;
  }
  return std::nullopt;
}

}  // namespace openclaw::testing
