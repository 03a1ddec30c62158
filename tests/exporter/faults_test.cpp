// Faults the exporter must survive, each with a real mechanism (docs/testing.md, "Faults"): the user manager hung or
// gone, the gateway dying (or its PID going to another process) between discovery and the /proc reads, and the
// health endpoint resetting, trickling, or answering 200 with garbage. Unknown stays absent, never zero, and a
// scrape always answers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "discovery_source.hpp"
#include "faulty_server.hpp"
#include "families.hpp"
#include "gateway_collector.hpp"
#include "memory_source.hpp"
#include "paths.hpp"
#include "probe.hpp"
#include "process.hpp"
#include "process_source.hpp"
#include "socket_counter.hpp"
#include "socket_source.hpp"
#include "systemd_unit.hpp"

using namespace openclaw;
using namespace openclaw::exporter;
using namespace std::chrono_literals;
namespace t = openclaw::testing;
using openclaw::testing::families::value_of;

namespace {

using FaultClock = std::chrono::steady_clock;

std::chrono::milliseconds fault_elapsed(FaultClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(FaultClock::now() - start);
}

// ---- The user manager hung or gone --------------------------------------------------------------------------------

class ExporterBusFault : public ::testing::TestWithParam<t::BusFault> {};

// The systemd source's read fails within about its call timeout with a reason; before the fix a manager that
// accepted and never answered held the source's thread for sd-bus's 90 s authentication timeout.
TEST_P(ExporterBusFault, AUnitReadFailsWithinTheCallTimeoutAndSaysWhy) {
  t::TempDir dir;
  const t::FaultyBusSocket manager(dir.file("private"), GetParam());
  SystemdUserManager systemd(manager.address(), 300ms);
  for (int attempt = 0; attempt < 2; ++attempt) {  // the next scrape connects again, and fails as fast
    const auto started = FaultClock::now();
    const auto unit = systemd.unit("openclaw-gateway.service");
    EXPECT_LT(fault_elapsed(started), 3s);
    ASSERT_FALSE(unit.ok());
    EXPECT_NE(unit.error().find(dir.file("private")), std::string::npos) << unit.error();
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, ExporterBusFault,
                         ::testing::Values(t::BusFault::kNeverAccepts, t::BusFault::kSilent,
                                           t::BusFault::kClosesAtOnce, t::BusFault::kStaleSocket),
                         [](const auto& p) { return t::bus_fault_name(p.param); });

// ---- The gateway dying between discovery and the /proc reads ------------------------------------------------------

// Hands discovery the unit's state (as the systemd source does).
class FaultUnitSource final : public Source {
 public:
  explicit FaultUnitSource(int main_pid) {
    state_.main_pid = main_pid;
    state_.active_state = "active";
    state_.load_state = "loaded";
  }
  std::string_view name() const override { return "systemd"; }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  Status collect(GatewayContext& context, MetricSet& /*out*/) override {
    context.unit = state_;
    return Ok{};
  }

 private:
  UnitState state_;
};

// The seam: runs `between` after discovery found the process and before anything reads its /proc entries.
class BetweenLookupAndReads final : public Source {
 public:
  std::function<void()> between;
  std::string_view name() const override { return "between"; }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  Status collect(GatewayContext& /*context*/, MetricSet& /*out*/) override {
    if (between) std::exchange(between, nullptr)();
    return Ok{};
  }
};

struct DyingGatewayChain {
  DyingGatewayChain(int main_pid, const std::string& proc_root, const std::string& cgroup_root) {
    auto sampler = std::make_shared<const ProcessSampler>(proc_root, cgroup_root);
    std::vector<std::unique_ptr<Source>> sources;
    sources.push_back(std::make_unique<FaultUnitSource>(main_pid));
    sources.push_back(std::make_unique<DiscoverySource>(std::make_shared<const ProcessFinder>(proc_root)));
    auto seam = std::make_unique<BetweenLookupAndReads>();
    between = seam.get();
    sources.push_back(std::move(seam));
    sources.push_back(std::make_unique<ProcessSource>(sampler));
    sources.push_back(std::make_unique<MemorySource>(std::make_shared<const MemorySampler>(proc_root, cgroup_root)));
    sources.push_back(std::make_unique<SocketSource>(make_socket_counter(SocketMethodChoice::kAuto, proc_root)));
    collector = std::make_unique<GatewayCollector>(
        std::vector<GatewayTarget>{{"gw", "openclaw-gateway.service", "", "", "http://127.0.0.1:1"}}, sampler,
        std::move(sources));
  }
  BetweenLookupAndReads* between = nullptr;
  std::unique_ptr<GatewayCollector> collector;
};

std::optional<double> fault_source_success(const std::vector<prometheus::MetricFamily>& families, const char* source) {
  return value_of(families, "openclaw_exporter_source_success", {{"source", source}});
}

// A real process, killed and reaped after discovery saw it alive: its /proc directory is gone when the process,
// memory and socket sources read it. Each fails with "gone" and leaves no series (not zeros); the scrape answers;
// the next one finds the gateway down.
TEST(GatewayDiesBetweenLookupAndReads, TheSourcesFailWithoutSeriesAndTheNextScrapeSaysDown) {
  std::optional<t::ChildProcess> gateway(std::in_place, std::vector<std::string>{"sleep", "infinity"});
  const int pid = gateway->pid();
  DyingGatewayChain chain(pid, "/proc", "/sys/fs/cgroup");
  chain.between->between = [&] { gateway.reset(); };  // SIGTERM, SIGKILL if need be, reaped
  auto families = chain.collector->Collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_up", {{"gateway", "gw"}}), 1);  // alive when discovery looked
  EXPECT_EQ(fault_source_success(families, "discovery"), 1);
  EXPECT_EQ(fault_source_success(families, "process"), 0);
  EXPECT_EQ(fault_source_success(families, "sockets"), 0);
  for (const char* name : {"openclaw_gateway_resident_memory_bytes", "openclaw_gateway_open_fds",
                           "openclaw_gateway_threads", "openclaw_gateway_cpu_seconds_total",
                           "openclaw_gateway_proportional_memory_bytes"}) {
    EXPECT_FALSE(value_of(families, name).has_value()) << name << " reported for a process that is gone";
  }
  EXPECT_FALSE(value_of(families, "openclaw_gateway_connections", {{"state", "established"}}).has_value());

  families = chain.collector->Collect();  // the unit still names the PID (systemd has not noticed yet)
  EXPECT_EQ(value_of(families, "openclaw_gateway_up", {{"gateway", "gw"}}), 0);
  EXPECT_EQ(fault_source_success(families, "discovery"), 1);
}

// The same race in a fixture /proc tree, where the PID can be handed to another process on cue: discovery found
// PID 4242 started at tick 360000; before the reads, 4242 is a process started at tick 470000. Before the fix the
// process source reported that stranger's memory, fds and threads as the gateway's.
TEST(GatewayDiesBetweenLookupAndReads, APidReusedMeanwhileIsNotReportedAsTheGateway) {
  const t::TempDir dir("pid-reuse-test-");
  const std::string proc = dir.file("proc");
  std::filesystem::copy(std::string(OPENCLAW_EXPORTER_FIXTURES) + "/fakeproc", proc,
                        std::filesystem::copy_options::recursive);
  std::filesystem::create_directories(proc + "/4242/fd");
  for (int fd = 0; fd < 7; ++fd) std::ofstream(proc + "/4242/fd/" + std::to_string(fd));
  DyingGatewayChain chain(4242, proc, std::string(OPENCLAW_EXPORTER_FIXTURES) + "/fakecgroup/v2");
  auto families = chain.collector->Collect();
  ASSERT_EQ(fault_source_success(families, "process"), 1);
  ASSERT_TRUE(value_of(families, "openclaw_gateway_threads").has_value());

  chain.between->between = [&] {
    std::string stat;
    std::getline(std::ifstream(proc + "/4242/stat"), stat);
    const std::size_t at = stat.find(" 360000 ");
    ASSERT_NE(at, std::string::npos);
    std::ofstream(proc + "/4242/stat") << stat.replace(at, 8, " 470000 ") << "\n";
  };
  families = chain.collector->Collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_pid"), 4242);  // discovery's answer: the gateway it saw
  EXPECT_EQ(fault_source_success(families, "process"), 0);
  EXPECT_FALSE(value_of(families, "openclaw_gateway_threads").has_value());
  EXPECT_FALSE(value_of(families, "openclaw_gateway_resident_memory_bytes").has_value());
  EXPECT_FALSE(value_of(families, "openclaw_gateway_proportional_memory_bytes").has_value());

  families = chain.collector->Collect();  // the next scrape: discovery sees the new process, a restart
  EXPECT_EQ(value_of(families, "openclaw_gateway_process_restarts_total"), 1);
  EXPECT_EQ(fault_source_success(families, "process"), 1);
}

// ---- The health endpoint misbehaving ------------------------------------------------------------------------------

TEST(FaultyReadyz, AResetIsAFailedProbeWithNoStatusAndNoReadyzSeries) {
  const t::FaultyHttpServer gateway(t::FaultyHttpServer::Fault::kReset);
  const auto started = FaultClock::now();
  const ProbeResult result = probe_http(gateway.url("/readyz"), 5s);
  EXPECT_LT(fault_elapsed(started), 2s);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_FALSE(result.error.empty());
  EXPECT_FALSE(result.readyz.has_value());
  EXPECT_EQ(gateway.requests(), 1);
}

// A byte every 200 ms of what would be a ready gateway's answer: cut at the probe's timeout, a failure whose
// duration is the timeout, and nothing of the half-read body is believed.
TEST(FaultyReadyz, ATrickledAnswerIsCutAtTheTimeout) {
  const t::FaultyHttpServer gateway(t::FaultyHttpServer::Fault::kTrickle, 200ms);
  const auto started = FaultClock::now();
  const ProbeResult result = probe_http(gateway.url("/readyz"), 700ms);
  EXPECT_LT(fault_elapsed(started), 3s);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.error, "timeout");
  EXPECT_DOUBLE_EQ(result.duration_seconds, 0.7);
  EXPECT_FALSE(result.readyz.has_value());
}

// 200 with a body that is not JSON: the probe succeeds (2xx, like blackbox_exporter), and the /readyz series are
// absent, not zero (docs/metrics.md: "absent when the last probe got no JSON body").
TEST(FaultyReadyz, A200WithGarbageSucceedsWithoutReadyzDetails) {
  const t::FaultyHttpServer gateway(t::FaultyHttpServer::Fault::kGarbage200);
  const ProbeResult result = probe_http(gateway.url("/readyz"), 2s);
  EXPECT_TRUE(result.success) << result.error;
  EXPECT_EQ(result.http_status, 200);
  EXPECT_FALSE(result.readyz.has_value());
}

TEST(FaultyReadyz, BytesThatAreNotHttpAreAFailedProbe) {
  const t::FaultyHttpServer gateway(t::FaultyHttpServer::Fault::kNotHttp);
  const ProbeResult result = probe_http(gateway.url("/readyz"), 2s);
  EXPECT_FALSE(result.success);
  EXPECT_FALSE(result.readyz.has_value());
}

}  // namespace
