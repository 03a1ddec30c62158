#include "process_finder.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "fixture_files.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "net.hpp"

namespace openclaw::exporter {
namespace {

namespace fs = std::filesystem;
using openclaw::testing::ChildProcess;
using openclaw::testing::TempDir;
using namespace std::chrono_literals;

Candidate candidate(int pid, int ppid, std::uint64_t start, int rank = 0, bool exporter = false) {
  return Candidate{{pid, start}, ppid, rank, exporter};
}

TEST(ChooseGatewayProcess, TakesTheEarliestStartedRootNotTheLowestPid) {
  // PIDs wrapped: the gateway (started first) has the higher PID; 120 is a later CLI call; 31000 is its worker.
  const std::vector<Candidate> matches = {candidate(120, 1, 900), candidate(30000, 1, 100),
                                          candidate(31000, 30000, 50)};
  EXPECT_EQ(choose_gateway_process(matches), (ProcessIdentity{30000, 100}));
}

TEST(ChooseGatewayProcess, NeverTheExporterAndPrefersTheService) {
  EXPECT_EQ(choose_gateway_process({candidate(10, 1, 1, 0, /*exporter=*/true)}), std::nullopt);
  // A CLI command started before the service (rank 0) loses to the service (OPENCLAW_SERVICE_KIND=gateway) ...
  EXPECT_EQ(choose_gateway_process({candidate(10, 1, 1, 0), candidate(20, 1, 5, 2)}), (ProcessIdentity{20, 5}));
  // ... and one started by systemd for something else (INVOCATION_ID only) too.
  EXPECT_EQ(choose_gateway_process({candidate(10, 1, 1, 1), candidate(20, 1, 5, 2)}), (ProcessIdentity{20, 5}));
  // The exporter's own match does not make its children roots' parents.
  EXPECT_EQ(choose_gateway_process({candidate(10, 1, 1, 0, true), candidate(20, 10, 5)}), (ProcessIdentity{20, 5}));
  EXPECT_EQ(choose_gateway_process({}), std::nullopt);
}

class FakeProcFinder : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy(kFixtures + "/fakeproc", root(), fs::copy_options::recursive); }
  fs::path root() const { return fs::path(temp_.path()) / "proc"; }
  ProcessFinder finder() const { return ProcessFinder(root().string()); }
  std::string pid_file() const { return temp_.file("gateway.pid"); }

 private:
  TempDir temp_{"finder-test-"};
};

TEST_F(FakeProcFinder, CmdlineFindsTheRootOfTheMatchingTreeAndSkipsKernelThreads) {
  EXPECT_EQ(*finder().from_cmdline(std::regex("^openclaw-gateway$")), (ProcessIdentity{4242, 360000}));
  // Both workers match "node"; neither's parent does: the earlier started one.
  EXPECT_EQ(*finder().from_cmdline(std::regex("^node ")), (ProcessIdentity{4250, 360500}));
  // Everything matches "": the gateway is the root, its workers and their child are not.
  EXPECT_EQ(*finder().from_cmdline(std::regex("")), (ProcessIdentity{4242, 360000}));
  EXPECT_EQ(*finder().from_cmdline(std::regex("kworker")), std::nullopt);
}

TEST_F(FakeProcFinder, NeverTheExporterItselfThoughItsArgvHoldsTheRegexAndItStartedFirst) {
  const fs::path self = root() / std::to_string(::getpid());
  fs::copy(root() / "4242", self, fs::copy_options::recursive);
  std::ofstream(self / "stat") << ::getpid() << " (openclaw-gatewa) S 1 1 1 0 -1 4194304 100 0 0 0 1 1 0 0 20 0 2 0 "
                                                "100 123456789 1000 18446744073709551615 1 1 0 0\n";
  static constexpr char kCmdline[] = "openclaw-gateway-exporter\0--gateway.cmdline-regex=openclaw-gateway";
  std::ofstream(self / "cmdline").write(kCmdline, sizeof kCmdline);  // with the final NUL
  EXPECT_EQ(*finder().from_cmdline(std::regex("openclaw-gateway")), (ProcessIdentity{4242, 360000}));
}

