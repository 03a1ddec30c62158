// ForkExecRunner: argv reaches execve verbatim, the child starts with no blocked signals (the hook blocks
// SIGTERM/SIGINT for sigwait()), and a timeout kills the child's whole process group.
#include "process_runner.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <charconv>
#include <fstream>

#include "test_support.hpp"

namespace openclaw::hook {
namespace {

using namespace std::chrono_literals;
namespace t = openclaw::testing;

// Gone or a zombie nobody reaped yet: either way it no longer runs.
bool not_running(int pid) {
  // test_support's read_file, not istreambuf_iterator: GCC 12 -O2 warns (null-dereference) inside the latter.
  std::string text;
  try {
    text = t::read_file("/proc/" + std::to_string(pid) + "/stat");
  } catch (const std::exception&) {
    return true;
  }
  const auto paren = text.rfind(')');
  return text.empty() || (paren != std::string::npos && text.substr(paren + 2, 1) == "Z");
}

TEST(ForkExecRunner, ArgvIsPassedVerbatimNeverThroughAShell) {
  ForkExecRunner runner;
  const auto r = runner.run({"/bin/echo", "$(id)", ";", "`reboot`", "a b"}, 5s, {});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "$(id) ; `reboot` a b\n");
  EXPECT_EQ(runner.run({"/nonexistent/program"}, 5s, {}).exit_code, 127);
}

TEST(ForkExecRunner, ChildStartsWithNoBlockedSignals) {
  sigset_t blocked;
  sigset_t previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  pthread_sigmask(SIG_BLOCK, &blocked, &previous);  // as run_main() does
  ForkExecRunner runner;
  const auto r = runner.run({"/bin/grep", "^SigBlk:", "/proc/self/status"}, 5s, {});
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  EXPECT_EQ(r.output, "SigBlk:\t0000000000000000\n");
}

TEST(ForkExecRunner, TimeoutKillsTheWholeProcessGroup) {
  ForkExecRunner runner;
  // The shell starts a grandchild, reports its pid and waits: a hung `systemctl` with a helper.
  const auto r = runner.run({"/bin/sh", "-c", "sleep 60 & echo $!; wait"}, 300ms, {});
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  EXPECT_LT(r.duration, 5s);
  int grandchild = 0;
  std::from_chars(r.output.data(), r.output.data() + r.output.size(), grandchild);
  ASSERT_GT(grandchild, 1) << r.output;
  EXPECT_TRUE(t::wait_until([&] { return not_running(grandchild); }, 5s)) << "sleep " << grandchild << " survived";
}

}  // namespace
}  // namespace openclaw::hook
