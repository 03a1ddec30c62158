#include "process_sampler.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "child_helpers.hpp"
#include "fixture_files.hpp"
#include "paths.hpp"
#include "process.hpp"

namespace openclaw::exporter {
namespace {

namespace fs = std::filesystem;
using openclaw::testing::ChildProcess;
using openclaw::testing::TempDir;
using namespace std::chrono_literals;
const auto kTicks = static_cast<double>(::sysconf(_SC_CLK_TCK));
const auto kPageSize = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));

std::size_t count_entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

// fixtures/fakeproc copied to a temp dir, plus the fd entries git cannot hold as empty dirs.
class FakeProcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(kFixtures + "/fakeproc", root(), fs::copy_options::recursive);
    fs::create_directories(root() / "4242/fd");
    for (int fd = 0; fd < 7; ++fd) std::ofstream(root() / "4242/fd" / std::to_string(fd));
  }
  fs::path root() const { return fs::path(temp_.path()) / "proc"; }
  ProcessSampler sampler() const { return ProcessSampler(root().string(), kFixtures + "/fakecgroup/v2"); }

  void expect_gateway_tree(const Result<ProcessSample>& sample) const {
    ASSERT_TRUE(sample.ok()) << sample.error();
    EXPECT_EQ(sample->pid, 4242);
    EXPECT_EQ(sample->descendants, 3U);  // 4250, 4251 (forked by thread 4243), grandchild 4260; not 4252 or 5000
    EXPECT_EQ(sample->resident_bytes, (1000U + 200 + 300 + 50) * kPageSize);
    // utime+stime+cutime+cstime: main 100+50+7+3, children 10+5, 20+2, 1+1.
    EXPECT_DOUBLE_EQ(sample->cpu_seconds, 199 / kTicks);
    EXPECT_DOUBLE_EQ(sample->start_time_seconds, 1795516276 + 360000 / kTicks);
    EXPECT_EQ(sample->open_fds, 7U);
    EXPECT_EQ(sample->max_fds, 1024U);
    EXPECT_EQ(sample->threads, 2U);
    EXPECT_EQ(sample->cgroup_memory_limit_bytes, 2147483648U);  // system.slice's memory.max; the service has "max"
  }

 private:
  TempDir temp_{"sampler-test-"};
};

TEST_F(FakeProcTest, SumsTheTreeFoundThroughChildrenFiles) { expect_gateway_tree(sampler().sample(4242)); }

TEST_F(FakeProcTest, SumsTheSameTreeByPpidWhenChildrenFilesAreMissing) {
  for (const auto& entry : fs::recursive_directory_iterator(root())) {
    if (entry.path().filename() == "children") fs::remove(entry.path());
  }
  expect_gateway_tree(sampler().sample(4242));
}

// Boot time is a constant of the running kernel: read once, not in every scrape.
TEST_F(FakeProcTest, ReadsTheBootTimeOnce) {
  const auto sampler_once = sampler();
  ASSERT_TRUE(sampler_once.sample(4242).ok());
  fs::remove(root() / "stat");  // a sampler that read it again would now fail
  const auto again = sampler_once.sample(4242);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_DOUBLE_EQ(again->start_time_seconds, 1795516276 + 360000 / kTicks);
}

// /proc/PID/cgroup is read once per scrape: the sample keeps it for the memory source.
TEST_F(FakeProcTest, KeepsTheCgroupsOfTheMainProcess) {
  const auto sample = sampler().sample(4242);
  ASSERT_TRUE(sample.ok()) << sample.error();
  ASSERT_TRUE(sample->cgroups.has_value());
  EXPECT_EQ(sample->cgroups->v2_path, "/system.slice/openclaw-gateway.service");
}

TEST_F(FakeProcTest, MissingProcessIsGone) {
  const auto sample = sampler().sample(9999);
  ASSERT_FALSE(sample.ok());
  EXPECT_EQ(sample.error(), "process 9999 gone");
}

TEST_F(FakeProcTest, MalformedStatNamesTheFile) {
  std::ofstream(root() / "4242/stat") << "garbage\n";
  const auto sample = sampler().sample(4242);
  ASSERT_FALSE(sample.ok());
  EXPECT_NE(sample.error().find("4242/stat: "), std::string::npos) << sample.error();
}

TEST_F(FakeProcTest, HostMemory) {
  const auto memory = sampler().host_memory();
  ASSERT_TRUE(memory.ok()) << memory.error();
  EXPECT_EQ(memory->total_bytes, 24683620ULL * 1024);
  EXPECT_EQ(memory->available_bytes, 23492924ULL * 1024);
}

// ---- the live process tree of this test ----

TEST(LiveProcessSampler, CountsOpenFdsAndThreadsExactly) {
  const ProcessSampler sampler;
  Pipe release;
  const auto before = sampler.sample(::getpid());
  ASSERT_TRUE(before.ok()) << before.error();

  std::vector<int> extra;
  for (int i = 0; i < 10; ++i) extra.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&release] { release.wait(); });
  const auto during = sampler.sample(::getpid());
  const auto tasks = count_entries("/proc/self/task");
  for (std::size_t i = 0; i < threads.size(); ++i) release.signal();
  for (auto& thread : threads) thread.join();
  for (const int fd : extra) ::close(fd);

  ASSERT_TRUE(during.ok()) << during.error();
  EXPECT_EQ(during->open_fds, before->open_fds + 10);
  EXPECT_EQ(during->threads, before->threads + 2);
  EXPECT_EQ(during->threads, tasks);
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur == RLIM_INFINITY) {
    EXPECT_FALSE(during->max_fds.has_value());
  } else {
    EXPECT_EQ(during->max_fds, limit.rlim_cur);
  }
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(during->start_time_seconds, now + 1);
  EXPECT_GT(during->start_time_seconds, now - 3600);
  EXPECT_EQ(during->descendants, 0U);
}