// Found while writing fuzz/targets/fuzz_proc.cpp: any local user can start a process with a long command line, and
// libstdc++'s default std::regex matcher recursed once per character a `.*` consumed: 128 KiB overflowed the
// stack (SIGSEGV) with this pattern.
TEST_F(FakeProcFinder, AHugeCommandLineOfAnotherProcessCannotCrashTheSearch) {
  const fs::path other = root() / "4260";
  using namespace std::string_literals;
  const std::string huge = "node\0"s + std::string(128 * 1024, 'a') + "\0openclaw-gateway"s;
  std::ofstream(other / "cmdline").write(huge.data(), static_cast<std::streamsize>(huge.size()));
  const auto found = finder().from_cmdline(compile_cmdline_regex("^node .*openclaw-gateway"));
  ASSERT_TRUE(found.ok()) << found.error();
  // Its match lies past the first kMaxCmdlineMatchBytes: not a candidate.
  EXPECT_EQ(*found, std::nullopt);
}

TEST(CmdlineMatches, SeesTheFirstBytesOnlyAndNoEndOfLineAtTheCut) {
  const std::regex gateway = compile_cmdline_regex("^openclaw-gateway( |$)");
  EXPECT_TRUE(cmdline_matches(std::string_view("openclaw-gateway\0", 17), gateway));
  EXPECT_TRUE(cmdline_matches("openclaw-gateway --port 1", gateway));
  EXPECT_FALSE(cmdline_matches("openclaw-gateway-exporter", gateway));
  const std::string prefix(kMaxCmdlineMatchBytes - 3, 'x');
  EXPECT_TRUE(cmdline_matches(prefix + "abc", compile_cmdline_regex("abc$")));
  EXPECT_FALSE(cmdline_matches(prefix + "abcd", compile_cmdline_regex("abc$")));  // cut after "abc": not its end
  EXPECT_FALSE(cmdline_matches(prefix + "---abc", compile_cmdline_regex("abc")));  // past the cut
  // The longest argument the kernel allows, with a pattern whose `.*` recursed per character before.
  EXPECT_FALSE(cmdline_matches("node " + std::string(128 * 1024, 'a'), compile_cmdline_regex("^node .*b")));
  EXPECT_THROW(compile_cmdline_regex("(a)\\1"), std::regex_error);  // no backreferences: they need backtracking
}

TEST_F(FakeProcFinder, AnUnlistableProcIsAFailureNotAStoppedGateway) {
  const auto found = ProcessFinder(root().string() + "/none").from_cmdline(std::regex(""));
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.error().find("cannot list"), std::string::npos) << found.error();
}

TEST_F(FakeProcFinder, PidFileStates) {
  EXPECT_EQ(*finder().from_pid_file(pid_file()), std::nullopt);  // no file: not running
  std::ofstream(pid_file()) << " 4250\n";
  EXPECT_EQ(*finder().from_pid_file(pid_file()), (ProcessIdentity{4250, 360500}));
  std::ofstream(pid_file()) << "9999\n";
  EXPECT_EQ(*finder().from_pid_file(pid_file()), std::nullopt);  // a dead process: not running
  std::ofstream(pid_file()) << "pid\n";
  EXPECT_FALSE(finder().from_pid_file(pid_file()).ok());  // garbage: cannot tell
  const std::string directory = pid_file() + ".d";
  fs::create_directory(directory);
  const auto unreadable = finder().from_pid_file(directory);
  ASSERT_FALSE(unreadable.ok());
  EXPECT_NE(unreadable.error().find("cannot read"), std::string::npos) << unreadable.error();
}

TEST_F(FakeProcFinder, APidFileOlderThanItsProcessNamesAReusedPid) {
  std::ofstream(pid_file()) << "4250\n";
  // 4250 started at btime + 3605 s (1795516276 + 3605); a file written before that was written by someone else.
  const timespec times[2] = {{1795516276 + 3000, 0}, {1795516276 + 3000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, pid_file().c_str(), times, 0), 0);
  EXPECT_EQ(*finder().from_pid_file(pid_file()), std::nullopt);
  const timespec later[2] = {{1795516276 + 3606, 0}, {1795516276 + 3606, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, pid_file().c_str(), later, 0), 0);
  EXPECT_EQ(*finder().from_pid_file(pid_file()), (ProcessIdentity{4250, 360500}));
}

