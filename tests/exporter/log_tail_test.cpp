// Following the gateway's daily log on real files: each test drives LogTail one poll at a time with a given date
// (no clock, no sleeps); the last test runs the background LogFollower.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "log_follower.hpp"
#include "log_tail.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace openclaw::exporter;
using namespace std::chrono_literals;
using openclaw::testing::append_file;
using openclaw::testing::ChildProcess;
using openclaw::testing::TempDir;

namespace {

constexpr const char* kDay1 = "2026-12-01";
constexpr const char* kDay2 = "2026-12-02";

// A LogTail over a temp directory that records what it hands out.
struct Tailed {
  explicit Tailed(std::string profile = {}, std::size_t max_line_bytes = std::size_t{1} << 20)
      : tail({dir.path(), std::move(profile), max_line_bytes},
             {[this](std::string_view line) { lines.emplace_back(line); }, [this] { ++oversized; }}) {}
  std::string file(const char* date) const { return dir.file(gateway_log_file_name("", date)); }
  // Polls and returns the lines handed out by this poll.
  std::vector<std::string> poll(const char* date) {
    lines.clear();
    const openclaw::Status status = tail.poll(date);
    EXPECT_TRUE(status.ok()) << status.error();
    return lines;
  }

  TempDir dir{"openclaw-logtail-"};
  std::vector<std::string> lines;
  int oversized = 0;
  LogTail tail;
};

using Lines = std::vector<std::string>;

}  // namespace

TEST(LogTail, NamesTheDailyFileLikeTheGateway) {
  EXPECT_EQ(gateway_log_file_name("", kDay1), "openclaw-2026-12-01.log");
  EXPECT_EQ(gateway_log_file_name("work", kDay1), "openclaw-work-2026-12-01.log");
}

TEST(LogTail, StartsAtTheEndOfTheFileFoundAtStart) {
  Tailed t;
  append_file(t.file(kDay1), "{\"old\":1}\n{\"old\":2}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "{\"new\":1}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"new\":1}"});
  EXPECT_EQ(t.poll(kDay1), Lines{});
}

TEST(LogTail, StartingInsideALineSkipsTheRestOfIt) {
  Tailed t;
  append_file(t.file(kDay1), "{\"old\":1}\n{\"half");
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "\":2}\n{\"new\":1}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"new\":1}"});
}

TEST(LogTail, AMissingFileIsWaitedForAndThenReadFromItsStart) {
  Tailed t;
  EXPECT_EQ(t.poll(kDay1), Lines{});
  EXPECT_EQ(t.tail.current_path(), "");
  append_file(t.file(kDay1), "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_EQ(t.poll(kDay1), (Lines{"{\"a\":1}", "{\"b\":2}"}));
  EXPECT_EQ(t.tail.current_path(), t.file(kDay1));
}

TEST(LogTail, KeepsAPartialLineUntilItsNewlineArrives) {
  Tailed t;
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "{\"a\":1}\n{\"memory");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"a\":1}"});
  append_file(t.file(kDay1), " pressure\":");
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "2}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"memory pressure\":2}"});
}

TEST(LogTail, FinishesARotatedFileThenReadsTheNewOneFromItsStart) {
  Tailed t;
  append_file(t.file(kDay1), "{\"old\":0}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "{\"before rotation\":1}\n");  // written, not yet read, when the gateway rotates
  ASSERT_EQ(std::rename(t.file(kDay1).c_str(), (t.file(kDay1) + ".1").c_str()), 0);
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"before rotation\":1}"});  // the new file does not exist yet
  append_file(t.file(kDay1), "{\"after rotation\":1}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"after rotation\":1}"});
  append_file(t.file(kDay1) + ".1", "{\"late write to the old file\":1}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{});  // the old file is done with
}

TEST(LogTail, RotationSeenInOnePollLosesNoLine) {
  Tailed t;
  append_file(t.file(kDay1), "");
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "{\"a\":1}\n");
  ASSERT_EQ(std::rename(t.file(kDay1).c_str(), (t.file(kDay1) + ".1").c_str()), 0);
  append_file(t.file(kDay1), "{\"b\":2}\n");
  EXPECT_EQ(t.poll(kDay1), (Lines{"{\"a\":1}", "{\"b\":2}"}));
}

TEST(LogTail, ATruncatedFileIsReadAgainFromItsStart) {
  Tailed t;
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_EQ(t.poll(kDay1).size(), 2U);
  ASSERT_EQ(::truncate(t.file(kDay1).c_str(), 0), 0);
  append_file(t.file(kDay1), "{\"c\":3}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"c\":3}"});
}

