// ForkExecRunner: argv reaches execve verbatim, the child starts with no blocked signals (the hook blocks
// SIGTERM/SIGINT for sigwait()), and a timeout kills the child's whole process group.
#include "process_runner.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <charconv>
#include <filesystem>
#include <future>
#include <sys/wait.h>
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

namespace openclaw::hook {
namespace {

int first_number(const std::string& text) {
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The command exits at once, but the helper it started keeps its stdout (the runner's pipe) open: run() returns
// with the command's own status, and the helper, left in the command's process group, is killed.
TEST(ForkExecRunner, AHelperThatKeepsTheOutputOpenEndsWithTheCommand) {
  ForkExecRunner runner;
  const auto r = runner.run({"/bin/sh", "-c", "sleep 60 & echo $!; exit 3"}, 30s, {});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.killed_leftovers);
  EXPECT_LT(r.duration, 5s);
  const int helper = first_number(r.output);
  ASSERT_GT(helper, 1) << r.output;
  EXPECT_TRUE(t::wait_until([&] { return not_running(helper); }, 5s)) << "sleep " << helper << " survived";
}

// A helper that redirected its output is the command's business (a daemon it meant to start): left running.
TEST(ForkExecRunner, AHelperThatDetachedItsOutputIsLeftAlone) {
  ForkExecRunner runner;
  const auto r = runner.run({"/bin/sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"}, 30s, {});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.killed_leftovers);
  const int helper = first_number(r.output);
  ASSERT_GT(helper, 1) << r.output;
  EXPECT_FALSE(not_running(helper));
  ::kill(helper, SIGKILL);
}

// A helper that writes without pause while and after the command exits. The loop before this change stopped
// checking its deadline once the command had exited and left only when the pipe happened to be empty at one
// instant (a scheduling race; it won in 3 of 3 runs on the loaded CI machine, so this test is a guard, not a proof).
// Run on a thread, so a regression fails here instead of hanging.
TEST(ForkExecRunner, AHelperFloodingTheOutputCannotHoldTheRunner) {
  t::TempDir dir;
  const std::string pid_file = dir.file("helper.pid");
  auto run = std::async(std::launch::async, [&] {
    ForkExecRunner runner;
    return runner.run({"/bin/sh", "-c", "yes & echo $! > " + pid_file + "; sleep 0.3; exit 0"}, 2s, {});
  });
  if (run.wait_for(10s) != std::future_status::ready) {
    ::kill(first_number(t::read_file(pid_file)), SIGKILL);  // lets the runner see end-of-file, and the test end
    FAIL() << "the runner still reads a flooding helper's output 10 s after the command exited";
  }
  const auto r = run.get();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.killed_leftovers);
  EXPECT_LE(r.output.size(), ForkExecRunner::kMaxOutput);
  EXPECT_LT(r.duration, 5s);
  const int helper = first_number(t::read_file(pid_file));
  ASSERT_GT(helper, 1);
  EXPECT_TRUE(t::wait_until([&] { return not_running(helper); }, 5s)) << "yes " << helper << " survived";
}

// The command hangs and a helper that left its process group (setsid) holds the pipe: the deadline still holds
// (the command is killed and run() returns); the helper is out of the group's reach (documented), so the test
// ends it.
TEST(ForkExecRunner, TheDeadlineHoldsWhenAHelperOutsideTheGroupKeepsThePipe) {
  ForkExecRunner runner;
  const auto r = runner.run({"/bin/sh", "-c", "setsid sleep 60 & echo $!; exec sleep 60"}, 300ms, {});
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  EXPECT_LT(r.duration, 3s);
  const int helper = first_number(r.output);
  ASSERT_GT(helper, 1) << r.output;
  ::kill(helper, SIGKILL);
}

// A stop request ends the wait without an exit code: the command still runs (the caller's unit ends it).
TEST(ForkExecRunner, AnInterruptedRunHasNoExitCodeAndIsNotOk) {
  t::TempDir dir;
  const std::string pid_file = dir.file("command.pid");
  ForkExecRunner runner;
  std::stop_source stop;
  stop.request_stop();
  const auto r = runner.run({"/bin/sh", "-c", "echo $$ > " + pid_file + "; exec sleep 60"}, 30s, {}, stop.get_token());
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(r.duration, 3s);
  int command = 0;
  ASSERT_TRUE(t::wait_until([&] { return std::filesystem::exists(pid_file) &&
                                         (command = first_number(t::read_file(pid_file))) > 1; }, 5s));
  ::kill(command, SIGKILL);
  ::waitpid(command, nullptr, 0);
}

}  // namespace
}  // namespace openclaw::hook
