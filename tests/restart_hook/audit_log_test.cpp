// The audit log on a real directory: rotation by size, and what survives it (the status page's recent records, every
// record for a rebuild of the state).
#include "audit_log.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.hpp"

namespace openclaw::hook {
namespace {

namespace t = openclaw::testing;

nlohmann::json numbered(int i) { return {{"event", "decision"}, {"n", i}, {"pad", std::string(100, 'x')}}; }

std::size_t file_size(const std::string& path) {
  return std::filesystem::exists(path) ? std::filesystem::file_size(path) : 0;
}

TEST(AuditLog, RotatesBySizeKeepsMaxFilesAndReadsAcrossTheRotation) {
  t::TempDir dir;
  const AuditOptions options{.max_file_bytes = 4096, .max_files = 2};
  {
    AuditLog log(dir.path(), options);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(log.append(numbered(i), false).ok());
    // ~200 bytes a line: 20 a file. The current file and two rotated ones remain, each within the limit.
    EXPECT_LE(file_size(dir.file("audit.log")), 4096U);
    EXPECT_GT(file_size(dir.file("audit.log.1")), 4096U - 200U);
    EXPECT_LE(file_size(dir.file("audit.log.1")), 4096U);
    EXPECT_TRUE(std::filesystem::exists(dir.file("audit.log.2")));
    EXPECT_FALSE(std::filesystem::exists(dir.file("audit.log.3")));
    const auto recent = log.recent();
    ASSERT_EQ(recent.size(), AuditLog::kRecentCapacity);
    EXPECT_EQ(recent.back()["n"], 99);
    // Everything still on disk, oldest first and contiguous: the oldest lines went with the deleted file only.
    const auto all = log.read_all();
    ASSERT_GE(all.size(), 2U * 4096U / 220U);  // two full rotated files at least
    EXPECT_EQ(all.back()["n"], 99);
    for (std::size_t i = 1; i < all.size(); ++i) EXPECT_EQ(all[i]["n"].get<int>(), all[i - 1]["n"].get<int>() + 1);
  }
  // Right after a rotation the current file holds one line: a new hook still shows the last 50 records.
  AuditLog before(dir.path(), options);
  int n = 1000;
  for (std::size_t last = 0; file_size(dir.file("audit.log")) >= last; ++n) {
    last = file_size(dir.file("audit.log"));
    ASSERT_TRUE(before.append(numbered(n), false).ok());
  }
  ASSERT_TRUE(before.append(numbered(n), false).ok());  // the current file now holds two lines
  AuditLog after(dir.path(), options);
  const auto recent = after.recent();
  ASSERT_EQ(recent.size(), AuditLog::kRecentCapacity);
  EXPECT_EQ(recent.back()["n"], n);
  EXPECT_EQ(recent[recent.size() - 3]["n"], n - 2) << "the newest line of the rotated file";
}

TEST(AuditLog, ALineCutShortByACrashIsSkippedNotFatal) {
  t::TempDir dir;
  t::write_file(dir.file("audit.log"), R"({"event":"a","n":1})" "\n" R"({"event":"b","n":)");
  AuditLog log(dir.path());
  ASSERT_EQ(log.recent().size(), 1U);
  ASSERT_TRUE(log.append({{"event", "c"}}, true).ok());
  const auto all = log.read_all();
  ASSERT_EQ(all.size(), 2U) << "the record after a cut line must not be swallowed by it";
  EXPECT_EQ(all[1]["event"], "c");
}

}  // namespace
}  // namespace openclaw::hook
