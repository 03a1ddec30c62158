#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "actions.hpp"
#include "config.hpp"

namespace openclaw::hook {

// The seam for "is the gateway healthy": one GET of its health_url, 2xx is healthy.
class HealthChecker {
 public:
  virtual ~HealthChecker() = default;
  virtual bool healthy(const std::string& url, std::chrono::milliseconds timeout) = 0;
};

// libcurl; no proxy, never a X-Forwarded-For header (the gateway answers 403 to those).
class CurlHealthChecker final : public HealthChecker {
 public:
  bool healthy(const std::string& url, std::chrono::milliseconds timeout) override;
};

struct VerifyResult {
  bool healthy = false;
  std::chrono::milliseconds time_to_healthy{0};  // from the end of the action
  std::optional<int> main_pid_before;
  std::optional<int> main_pid_after;
  bool main_pid_changed() const { return main_pid_before && main_pid_after && *main_pid_before != *main_pid_after; }
};

// Polls the health URL until healthy or `verify_timeout`. After a signal the old process may still answer for
// a moment while it drains, so then it first waits for a new MainPID.
class Verifier {
 public:
  Verifier(HealthChecker& health, Actions& actions, std::chrono::milliseconds poll_interval)
      : health_(health), actions_(actions), poll_interval_(poll_interval) {}
  VerifyResult verify(const GatewayConfig& gateway, ActionKind action, std::optional<int> pid_before,
                      std::chrono::milliseconds verify_timeout, std::stop_token stop);

 private:
  HealthChecker& health_;
  Actions& actions_;
  std::chrono::milliseconds poll_interval_;
};

}  // namespace openclaw::hook
