#include "memory_sampler.hpp"

#include <fcntl.h>
#include <signal.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "child_helpers.hpp"
#include "families.hpp"
#include "fixture_files.hpp"
#include "memory_source.hpp"
#include "paths.hpp"
#include "proc_parsers.hpp"
#include "process.hpp"
#include "process_sampler.hpp"

namespace openclaw::exporter {
namespace {

namespace fs = std::filesystem;
using openclaw::testing::ChildProcess;
using openclaw::testing::TempDir;
using namespace std::chrono_literals;
using namespace std::string_literals;
constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * 1024;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// For a fork_and_run child that starts processes of its own: ChildProcess ends only the child it started (SIGTERM),
// so on SIGTERM the child takes its whole process group (its descendants) with it.
void end_the_group_on_sigterm() {
  ::signal(SIGTERM, [](int /*signal*/) { ::kill(0, SIGKILL); });
}

std::uint64_t kind_count(const TreeMemory& tree, ChildKind kind) { return tree.children.at(kind).processes; }
std::uint64_t kind_pss(const TreeMemory& tree, ChildKind kind) { return tree.children.at(kind).pss_bytes; }

// ---- fixtures/fakeproc: main 4242, children 4250 and 4251, grandchild 4260 (Pss 3000, 500, 700, 50 kB) ----

class FakeProcMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy(kFixtures + "/fakeproc", root(), fs::copy_options::recursive); }
  fs::path root() const { return fs::path(temp_.path()) / "proc"; }
  MemorySampler sampler(const std::string& cgroup = "v2") const {
    return MemorySampler(root().string(), kFixtures + "/fakecgroup/" + cgroup);
  }
  std::vector<int> descendants() const {
    fs::create_directories(root() / "4242/fd");
    const auto sample = ProcessSampler(root().string(), kFixtures + "/fakecgroup/v2").sample(4242);
    EXPECT_TRUE(sample.ok()) << sample.error();
    return sample.ok() ? sample->descendant_pids : std::vector<int>{};
  }

 private:
  TempDir temp_{"memory-sampler-test-"};
};

TEST_F(FakeProcMemoryTest, SumsPssOverTheTreeTheProcessSamplerFound) {
  // 4251 is the spawn broker; 4250 (an unknown worker) and 4260 (`sh -c`) are other.
  write_text(root() / "4251/cmdline", "node\0/opt/openclaw/dist/process/spawn-broker/worker.js\0"s);
  const auto pids = descendants();
  ASSERT_EQ(pids.size(), 3U);
  const auto tree = sampler().tree_memory(4242, pids);
  ASSERT_TRUE(tree.ok()) << tree.error();
  EXPECT_EQ(tree->pss_bytes, (3000U + 500 + 700 + 50) * kKiB);
  EXPECT_EQ(kind_count(*tree, ChildKind::kSpawnBroker), 1U);
  EXPECT_EQ(kind_pss(*tree, ChildKind::kSpawnBroker), 700U * kKiB);
  EXPECT_EQ(kind_count(*tree, ChildKind::kOther), 2U);
  EXPECT_EQ(kind_pss(*tree, ChildKind::kOther), 550U * kKiB);
  // Every kind is there, at 0 when none runs.
  EXPECT_EQ(tree->children.size(), kAllChildKinds.size());
  EXPECT_EQ(kind_count(*tree, ChildKind::kCodex), 0U);
  EXPECT_EQ(kind_pss(*tree, ChildKind::kCodex), 0U);
}

TEST_F(FakeProcMemoryTest, AChildThatExitedMeanwhileIsSkipped) {
  const auto pids = descendants();
  fs::remove_all(root() / "4260");                  // gone: no /proc/4260
  write_text(root() / "4250/smaps_rollup", "");   // a zombie: smaps_rollup is empty
  const auto tree = sampler().tree_memory(4242, pids);
  ASSERT_TRUE(tree.ok()) << tree.error();
  EXPECT_EQ(tree->pss_bytes, (3000U + 700) * kKiB);
  EXPECT_EQ(kind_count(*tree, ChildKind::kOther), 1U);
}

