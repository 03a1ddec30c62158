#include "prober.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace openclaw::exporter {

std::string_view probe_kind_name(ProbeKind kind) { return kind == ProbeKind::kHttp ? "http" : "websocket"; }

Prober::Prober(std::vector<Target> targets, std::chrono::milliseconds interval, std::chrono::milliseconds timeout,
               ProbeFunction http, ProbeFunction websocket)
    : targets_(std::move(targets)),
      interval_(interval),
      timeout_(timeout),
      http_(std::move(http)),
      websocket_(std::move(websocket)) {
  for (const Target& target : targets_) {
    for (ProbeKind kind : {ProbeKind::kHttp, ProbeKind::kWebsocket}) {
      threads_.emplace_back([this, &target, kind](const std::stop_token& stop) { run(stop, target, kind); });
    }
  }
}

Prober::~Prober() {
  for (auto& thread : threads_) thread.request_stop();
  wake_.notify_all();
  threads_.clear();  // joins
}

std::optional<ProbeResult> Prober::last(const std::string& gateway, ProbeKind kind) const {
  std::lock_guard lock(mutex_);
  const auto it = results_.find({gateway, kind});
  if (it == results_.end()) return std::nullopt;
  return it->second;
}

// An exception escaping a std::jthread's function calls std::terminate, ending the exporter with it: a throwing
// probe is a failed probe (openclaw_gateway_probe_success 0, logged at warn), and the next one runs on schedule.
ProbeResult Prober::probe_without_throwing(const ProbeFunction& probe, const std::string& url,
                                           const std::string& gateway, ProbeKind kind) const {
  const auto started = std::chrono::steady_clock::now();
  std::string error;
  try {
    return probe(url, timeout_);
  } catch (const std::exception& e) {
    error = std::string("unexpected error: ") + e.what();
  } catch (...) {
    error = "unexpected error: an exception that is not a std::exception";
  }
  spdlog::warn("probe failed gateway={} probe={} err=\"{}\"", gateway, probe_kind_name(kind), error);
  ProbeResult result;
  result.error = std::move(error);
  result.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.completed_at = std::chrono::system_clock::now();
  return result;
}

void Prober::run(const std::stop_token& stop, const Target& target, ProbeKind kind) {
  const std::string url = target.base_url + (kind == ProbeKind::kHttp ? "/readyz" : "/");
  const ProbeFunction& probe = kind == ProbeKind::kHttp ? http_ : websocket_;
  while (!stop.stop_requested()) {
    const auto started = std::chrono::steady_clock::now();
    ProbeResult result = probe_without_throwing(probe, url, target.gateway, kind);
    std::unique_lock lock(mutex_);
    results_[{target.gateway, kind}] = std::move(result);
    // Fixed-rate schedule: a slow probe shortens the pause instead of stretching the interval.
    wake_.wait_until(lock, stop, started + interval_, [] { return false; });
  }
}

}  // namespace openclaw::exporter
