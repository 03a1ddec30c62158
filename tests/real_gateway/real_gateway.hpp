#pragma once
// The real OpenClaw gateway (openclaw@2026.9.6 on Node 24.21.0, fetched by scripts/fetch-openclaw.sh) as the
// systemd user unit openclaw-gateway.service, plus our exporter watching it. One gateway serves every test of the
// binary (it needs ~1 GB and 10-70 s to become ready); tests that restart it wait for it to be ready again.
// Run through tests/lib/with-user-manager.sh.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scrape.hpp"
#include "test_support.hpp"

namespace openclaw::testing {

// Where the fetched gateway lives: $OPENCLAW_REAL_GATEWAY_CACHE, else <source>/.cache/openclaw.
struct RealGatewayInstall {
  std::string cache_dir;
  std::string node_bin_dir;  // holds node v24
  std::string openclaw;      // node_modules/.bin/openclaw
};
// Records a test failure naming scripts/fetch-openclaw.sh and returns nullopt when the cache is incomplete.
std::optional<RealGatewayInstall> find_real_gateway_install();

// The --max-old-space-size (MiB) openclaw's installer gives the unit: min(max(8192, mem/4), max(2048, mem/2), 0.75 mem)
// of this host's memory (../shared/openclaw-gateway.md, "Memory").
int openclaw_heap_limit_mib();

// Generous: on a loaded 2-core machine the first start took up to ~70 s.
inline constexpr std::chrono::seconds kReadyTimeout{240};

// The label the exporter gives the one gateway these tests configure, as it appears in a series.
inline const std::string kGatewayLabel = "gateway=\"default\"";

class RealGateway {
 public:
  static constexpr const char* kUnit = "openclaw-gateway.service";

  // The shared instance, started (and the exporter with it) on first use. nullptr, with the reason in
  // start_error(), when it could not be started.
  static RealGateway* shared();
  static const std::string& start_error();

  ~RealGateway();
  RealGateway(const RealGateway&) = delete;
  RealGateway& operator=(const RealGateway&) = delete;

  int port() const { return port_; }
  const std::string& token() const { return token_; }
  std::string url(const std::string& path = "") const;
  UserManager& manager() { return manager_; }
  int main_pid() { return manager_.main_pid(kUnit); }
  // The gateway's stdout/stderr (StandardOutput=append:).
  std::string log() const;
  const std::string& home() const { return home_; }

  // Polls GET /readyz until 200.
  bool wait_ready(std::chrono::milliseconds timeout = kReadyTimeout);

  // Our exporter on this gateway (--gateway.unit, probes every 2 s).
  std::string exporter_metrics_url() const;
  Scrape scrape_exporter() const { return scrape(exporter_metrics_url()); }
  std::string exporter_log() const { return exporter_ ? exporter_->log() : std::string{}; }
  // Waits until the exporter reports `pid` as the gateway's (after a restart) and a fresh successful probe.
  bool wait_exporter_follows(int pid, std::chrono::milliseconds timeout);

  // How long the first start took: systemctl start -> /readyz 200, and -> /healthz 200.
  double first_ready_seconds = 0;
  double first_healthz_seconds = 0;

 private:
  RealGateway() = default;
  void start(const RealGatewayInstall& install);

  TempDir dir_{"openclaw-real-gateway-"};
  std::string home_;
  UserManager manager_;
  int port_ = 0;
  std::string token_;
  int exporter_port_ = 0;
  std::unique_ptr<ChildProcess> exporter_;
};

// Figures the tests measure, printed as "[figure] name = value unit" and collected in
// <build>/tests/real_gateway/figures.txt (the source of the numbers in docs/real-gateway.md).
void record_figure(const std::string& name, double value, const std::string& unit);
void record_note(const std::string& text);

// Base fixture: fails (never skips) when the gateway cannot run, and waits for it to be ready.
class RealGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override;
  RealGateway& gateway() { return *gateway_; }
  RealGateway* gateway_ = nullptr;
};

// Samples GET /readyz every `period` in a thread, for downtime measurements.
class ReadyzRecorder {
 public:
  struct Sample {
    double t;     // seconds since the recorder started
    long status;  // 0: no response (refused, reset, timeout)
  };
  ReadyzRecorder(std::string url, std::chrono::milliseconds period = std::chrono::milliseconds(100));
  ~ReadyzRecorder();
  ReadyzRecorder(const ReadyzRecorder&) = delete;
  ReadyzRecorder& operator=(const ReadyzRecorder&) = delete;

  double now() const;  // seconds since start, on the same clock as the samples
  std::vector<Sample> stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// From samples: the first non-200 at or after `from`, and the first 200 after that (nullopt when none).
struct Outage {
  double first_failure = 0;
  double back_ready = 0;
  double seconds() const { return back_ready - first_failure; }
  long refused_samples = 0;    // no response at all
  long not_ready_samples = 0;  // an HTTP answer other than 200 (503 while starting or draining)
};
// "t=1.2s 200 -> t=3.4s 503 -> t=9.0s refused -> ..." from `from` on: every change of answer.
std::string readyz_transitions(const std::vector<ReadyzRecorder::Sample>& samples, double from);
std::optional<Outage> find_outage(const std::vector<ReadyzRecorder::Sample>& samples, double from);

}  // namespace openclaw::testing