TEST(LiveProcessSampler, TreeRssGrowsBy64MiBTouchedInAChild) {
  constexpr std::size_t kBytes = 64U << 20;
  const ProcessSampler sampler;
  Pipe go;
  Pipe allocated;
  Pipe baseline_ready;
  const ChildProcess child = ChildProcess::fork_and_run([&] {
    baseline_ready.signal();
    go.wait();
    void* memory = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return 1;
    std::memset(memory, 0x5a, kBytes);
    allocated.signal();
    ::pause();
    return 0;
  });
  baseline_ready.wait();
  const auto before = sampler.sample(::getpid());
  go.signal();
  allocated.wait();
  const auto after = sampler.sample(::getpid());
  ASSERT_TRUE(before.ok()) << before.error();
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ(before->descendants, 1U);
  EXPECT_EQ(after->descendants, 1U);
  const auto grown = static_cast<double>(after->resident_bytes) - static_cast<double>(before->resident_bytes);
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer the child really is bigger: every 8 bytes it touches have a shadow byte.
  const double expected = static_cast<double>(kBytes) * 9.0 / 8.0;
#else
  const double expected = static_cast<double>(kBytes);
#endif
  EXPECT_NEAR(grown, expected, 0.05 * expected);
}

TEST(LiveProcessSampler, CpuOfAReapedChildStaysInTheTree) {
  const ProcessSampler sampler;
  Pipe busy_done;
  Pipe exit_now;
  ChildProcess child = ChildProcess::fork_and_run([&] {
    // CPU time, not wall time: the machine may be busy.
    timespec used{};
    volatile std::uint64_t spin = 0;
    do {
      for (int i = 0; i < 100000; ++i) spin = spin + 1;
      ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
    } while (used.tv_sec == 0 && used.tv_nsec < 300'000'000);
    busy_done.signal();
    exit_now.wait();
    return 0;
  });
  const auto before = sampler.sample(::getpid());
  busy_done.wait();
  const auto busy = sampler.sample(::getpid());
  exit_now.signal();
  ASSERT_EQ(child.wait_exit(30s), 0);  // reaped
  const auto reaped = sampler.sample(::getpid());
  ASSERT_TRUE(before.ok() && busy.ok() && reaped.ok());
  EXPECT_GE(busy->cpu_seconds - before->cpu_seconds, 0.25);
  EXPECT_EQ(busy->descendants, 1U);
  EXPECT_EQ(reaped->descendants, 0U);
  EXPECT_GE(reaped->cpu_seconds, busy->cpu_seconds);  // moved into our cutime, not lost
}

TEST(LiveProcessSampler, ReapedProcessIsGone) {
  ChildProcess child = ChildProcess::fork_and_run([] { return 0; });
  const pid_t pid = child.pid();
  ASSERT_EQ(child.wait_exit(30s), 0);  // reaped
  const auto sample = ProcessSampler().sample(pid);
  ASSERT_FALSE(sample.ok());
  EXPECT_EQ(sample.error(), "process " + std::to_string(pid) + " gone");
}

TEST(LiveProcessSampler, NoPermissionIsAFailureWithTheReason) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop to another user";
  const int root_pid = ::getpid();
  const std::string reason = run_as_nobody([root_pid] {
    const auto sample = ProcessSampler().sample(root_pid);
    return sample.ok() ? std::string("ok") : sample.error();
  });
  EXPECT_EQ(reason, "cannot read /proc/" + std::to_string(root_pid) + "/fd: EACCES (Permission denied)");
}

// A real memory cgroup (v2 memory.max, or v1 memory.limit_in_bytes on this project's hybrid CI machine).
TEST(LiveProcessSampler, ReadsTheLimitOfARealMemoryCgroup) {
  const fs::path root = "/sys/fs/cgroup";
  const bool v2 = fs::exists(root / "cgroup.controllers") &&
                  std::string(std::istreambuf_iterator<char>(std::ifstream(root / "cgroup.controllers").rdbuf()), {})
                          .find("memory") != std::string::npos;
  const fs::path group = (v2 ? root : root / "memory") / ("openclaw-sampler-test-" + std::to_string(::getpid()));
  std::error_code error;
  if (!fs::create_directory(group, error)) GTEST_SKIP() << "cannot create " << group << ": " << error.message();
  constexpr std::uint64_t kLimit = 256U << 20;
  std::ofstream(group / (v2 ? "memory.max" : "memory.limit_in_bytes")) << kLimit;
  Pipe joined;
  {
    const ChildProcess child = ChildProcess::fork_and_run([&] {
      joined.wait();
      ::pause();
      return 0;
    });
    std::ofstream(group / "cgroup.procs") << child.pid();
    joined.signal();
    const auto sample = ProcessSampler().sample(child.pid());
    ASSERT_TRUE(sample.ok()) << sample.error();
    EXPECT_EQ(sample->cgroup_memory_limit_bytes, kLimit);
  }
  fs::remove(group, error);
  EXPECT_FALSE(error) << error.message();
}

TEST(LiveProcessSampler, LeaksNoFdsOver500Samples) {
  const ProcessSampler sampler;
  const auto before = count_entries("/proc/self/fd");
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(sampler.sample(::getpid()).ok());
    ASSERT_TRUE(sampler.host_memory().ok());
  }
  EXPECT_FALSE(sampler.sample(999999999).ok());
  EXPECT_EQ(count_entries("/proc/self/fd"), before);
}

}  // namespace
}  // namespace openclaw::exporter
