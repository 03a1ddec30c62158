#include "proc_parsers.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cgroup.hpp"
#include "fixture_files.hpp"
#include "node_args.hpp"

namespace openclaw::exporter {
namespace {

std::string fixture(const std::string& relative) {
  std::ifstream in(kFixtures + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << relative;
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// Captured from a python3 process with 4 threads that renamed itself "my (worker) x" (Debian 12, kernel 6.18).
TEST(ParseProcStat, RealProcessWithSpacesAndParensInComm) {
  const auto stat = parse_proc_stat(fixture("proc/real/pid_stat"));
  ASSERT_TRUE(stat.ok()) << stat.error();
  EXPECT_EQ(stat->pid, 11443);
  EXPECT_EQ(stat->comm, "my (worker) x");
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->ppid, 11441);
  EXPECT_EQ(stat->utime_ticks, 11U);
  EXPECT_EQ(stat->stime_ticks, 7U);
  EXPECT_EQ(stat->cutime_ticks, 14U);
  EXPECT_EQ(stat->cstime_ticks, 32U);
  EXPECT_EQ(stat->num_threads, 4U);
  EXPECT_EQ(stat->starttime_ticks, 406111U);
  EXPECT_EQ(stat->rss_pages, 5513U);
}

TEST(ParseProcStat, CommEndsAtTheLastParenthesis) {
  const auto stat = parse_proc_stat(fixture("proc/edge/stat_comm_with_parens"));
  ASSERT_TRUE(stat.ok()) << stat.error();
  EXPECT_EQ(stat->comm, "a) (b) c)");
  EXPECT_EQ(stat->state, 'R');
  EXPECT_EQ(stat->ppid, 1);
  EXPECT_EQ(stat->utime_ticks, 120U);
  EXPECT_EQ(stat->stime_ticks, 30U);
  EXPECT_EQ(stat->num_threads, 15U);
  EXPECT_EQ(stat->starttime_ticks, 360000U);
  EXPECT_EQ(stat->rss_pages, 2000U);
}

TEST(ParseProcStat, RejectsMalformedText) {
  EXPECT_FALSE(parse_proc_stat("").ok());
  EXPECT_FALSE(parse_proc_stat("12 no-parens S 1").ok());
  EXPECT_FALSE(parse_proc_stat("12 (x) S 1 2 3").ok());  // cut short
  EXPECT_FALSE(parse_proc_stat("x (y) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 1 1 0").ok());
  EXPECT_FALSE(parse_proc_stat("12 (y) S 1 1 1 0 -1 0 0 0 0 0 one 1 0 0 20 0 1 0 5 1 1 0").ok());
}

TEST(ParseProcStatus, RealProcess) {
  const auto status = parse_proc_status(fixture("proc/real/pid_status"));
  ASSERT_TRUE(status.ok()) << status.error();
  EXPECT_EQ(status->threads, 4U);
  EXPECT_EQ(status->vm_rss_bytes, 22144U * 1024);
}

TEST(ParseProcStatus, KernelThreadHasNoVmRss) {
  const auto status = parse_proc_status(fixture("proc/real/kthread_status"));
  ASSERT_TRUE(status.ok()) << status.error();
  EXPECT_EQ(status->threads, 1U);
  EXPECT_FALSE(status->vm_rss_bytes.has_value());
}

TEST(ParseProcStatus, RejectsMissingThreads) { EXPECT_FALSE(parse_proc_status("Name:\tx\nVmRSS:\t 4 kB\n").ok()); }

TEST(ParseMaxOpenFiles, RealSoftLimit) {
  const auto limit = parse_max_open_files(fixture("proc/real/pid_limits"));
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 20000U);
}

TEST(ParseMaxOpenFiles, Unlimited) {
  const auto limit = parse_max_open_files(fixture("proc/edge/limits_unlimited"));
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_FALSE(limit->has_value());
}

TEST(ParseMaxOpenFiles, RejectsMissingOrBadLine) {
  EXPECT_FALSE(parse_max_open_files("Limit  Soft Limit  Hard Limit  Units\n").ok());
  EXPECT_FALSE(parse_max_open_files("Max open files  lots  4096  files\n").ok());
}

TEST(ParseMeminfo, Real) {
  const auto info = parse_meminfo(fixture("proc/real/meminfo"));
  ASSERT_TRUE(info.ok()) << info.error();
  EXPECT_EQ(info->total_bytes, 24683620ULL * 1024);
  EXPECT_EQ(info->available_bytes, 23492924ULL * 1024);
}

TEST(ParseMeminfo, RejectsKernelWithoutMemAvailable) {
  EXPECT_FALSE(parse_meminfo("MemTotal:  100 kB\nMemFree:  50 kB\n").ok());
  EXPECT_FALSE(parse_meminfo("MemTotal:  100 MB\nMemAvailable:  50 kB\n").ok());
}

TEST(ParseBootTime, Real) {
  const auto btime = parse_boot_time(fixture("proc/real/stat"));
  ASSERT_TRUE(btime.ok()) << btime.error();
  EXPECT_EQ(*btime, 1795516276U);
  EXPECT_FALSE(parse_boot_time("cpu 1 2 3\n").ok());
}

TEST(ParseProcCgroup, RealHybridHasBothHierarchies) {
  const auto groups = parse_proc_cgroup(fixture("proc/real/pid_cgroup"));
  ASSERT_TRUE(groups.ok()) << groups.error();
  EXPECT_EQ(groups->v2_path, "/init.scope");
  EXPECT_EQ(groups->v1_path("memory"), "/init.scope");
  EXPECT_EQ(groups->v1_path("cpuset"), "/");
  EXPECT_EQ(groups->v1_path("name=systemd"), "/init.scope");
}

TEST(ParseProcCgroup, PureV2) {
  const auto groups = parse_proc_cgroup(fixture("proc/edge/cgroup_v2_only"));
  ASSERT_TRUE(groups.ok()) << groups.error();
  EXPECT_EQ(groups->v2_path, "/user.slice/user-1000.slice/user@1000.service/app.slice/openclaw-gateway.service");
  EXPECT_TRUE(groups->v1_paths.empty());
}

TEST(ParseProcCgroup, PureV1WithControllerLists) {
  const auto groups = parse_proc_cgroup(fixture("proc/edge/cgroup_v1_only"));
  ASSERT_TRUE(groups.ok()) << groups.error();
  EXPECT_FALSE(groups->v2_path.has_value());
  EXPECT_EQ(groups->v1_path("memory"), "/system.slice/openclaw-gateway.service");
  EXPECT_EQ(groups->v1_path("cpu"), "/system.slice");
  EXPECT_EQ(groups->v1_path("cpuacct"), "/system.slice");
  EXPECT_EQ(groups->v1_path("net_prio"), "/");
  EXPECT_FALSE(groups->v1_path("pids").has_value());
}

TEST(ParseProcCgroup, PathMayContainColons) {
  const auto groups = parse_proc_cgroup("0::/a:b/c\n");
  ASSERT_TRUE(groups.ok()) << groups.error();
  EXPECT_EQ(groups->v2_path, "/a:b/c");
  EXPECT_FALSE(parse_proc_cgroup("garbage\n").ok());
}

TEST(ParseCgroupLimits, V2MemoryMax) {
  const auto unlimited = parse_cgroup_v2_memory_max(fixture("proc/edge/memory.max_unlimited"));
  ASSERT_TRUE(unlimited.ok()) << unlimited.error();
  EXPECT_FALSE(unlimited->has_value());
  const auto limited = parse_cgroup_v2_memory_max(fixture("proc/edge/memory.max_1g"));
  ASSERT_TRUE(limited.ok()) << limited.error();
  EXPECT_EQ(*limited, 1073741824U);
  EXPECT_FALSE(parse_cgroup_v2_memory_max("-1\n").ok());
}

TEST(ParseCgroupLimits, V1LimitInBytes) {
  const auto real = parse_cgroup_v1_memory_limit(fixture("proc/real/memory.limit_in_bytes"));  // 9223372036854771712
  ASSERT_TRUE(real.ok()) << real.error();
  EXPECT_FALSE(real->has_value());
  const auto big_pages = parse_cgroup_v1_memory_limit(fixture("proc/edge/memory.limit_in_bytes_unlimited_64k_pages"));
  ASSERT_TRUE(big_pages.ok()) << big_pages.error();
  EXPECT_FALSE(big_pages->has_value());
  const auto limited = parse_cgroup_v1_memory_limit(fixture("proc/edge/memory.limit_in_bytes_512m"));
  ASSERT_TRUE(limited.ok()) << limited.error();
  EXPECT_EQ(*limited, 536870912U);
  EXPECT_FALSE(parse_cgroup_v1_memory_limit("max\n").ok());
}

TEST(ParseTaskChildren, TrailingSpaceAndEmpty) {
  const auto children = parse_task_children(fixture("proc/edge/children"));
  ASSERT_TRUE(children.ok()) << children.error();
  EXPECT_EQ(*children, (std::vector<int>{4250, 4251}));
  const auto none = parse_task_children("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(parse_task_children("12 x ").ok());
}

TEST(JoinCmdline, NulSeparatedArguments) {
  using namespace std::string_literals;
  EXPECT_EQ(join_cmdline("node\0/opt/gw.js\0--port\0"
                         "18789\0"s),
            "node /opt/gw.js --port 18789");
  EXPECT_EQ(join_cmdline("openclaw-gateway"s), "openclaw-gateway");  // retitled processes may drop the NUL
  EXPECT_EQ(join_cmdline(""), "");
}

TEST(ParsePidText, WhitespaceAllowed) {
  EXPECT_EQ(*parse_pid_text(" 4242\n"), 4242);
  EXPECT_FALSE(parse_pid_text("").ok());
  EXPECT_FALSE(parse_pid_text("0").ok());
  EXPECT_FALSE(parse_pid_text("-5").ok());
  EXPECT_FALSE(parse_pid_text("42x").ok());
}

// cgroup_memory_limit walks real directory trees under fixtures/fakecgroup.
ProcCgroups gateway_groups(bool with_v2, bool with_v1) {
  ProcCgroups groups;
  if (with_v2) groups.v2_path = "/system.slice/openclaw-gateway.service";
  if (with_v1) groups.v1_paths["memory"] = "/system.slice/openclaw-gateway.service";
  return groups;
}

TEST(CgroupMemoryLimit, V2ParentLimitIsTighterThanLeafMax) {
  const auto limit = cgroup_memory_limit(gateway_groups(true, false), kFixtures + "/fakecgroup/v2");
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 2147483648U);
}

TEST(CgroupMemoryLimit, HybridFallsBackToV1AndTakesTheTightestLevel) {
  const auto limit = cgroup_memory_limit(gateway_groups(true, true), kFixtures + "/fakecgroup/hybrid");
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 536870912U);  // system.slice's 512 MiB caps the service's 1 GiB
}

TEST(CgroupMemoryLimit, PrefersV2WhenBothExist) {
  const auto limit = cgroup_memory_limit(gateway_groups(true, true), kFixtures + "/fakecgroup/both");
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_EQ(*limit, 1073741824U);
}

TEST(CgroupMemoryLimit, NoFilesMeansNoLimit) {
  const auto limit = cgroup_memory_limit(gateway_groups(true, true), kFixtures + "/no-such-dir");
  ASSERT_TRUE(limit.ok()) << limit.error();
  EXPECT_FALSE(limit->has_value());
  ProcCgroups relative;
  relative.v2_path = "odd-relative-path";
  EXPECT_TRUE(cgroup_memory_limit(relative, kFixtures + "/no-such-dir").ok());
}

TEST(CgroupMemoryLimit, MalformedFileIsAFailureNamingIt) {
  char dir_template[] = "/tmp/cgroup-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::filesystem::path root = dir_template;
  std::filesystem::create_directories(root / "system.slice/openclaw-gateway.service");
  std::ofstream(root / "system.slice/memory.max") << "lots\n";
  const auto limit = cgroup_memory_limit(gateway_groups(true, false), root.string());
  std::filesystem::remove_all(root);
  ASSERT_FALSE(limit.ok());
  EXPECT_NE(limit.error().find("system.slice/memory.max"), std::string::npos) << limit.error();
}

// Captured from the real gateway (openclaw@2026.9.6, node 24.21.0, main process ~15 s after /readyz 200).
TEST(ParseSmapsRollup, RealGateway) {
  const auto rollup = parse_smaps_rollup(fixture("proc/real/gateway_smaps_rollup"));
  ASSERT_TRUE(rollup.ok()) << rollup.error();
  EXPECT_EQ(rollup->rss_bytes, 812672U * 1024);
  EXPECT_EQ(rollup->pss_bytes, 754224U * 1024);  // the "Pss:" line, not Pss_Dirty/Pss_Anon/Pss_File/Pss_Shmem
}

TEST(ParseSmapsRollup, RejectsAnEmptyOrPartialFile) {
  EXPECT_FALSE(parse_smaps_rollup("").ok());  // a zombie's or a kernel thread's
  EXPECT_FALSE(parse_smaps_rollup("Rss: 4 kB\nPss_Anon: 4 kB\n").ok());
  EXPECT_FALSE(parse_smaps_rollup("Rss: 4 kB\nPss: 4\n").ok());
  EXPECT_FALSE(parse_smaps_rollup("Rss: 4 kB\nPss: x kB\n").ok());
}

// The real gateway's unit cgroup (v1 memory controller of this machine kind's hybrid).
TEST(ParseCgroupMemoryStat, RealV1Stat) {
  const auto text = fixture("proc/real/gateway_memory.stat");
  EXPECT_EQ(*parse_cgroup_memory_stat(text, "total_inactive_file"), 22110208U);
  EXPECT_EQ(*parse_cgroup_memory_stat(text, "inactive_file"), 22110208U);
  EXPECT_EQ(*parse_cgroup_memory_stat(text, "total_rss"), 829935616U);
  EXPECT_FALSE(parse_cgroup_memory_stat(text, "total_inactive").ok());  // a prefix of a key is not the key
  EXPECT_FALSE(parse_cgroup_memory_stat("inactive_file x\n", "inactive_file").ok());
}

TEST(ParseCgroupBytes, CounterFiles) {
  EXPECT_EQ(*parse_cgroup_bytes("883826688\n"), 883826688U);
  EXPECT_FALSE(parse_cgroup_bytes("max\n").ok());
  EXPECT_FALSE(parse_cgroup_bytes("").ok());
}

TEST(SplitCmdline, RealGatewayTreeAndItsChildrenByKind) {
  // The main process set its title: argv now reads as the title followed by NULs, the node flags gone.
  const auto main = fixture("proc/real/gateway_cmdline");
  EXPECT_EQ(split_cmdline(main), std::vector<std::string_view>{"openclaw-gateway"});
  EXPECT_TRUE(cmdline_is_retitled(main));
  EXPECT_EQ(max_old_space_size_mib(split_cmdline(main), std::nullopt), std::nullopt);
  const auto broker = fixture("proc/real/spawn_broker_cmdline");
  EXPECT_EQ(split_cmdline(broker).size(), 2U);
  EXPECT_EQ(classify_child(split_cmdline(broker)), ChildKind::kSpawnBroker);
  EXPECT_FALSE(cmdline_is_retitled(broker));
  const auto sqlite = fixture("proc/real/sqlite_worker_cmdline");
  EXPECT_EQ(split_cmdline(sqlite).size(), 4U);
  EXPECT_EQ(classify_child(split_cmdline(sqlite)), ChildKind::kOther);
}

TEST(EnvironValue, SetEmptyAndUnset) {
  using namespace std::string_literals;
  const std::string environ = "HOME=/h\0NODE_OPTIONS=\0NODE_OPTIONS_X=1\0PATH=/bin\0"s;
  EXPECT_EQ(environ_value(environ, "NODE_OPTIONS"), std::optional<std::string_view>(""));
  EXPECT_EQ(environ_value(environ, "PATH"), std::optional<std::string_view>("/bin"));
  EXPECT_EQ(environ_value(environ, "NODE"), std::nullopt);
  EXPECT_EQ(environ_value("", "PATH"), std::nullopt);
}

}  // namespace
}  // namespace openclaw::exporter