TEST(LogTail, ANewDayFinishesTheOldFileThenFollowsTheNewOne) {
  Tailed t;
  append_file(t.file(kDay1), "{\"old\":0}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "{\"23:59:59\":1}\n{\"no newline at the end of the day\":1}");
  append_file(t.file(kDay2), "{\"00:00:01\":1}\n");
  EXPECT_EQ(t.poll(kDay2), (Lines{"{\"23:59:59\":1}", "{\"no newline at the end of the day\":1}", "{\"00:00:01\":1}"}));
  EXPECT_EQ(t.tail.current_path(), t.file(kDay2));
  append_file(t.file(kDay1), "{\"yesterday\":1}\n");
  append_file(t.file(kDay2), "{\"today\":1}\n");
  EXPECT_EQ(t.poll(kDay2), Lines{"{\"today\":1}"});
}

TEST(LogTail, FollowsTheProfilesFile) {
  Tailed t("work");
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), "{\"default profile\":1}\n");
  append_file(t.dir.file("openclaw-work-2026-12-01.log"), "{\"work profile\":1}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"work profile\":1}"});
}

TEST(LogTail, DropsAndCountsALineLongerThanTheBound) {
  Tailed t("", 64);
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), std::string(100, 'x') + "\n{\"a\":1}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"a\":1}"});
  EXPECT_EQ(t.oversized, 1);
  // Growing across polls: counted once when it passes the bound, its end skipped when it arrives.
  append_file(t.file(kDay1), std::string(50, 'y'));
  EXPECT_EQ(t.poll(kDay1), Lines{});
  append_file(t.file(kDay1), std::string(50, 'y'));
  EXPECT_EQ(t.poll(kDay1), Lines{});
  EXPECT_EQ(t.oversized, 2);
  append_file(t.file(kDay1), std::string(500, 'y') + "\n{\"b\":2}\n");
  EXPECT_EQ(t.poll(kDay1), Lines{"{\"b\":2}"});
  EXPECT_EQ(t.oversized, 2);
  // Exactly at the bound is still a line.
  append_file(t.file(kDay1), std::string(64, 'z') + "\n");
  EXPECT_EQ(t.poll(kDay1), Lines{std::string(64, 'z')});
}

// A fresh install: the gateway creates /tmp/openclaw when it first writes. Until then the exporter waits, like for
// a missing file, and reads the file from its start once it appears.
TEST(LogTail, AMissingDirectoryIsWaitedForNotAFailure) {
  TempDir parent("openclaw-logtail-");
  const std::string dir = parent.file("openclaw");
  std::vector<std::string> lines;
  LogTail tail({dir, "", 1024}, {[&](std::string_view line) { lines.emplace_back(line); }, [] {}});
  const auto status = tail.poll(kDay1);
  EXPECT_TRUE(status.ok()) << status.error();
  EXPECT_FALSE(tail.following());
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  append_file(dir + "/openclaw-" + std::string(kDay1) + ".log", "first\n");
  EXPECT_TRUE(tail.poll(kDay1).ok());
  EXPECT_TRUE(tail.following());
  EXPECT_EQ(lines, std::vector<std::string>{"first"});
}

TEST(LogTail, AFileAsTheDirectoryIsAFailure) {
  TempDir dir("openclaw-logtail-");
  append_file(dir.file("not-a-dir"), "");
  LogTail tail({dir.file("not-a-dir"), "", 1024}, {[](std::string_view) {}, [] {}});
  const auto status = tail.poll(kDay1);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("ENOTDIR"), std::string::npos) << status.error();
}

TEST(LogTail, AnUnreadableFileIsAFailureAndRecovers) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop to another user";
  TempDir dir("openclaw-logtail-");
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  const std::string file = dir.file(gateway_log_file_name("", kDay1));
  append_file(file, "{\"a\":1}\n");
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);  // root's; the follower below runs as nobody
  ChildProcess child = ChildProcess::fork_and_run([&] {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) return 2;
    LogTail tail({dir.path(), "", 1024}, {[](std::string_view) {}, [] {}});
    const auto status = tail.poll(kDay1);
    if (status.ok() || status.error() != "cannot open " + file + ": EACCES (Permission denied)") return 3;
    return 0;
  });
  EXPECT_EQ(child.wait_exit(30s), 0);
  // The same directory, readable: the same poll succeeds (a failure is per poll, not for good).
  LogTail tail({dir.path(), "", 1024}, {[](std::string_view) {}, [] {}});
  EXPECT_TRUE(tail.poll(kDay1).ok());
}

TEST(LogFollower, DeliversLinesFromItsThreadAndStopsPromptly) {
  TempDir dir("openclaw-logfollower-");
  const std::string file = dir.file(gateway_log_file_name("", kDay1));
  append_file(file, "{\"history\":1}\n");
  std::atomic<int> lines{0};
  auto follower = std::make_unique<LogFollower>(LogTail::Options{dir.path(), "", 1024},
                                                LogTail::Callbacks{[&](std::string_view) { ++lines; }, [] {}}, 10ms,
                                                [] { return std::string(kDay1); });
  EXPECT_TRUE(follower->last_status().ok());
  append_file(file, "{\"a\":1}\n{\"b\":2}\n");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (lines < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(lines, 2);
  const auto stopping = std::chrono::steady_clock::now();
  follower.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 1s);
}
