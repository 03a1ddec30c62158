// The real user manager hung: SIGSTOP (run under tests/lib/with-user-manager.sh). A stopped manager still accepts
// connections (the kernel queues them) and never answers: the hook's calls must fail within their call timeout,
// on the connection it holds and on a new one, and work again once the manager runs again.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>

#include "sd_bus_unit_control.hpp"
#include "test_support.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
namespace t = openclaw::testing;
using SteadyClock = std::chrono::steady_clock;

// SIGSTOP to the manager for the scope's life; SIGCONT however the test ends.
class StoppedManager {
 public:
  explicit StoppedManager(pid_t pid) : pid_(pid) { ::kill(pid_, SIGSTOP); }
  ~StoppedManager() { ::kill(pid_, SIGCONT); }
  StoppedManager(const StoppedManager&) = delete;
  StoppedManager& operator=(const StoppedManager&) = delete;
  StoppedManager(StoppedManager&&) = delete;
  StoppedManager& operator=(StoppedManager&&) = delete;

 private:
  pid_t pid_;
};

std::chrono::milliseconds took(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
}

// The manager answered: a unit that does not exist is "not loaded", which only a running manager can say.
bool answered(const Result<UnitStatus>& status) {
  return status.ok() || status.error().find("is not loaded") != std::string::npos;
}

TEST(StoppedUserManager, CallsFailWithinTheirTimeoutAndWorkAgainAfterSigcont) {
  ASSERT_TRUE(t::UserManager::available()) << "run under tests/lib/with-user-manager.sh";
  const char* pid_text = std::getenv("OPENCLAW_USER_MANAGER_PID");
  ASSERT_NE(pid_text, nullptr);
  const pid_t manager = static_cast<pid_t>(std::atoi(pid_text));
  ASSERT_GT(manager, 1);
  SdBusUnitControl held({}, 500ms);  // connected before the manager stops
  ASSERT_TRUE(answered(held.status("openclaw-fault-nothing.service")));
  {
    const StoppedManager stopped(manager);
    auto started = SteadyClock::now();
    const auto on_held = held.status("openclaw-fault-nothing.service");
    EXPECT_FALSE(answered(on_held));
    EXPECT_LT(took(started), 3s);
    SdBusUnitControl fresh({}, 500ms);  // a new connection: queued by the kernel, never answered
    started = SteadyClock::now();
    const auto on_fresh = fresh.status("openclaw-fault-nothing.service");
    EXPECT_LT(took(started), 3s) << "a new connection to a stopped manager waited for sd-bus's own timeout";
    ASSERT_FALSE(on_fresh.ok());
    EXPECT_NE(on_fresh.error().find("no answer within 500 ms"), std::string::npos) << on_fresh.error();
    started = SteadyClock::now();
    EXPECT_FALSE(fresh.start_restart("openclaw-fault-nothing.service").ok());
    EXPECT_LT(took(started), 3s);
  }
  // Running again: the held control drops its broken connection and connects anew.
  EXPECT_TRUE(t::wait_until([&] { return answered(held.status("openclaw-fault-nothing.service")); }, 10s));
  SdBusUnitControl after({}, 500ms);
  const auto status = after.status("openclaw-fault-nothing.service");
  EXPECT_TRUE(answered(status)) << status.error();
}

}  // namespace
}  // namespace openclaw::hook
