#include "actions.hpp"

#include <gtest/gtest.h>

#include <mutex>

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;

class RecordingRunner final : public ProcessRunner {
 public:
  ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds /*timeout*/,
                    const std::vector<std::string>& /*extra_env*/, std::stop_token /*stop*/ = {}) override {
    argv_ = argv;
    ProcessResult result;
    result.exit_code = 0;
    result.output = "4242\n";
    return result;
  }
  std::vector<std::string> argv_;
};

// A unit name is an operand: "--" ends systemctl's options before it, whatever the configuration says.
TEST(Actions, SystemctlGetsDoubleDashBeforeTheUnit) {
  RecordingRunner runner;
  Actions actions(runner);
  EXPECT_EQ(actions.main_pid("openclaw-gateway.service"), 4242);
  const std::vector<std::string> expected = {"systemctl", "--user", "show", "-p", "MainPID", "--value", "--",
                                             "openclaw-gateway.service"};
  EXPECT_EQ(runner.argv_, expected);
}

}  // namespace
}  // namespace openclaw::hook