TEST_F(FakeProcFinder, AZombieIsNotRunning) {
  std::string stat;
  std::getline(std::ifstream(root() / "4250/stat"), stat);
  std::ofstream(root() / "4250/stat") << stat.replace(stat.find(") S ") + 2, 1, "Z") << "\n";
  EXPECT_EQ(*finder().alive(4250), std::nullopt);
  EXPECT_EQ(*finder().alive(4242), (ProcessIdentity{4242, 360000}));
  EXPECT_EQ(*finder().alive(9999), std::nullopt);
}

// ---- live processes ----

// `sleep 600` whose argv[0] (and so its cmdline) is `name`, with extra environment entries.
ChildProcess named_sleep(const std::string& name, std::vector<std::string> env = {}) {
  return ChildProcess({"bash", "-c", "exec -a " + name + " sleep 600"}, std::move(env));
}

bool cmdline_is(pid_t pid, const std::string& prefix) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.starts_with(prefix);
}

// Names no other process on the machine has (a real gateway may run beside the tests).
std::string unique_title(const std::string& what) { return "openclaw-gateway-" + what + "-" + std::to_string(::getpid()); }

TEST(LiveProcessFinder, NeverTakesTheExporterItselfOrAnotherExporterForTheGateway) {
  const ProcessFinder finder;
  // A fork of this process runs the same binary (the exe link names it) with the same argv as this "exporter".
  ChildProcess copy = ChildProcess::fork_and_run([] {
    ::pause();
    return 0;
  });
  const auto self_match = finder.from_cmdline(std::regex("^\\S*exporter_test( |$)"));
  ASSERT_TRUE(self_match.ok());
  if (self_match->has_value()) {  // another program of that name on the machine may match; never this one
    EXPECT_NE((*self_match)->pid, ::getpid());
    EXPECT_NE((*self_match)->pid, copy.pid());
  }
  // Another exporter's argv holds the regex it was given, and its name starts like the gateway's.
  const std::string title = unique_title("finder");
  ChildProcess other_exporter = named_sleep("'/usr/bin/openclaw-gateway-exporter --gateway.cmdline-regex=" + title + "'");
  ASSERT_TRUE(openclaw::testing::wait_until([&] { return cmdline_is(other_exporter.pid(), "/usr/bin/openclaw-gateway-exporter"); }, 5s));
  EXPECT_EQ(*finder.from_cmdline(std::regex(title)), std::nullopt);
  ChildProcess gateway = named_sleep(title);
  ASSERT_TRUE(openclaw::testing::wait_until([&] { return cmdline_is(gateway.pid(), title); }, 5s));
  const auto found = finder.from_cmdline(std::regex(title));
  ASSERT_TRUE(found.ok() && found->has_value()) << found.error();
  EXPECT_EQ((*found)->pid, gateway.pid());
}

TEST(LiveProcessFinder, TheServiceWinsOverAnEarlierCliCommandWithTheSameTitle) {
  const ProcessFinder finder;
  const std::string title = unique_title("cli");
  ChildProcess cli = named_sleep(title);
  ASSERT_TRUE(openclaw::testing::wait_until([&] { return cmdline_is(cli.pid(), title); }, 5s));
  std::this_thread::sleep_for(20ms);  // a later start time, by at least one clock tick
  ChildProcess service = named_sleep(title, {"OPENCLAW_SERVICE_KIND=gateway"});
  ASSERT_TRUE(openclaw::testing::wait_until([&] { return cmdline_is(service.pid(), title); }, 5s));
  const auto found = finder.from_cmdline(std::regex("^" + title));
  ASSERT_TRUE(found.ok() && found->has_value()) << found.error();
  EXPECT_EQ((*found)->pid, service.pid());
}

TEST(LiveProcessFinder, AnExitedButUnreapedProcessIsNotRunning) {
  const ProcessFinder finder;
  ChildProcess child = ChildProcess::fork_and_run([] { return 0; });
  // Not reaped (nobody waits yet): a zombie.
  ASSERT_TRUE(openclaw::testing::wait_until([&] {
    std::ifstream in("/proc/" + std::to_string(child.pid()) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return stat.find(") Z ") != std::string::npos;
  }, 5s));
  EXPECT_EQ(*finder.alive(child.pid()), std::nullopt);
}

}  // namespace
}  // namespace openclaw::exporter