TEST_F(FakeProcMemoryTest, AnUnreadableMainProcessIsAFailureNotZero) {
  fs::remove(root() / "4242/smaps_rollup");
  fs::create_directory(root() / "4242/smaps_rollup");  // read() fails with EISDIR, like EACCES: not "gone"
  const auto tree = sampler().tree_memory(4242, {4250});
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.error(), "cannot read " + (root() / "4242/smaps_rollup").string() + ": EISDIR (Is a directory)");
  const auto gone = sampler().tree_memory(9999, {});
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error(), "process 9999 gone");
}

TEST_F(FakeProcMemoryTest, AnUnreadableChildIsAFailureToo) {
  fs::remove(root() / "4251/smaps_rollup");
  fs::create_directory(root() / "4251/smaps_rollup");
  const auto tree = sampler().tree_memory(4242, descendants());
  ASSERT_FALSE(tree.ok());
  EXPECT_NE(tree.error().find("4251/smaps_rollup: EISDIR"), std::string::npos) << tree.error();
}

TEST_F(FakeProcMemoryTest, CgroupV2WorkingSet) {
  // fakecgroup/v2/system.slice/openclaw-gateway.service: memory.current 500000000, inactive_file 40000000.
  const auto bytes = sampler("v2").cgroup_memory_bytes(4242);
  ASSERT_TRUE(bytes.ok()) << bytes.error();
  EXPECT_EQ(*bytes, 460000000U);
}

// The memory source measures the cgroup the process source found a moment before, without reading
// /proc/PID/cgroup a second time in the same scrape.
TEST_F(FakeProcMemoryTest, TheMemorySourceUsesTheCgroupsOfTheProcessSample) {
  fs::create_directories(root() / "4242/fd");
  write_text(root() / "4242/environ", std::string("HOME=/home/gw\0", 14));
  const GatewayTarget target{"gw", "", "/nonexistent/pid", "", "http://127.0.0.1:1"};
  GatewayContext context{target, {}, {}, 4242, {}, 0};
  auto sample = ProcessSampler(root().string(), kFixtures + "/fakecgroup/v2").sample(4242);
  ASSERT_TRUE(sample.ok()) << sample.error();
  context.process = std::move(sample).value();
  fs::remove(root() / "4242/cgroup");  // read again, it would fail the source
  MemorySource source(std::make_shared<const MemorySampler>(root().string(), kFixtures + "/fakecgroup/v2"));
  MetricSet out;
  const Status status = source.collect(context, out);
  ASSERT_TRUE(status.ok()) << status.error();
  const auto families = out.take();
  EXPECT_EQ(openclaw::testing::families::value_of(families, "openclaw_gateway_cgroup_memory_bytes"), 460000000);
}

TEST_F(FakeProcMemoryTest, CgroupV1WorkingSetOnAHybrid) {
  // The real gateway's memory.stat and memory.usage_in_bytes, captured under a user manager on this machine kind.
  write_text(root() / "4242/cgroup",
             "4:memory:/system.slice/openclaw-gateway.service\n0::/system.slice/openclaw-gateway.service\n");
  const auto cgroup = fs::path(kFixtures) / "fakecgroup/hybrid/memory/system.slice/openclaw-gateway.service";
  const auto usage = parse_cgroup_bytes(read_text(cgroup / "memory.usage_in_bytes"));
  const auto inactive = parse_cgroup_memory_stat(read_text(cgroup / "memory.stat"), "total_inactive_file");
  ASSERT_TRUE(usage.ok() && inactive.ok());
  const auto bytes = sampler("hybrid").cgroup_memory_bytes(4242);
  ASSERT_TRUE(bytes.ok()) << bytes.error();
  EXPECT_EQ(*bytes, *usage - *inactive);
  EXPECT_GT(*inactive, 0U);
}

TEST_F(FakeProcMemoryTest, NoCgroupAccountingIsAbsentNotZero) {
  write_text(root() / "4242/cgroup", "0::/\n");
  const auto bytes = sampler("v2").cgroup_memory_bytes(4242);
  ASSERT_TRUE(bytes.ok()) << bytes.error();
  EXPECT_EQ(*bytes, std::nullopt);
}

