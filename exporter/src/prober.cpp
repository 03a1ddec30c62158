#include "prober.hpp"

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

void Prober::run(const std::stop_token& stop, const Target& target, ProbeKind kind) {
  const std::string url = target.base_url + (kind == ProbeKind::kHttp ? "/readyz" : "/");
  const ProbeFunction& probe = kind == ProbeKind::kHttp ? http_ : websocket_;
  while (!stop.stop_requested()) {
    const auto started = std::chrono::steady_clock::now();
    ProbeResult result = probe(url, timeout_);
    std::unique_lock lock(mutex_);
    results_[{target.gateway, kind}] = std::move(result);
    // Fixed-rate schedule: a slow probe shortens the pause instead of stretching the interval.
    wake_.wait_until(lock, stop, started + interval_, [] { return false; });
  }
}

}  // namespace openclaw::exporter
