#include "verifier.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <thread>

namespace openclaw::hook {
namespace {

using SteadyClock = std::chrono::steady_clock;

size_t discard(char* /*data*/, size_t size, size_t count, void* /*user*/) { return size * count; }

// Sleeps in small steps so a shutdown does not wait for a whole poll interval.
bool sleep_unless_stopped(std::chrono::milliseconds d, const std::stop_token& stop) {
  const auto until = SteadyClock::now() + d;
  while (SteadyClock::now() < until) {
    if (stop.stop_requested()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(d, std::chrono::milliseconds(50)));
  }
  return !stop.stop_requested();
}

}  // namespace

bool CurlHealthChecker::healthy(const std::string& url, std::chrono::milliseconds timeout) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return false;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  long status = 0;
  const bool ok = curl_easy_perform(curl) == CURLE_OK &&
                  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status >= 200 &&
                  status < 300;
  curl_easy_cleanup(curl);
  return ok;
}

VerifyResult Verifier::verify(const GatewayConfig& gateway, ActionKind action, std::optional<int> pid_before,
                              std::chrono::milliseconds verify_timeout, std::stop_token stop) {
  VerifyResult result;
  result.main_pid_before = pid_before;
  const auto started = SteadyClock::now();
  const auto deadline = started + verify_timeout;
  const bool track_pid = action != ActionKind::kCommand;
  bool wait_for_new_pid = action == ActionKind::kSignal && pid_before.has_value();
  while (SteadyClock::now() < deadline) {
    if (track_pid) result.main_pid_after = actions_.main_pid(gateway.unit);
    if (wait_for_new_pid && result.main_pid_after && *result.main_pid_after != *pid_before) wait_for_new_pid = false;
    if (!wait_for_new_pid) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      if (health_.healthy(gateway.health_url, std::clamp(left, std::chrono::milliseconds(100),
                                                         std::chrono::milliseconds(5000)))) {
        result.healthy = true;
        break;
      }
    }
    if (!sleep_unless_stopped(poll_interval_, stop)) break;
  }
  result.time_to_healthy = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
  if (track_pid && result.healthy) result.main_pid_after = actions_.main_pid(gateway.unit);
  return result;
}

}  // namespace openclaw::hook