TEST_F(FakeProcMemoryTest, HeapLimitFromArgvOrNodeOptions) {
  write_text(root() / "4242/environ", "HOME=/home/u\0NODE_OPTIONS=--max-old-space-size=2048\0"s);
  auto limit = sampler().heap_limit_bytes(4242);  // cmdline "openclaw-gateway": no flag there, NODE_OPTIONS tells
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 2048 * kMiB);

  write_text(root() / "4242/cmdline", "node\0--max-old-space-size=3000\0/opt/openclaw/openclaw.mjs\0"s);
  limit = sampler().heap_limit_bytes(4242);
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 3000 * kMiB);  // the command line overrides NODE_OPTIONS

  write_text(root() / "4242/cmdline", "node\0/opt/openclaw/openclaw.mjs\0"s);
  write_text(root() / "4242/environ", "NODE_OPTIONS=\0"s);  // what openclaw's unit sets
  limit = sampler().heap_limit_bytes(4242);
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, std::nullopt);

  // Without the flag in argv, an environ that cannot be read leaves the limit unknown.
  fs::remove(root() / "4242/environ");
  fs::create_directory(root() / "4242/environ");
  limit = sampler().heap_limit_bytes(4242);
  ASSERT_FALSE(limit.ok());
  EXPECT_NE(limit.error().find("environ: EISDIR"), std::string::npos) << limit.error();
  // With it, argv decides alone and environ is not needed.
  write_text(root() / "4242/cmdline", "node\0--max-old-space-size=3000\0x.js\0"s);
  limit = sampler().heap_limit_bytes(4242);
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 3000 * kMiB);
}

// The real gateway's /proc/PID/cmdline after node set its title: the flag that was on its command line is gone,
// and NODE_OPTIONS alone could be overridden by it, so the limit is unknown unless the starting command line is
// given (a unit's ExecStart).
TEST_F(FakeProcMemoryTest, HeapLimitOfARetitledProcessIsUnknownUnlessItsCommandLineIsGiven) {
  fs::copy_file(kFixtures + "/proc/real/gateway_cmdline", root() / "4242/cmdline",
                fs::copy_options::overwrite_existing);
  write_text(root() / "4242/environ", "NODE_OPTIONS=--max-old-space-size=2048\0"s);
  auto limit = sampler().heap_limit_bytes(4242);
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, std::nullopt);

  const std::vector<std::string> exec_start = {"/usr/bin/node", "--max-old-space-size=8192",
                                               "/usr/lib/node_modules/openclaw/dist/index.js", "gateway", "--port",
                                               "18789"};
  limit = sampler().heap_limit_bytes(4242, exec_start);
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 8192 * kMiB);
  limit = sampler().heap_limit_bytes(4242, {"/usr/bin/node", "/usr/lib/node_modules/openclaw/dist/index.js"});
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 2048 * kMiB);  // not on the command line: NODE_OPTIONS
}

// ---- live processes ----

