#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "probe.hpp"

namespace openclaw::exporter {

enum class ProbeKind { kHttp, kWebsocket };
std::string_view probe_kind_name(ProbeKind kind);  // "http" | "websocket"

// Runs every gateway's health probes in the background, each (gateway, kind) on its own thread every `interval`,
// so that a slow or hung gateway never makes /metrics slow: a scrape only reads the last completed result.
class Prober {
 public:
  using ProbeFunction = std::function<ProbeResult(const std::string& url, std::chrono::milliseconds timeout)>;

  struct Target {
    std::string gateway;
    std::string base_url;  // http://host:port, no trailing slash
  };

  Prober(std::vector<Target> targets, std::chrono::milliseconds interval, std::chrono::milliseconds timeout,
         ProbeFunction http = probe_http, ProbeFunction websocket = probe_websocket);
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;
  Prober(Prober&&) = delete;
  Prober& operator=(Prober&&) = delete;

  // The last completed probe, or nullopt before the first one has finished.
  std::optional<ProbeResult> last(const std::string& gateway, ProbeKind kind) const;

 private:
  void run(const std::stop_token& stop, const Target& target, ProbeKind kind);
  ProbeResult probe_without_throwing(const ProbeFunction& probe, const std::string& url, const std::string& gateway,
                                     ProbeKind kind) const;

  std::vector<Target> targets_;
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds timeout_;
  ProbeFunction http_;
  ProbeFunction websocket_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::map<std::pair<std::string, ProbeKind>, ProbeResult> results_;
  std::vector<std::jthread> threads_;  // last member: threads stop and join before the state they use goes away
};

}  // namespace openclaw::exporter