// The tree of a child that touched 64 MiB and then forked two children that only read it: the pages are shared
// (copy-on-write), so summed RSS counts them three times and Pss once.
TEST(LiveMemorySampler, PssCountsPagesSharedAcrossTheTreeOnce) {
  constexpr std::size_t kBytes = 64U << 20;
  Pipe ready;
  const ChildProcess parent = ChildProcess::fork_and_run([&] {
    end_the_group_on_sigterm();
    auto* memory = static_cast<char*>(::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (memory == MAP_FAILED) return 1;
    std::memset(memory, 0x5a, kBytes);
    for (int i = 0; i < 2; ++i) {
      if (::fork() == 0) {
        volatile char sum = 0;
        for (std::size_t at = 0; at < kBytes; at += 4096) sum = static_cast<char>(sum + memory[at]);
        ready.signal();
        for (;;) ::pause();  // ended with the process group
      }
    }
    for (;;) ::pause();
  });
  ready.wait();
  ready.wait();
  const auto sample = ProcessSampler().sample(parent.pid());
  ASSERT_TRUE(sample.ok()) << sample.error();
  ASSERT_EQ(sample->descendant_pids.size(), 2U);
  const auto tree = MemorySampler().tree_memory(parent.pid(), sample->descendant_pids);
  ASSERT_TRUE(tree.ok()) << tree.error();
  const auto rss = static_cast<double>(sample->resident_bytes);
  const auto pss = static_cast<double>(tree->pss_bytes);
  EXPECT_GE(pss, 0.95 * kBytes);
  // Summed RSS holds the 64 MiB three times; Pss once (plus each process's own small part).
  EXPECT_GE(rss - pss, 2 * 0.9 * kBytes) << "rss " << rss << " pss " << pss;
  EXPECT_LT(pss, rss / 2);
  EXPECT_EQ(kind_count(*tree, ChildKind::kOther), 2U);
}

// Real children whose argv is the one openclaw's children have: a script at dist/process/spawn-broker/worker.js
// (run by /bin/sh through its #! line, so argv is "/bin/sh <path>"), which starts a `sleep` of its own, and a
// program named llama-server.
TEST(LiveMemorySampler, ChildrenByKindFromTheirArgv) {
  const TempDir dir("memory-kinds-");
  const fs::path broker = fs::path(dir.path()) / "dist/process/spawn-broker/worker.js";
  fs::create_directories(broker.parent_path());
  write_text(broker, "#!/bin/sh\nsleep 1000\nexit 0\n");  // not sleep's last command: sh stays, with its argv
  fs::permissions(broker, fs::perms::owner_all);
  const fs::path llama = fs::path(dir.path()) / "llama-server";
  fs::create_symlink("/bin/sleep", llama);
  const ChildProcess parent = ChildProcess::fork_and_run([&]() -> int {
    end_the_group_on_sigterm();
    if (::fork() == 0) {
      ::execl(broker.c_str(), broker.c_str(), nullptr);
      ::_exit(127);
    }
    if (::fork() == 0) {
      ::execl(llama.c_str(), llama.c_str(), "1000", nullptr);
      ::_exit(127);
    }
    for (;;) ::pause();
  });
  // Until both have exec'd and the script has started its sleep.
  Result<TreeMemory> tree = Result<TreeMemory>::failure("not sampled");
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto sample = ProcessSampler().sample(parent.pid());
    ASSERT_TRUE(sample.ok()) << sample.error();
    tree = MemorySampler().tree_memory(parent.pid(), sample->descendant_pids);
    ASSERT_TRUE(tree.ok()) << tree.error();
    if (sample->descendants == 3 && kind_count(*tree, ChildKind::kSpawnBroker) == 1 &&
        kind_count(*tree, ChildKind::kLocalEmbeddings) == 1) {
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(kind_count(*tree, ChildKind::kSpawnBroker), 1U);
  EXPECT_EQ(kind_count(*tree, ChildKind::kLocalEmbeddings), 1U);
  EXPECT_EQ(kind_count(*tree, ChildKind::kOther), 1U);  // the script's sleep
  for (const ChildKind kind : {ChildKind::kServiceChildRelay, ChildKind::kMemorySearch, ChildKind::kCodex}) {
    EXPECT_EQ(kind_count(*tree, kind), 0U);
    EXPECT_EQ(kind_pss(*tree, kind), 0U);
  }
  EXPECT_GT(kind_pss(*tree, ChildKind::kSpawnBroker), 0U);
  EXPECT_GT(kind_pss(*tree, ChildKind::kLocalEmbeddings), 0U);
  // The main process's Pss and its children's add up to the tree's. The main process is a fork of this test
  // program: its Pss moves whenever a page it shares (with this program, or libc's with every process on the
  // machine) gains or loses a sharer — seen moving 3 % within milliseconds under the parallel ASan suites. So the
  // independent reading is taken just before and just after the tree's, and the tree's main share must lie within
  // 10 % of that bracket: reading Rss instead of Pss (the fork's Rss is about twice its Pss) or counting a child
  // twice still fails it.
  const std::string rollup = "/proc/" + std::to_string(parent.pid()) + "/smaps_rollup";
  const auto before = parse_smaps_rollup(read_text(rollup));
  const auto sampled = ProcessSampler().sample(parent.pid());
  ASSERT_TRUE(sampled.ok());
  tree = MemorySampler().tree_memory(parent.pid(), sampled->descendant_pids);
  const auto after = parse_smaps_rollup(read_text(rollup));
  ASSERT_TRUE(before.ok() && tree.ok() && after.ok());
  std::uint64_t children = 0;
  for (const auto& [kind, by_kind] : tree->children) children += by_kind.pss_bytes;
  const double main_share = static_cast<double>(tree->pss_bytes - children);
  const auto [low, high] = std::minmax(before->pss_bytes, after->pss_bytes);
  EXPECT_GE(main_share, 0.9 * static_cast<double>(low));
  EXPECT_LE(main_share, 1.1 * static_cast<double>(high));
}

TEST(LiveMemorySampler, HeapLimitFromTheEnvironmentOfARealProcess) {
  ChildProcess with_flag({"sleep", "1000"}, {"NODE_OPTIONS=--max-old-space-size=300"});
  // A shell that stops itself: alive, with its argv, and without children to leave behind.
  ChildProcess without({"sh", "-c", "kill -STOP $$", "sh", "--max-old-space-size=64"}, {"NODE_OPTIONS="});
  // Until exec has replaced the fork's environment.
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (read_text("/proc/" + std::to_string(with_flag.pid()) + "/environ").find("NODE_OPTIONS") != std::string::npos &&
        read_text("/proc/" + std::to_string(without.pid()) + "/cmdline").starts_with("sh")) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  const auto set = MemorySampler().heap_limit_bytes(with_flag.pid());
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(*set, 300 * kMiB);
  const auto unset = MemorySampler().heap_limit_bytes(without.pid());  // the flag is an argument of the script
  ASSERT_TRUE(unset.ok()) << unset.error();
  EXPECT_EQ(*unset, std::nullopt);
}

TEST(LiveMemorySampler, NoPermissionIsAFailureWithTheReason) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop to another user";
  const int root_pid = ::getpid();
  const std::string reasons = run_as_nobody([root_pid] {
    const MemorySampler sampler;
    const auto tree = sampler.tree_memory(root_pid, {});
    const auto heap = sampler.heap_limit_bytes(root_pid);  // this test's argv has no heap flag
    return (tree.ok() ? std::string("ok") : tree.error()) + "\n" + (heap.ok() ? std::string("ok") : heap.error());
  });
  const std::string dir = "/proc/" + std::to_string(root_pid);
  EXPECT_EQ(reasons, "cannot read " + dir + "/smaps_rollup: EACCES (Permission denied)\ncannot read " + dir +
                         "/environ: EACCES (Permission denied)");
}

// A real memory cgroup (v2, or v1 on this project's hybrid CI machine) holding a child that touched 32 MiB after
// joining it (charges do not move with a process).
TEST(LiveMemorySampler, WorkingSetOfARealMemoryCgroup) {
  const fs::path root = "/sys/fs/cgroup";
  const bool v2 = read_text(root / "cgroup.controllers").find("memory") != std::string::npos;
  const fs::path group = (v2 ? root : root / "memory") / ("openclaw-memory-test-" + std::to_string(::getpid()));
  std::error_code error;
  if (!fs::create_directory(group, error)) GTEST_SKIP() << "cannot create " << group << ": " << error.message();
  constexpr std::size_t kBytes = 32U << 20;
  {
    Pipe joined;
    Pipe touched;
    const ChildProcess child = ChildProcess::fork_and_run([&] {
      joined.wait();
      void* memory = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (memory == MAP_FAILED) return 1;
      std::memset(memory, 0x5a, kBytes);
      touched.signal();
      for (;;) ::pause();
    });
    write_text(group / "cgroup.procs", std::to_string(child.pid()));
    joined.signal();
    touched.wait();
    const auto bytes = MemorySampler().cgroup_memory_bytes(child.pid());
    const auto usage = parse_cgroup_bytes(read_text(group / (v2 ? "memory.current" : "memory.usage_in_bytes")));
    const auto inactive =
        parse_cgroup_memory_stat(read_text(group / "memory.stat"), v2 ? "inactive_file" : "total_inactive_file");
    ASSERT_TRUE(bytes.ok()) << bytes.error();
    ASSERT_TRUE(usage.ok() && inactive.ok());
    ASSERT_TRUE(bytes->has_value());
    EXPECT_EQ(**bytes, *usage - *inactive);  // the child is paused: the counters hold still
    EXPECT_GE(static_cast<double>(**bytes), 0.98 * kBytes);
    EXPECT_LE(static_cast<double>(**bytes), 1.25 * kBytes);  // ASan's shadow adds 1/8
  }
  for (int attempt = 0; attempt < 100 && !fs::remove(group, error); ++attempt) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(fs::exists(group));
}

}  // namespace
}  // namespace openclaw::exporter
