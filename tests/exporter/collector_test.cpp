#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "discovery_source.hpp"
#include "families.hpp"
#include "gateway_collector.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "process_source.hpp"
#include "unit_exit_watcher.hpp"

using namespace openclaw;
using namespace openclaw::exporter;
using openclaw::testing::ChildProcess;
using openclaw::testing::TempDir;

namespace {

using openclaw::testing::families::value_of;

class FakeSource final : public Source {
 public:
  enum class Mode { kOk, kFail, kThrow };
  explicit FakeSource(Mode mode) : mode_(mode) {}
  std::string_view name() const override {
    return mode_ == Mode::kOk ? "fake_ok" : mode_ == Mode::kFail ? "fake_fail" : "fake_throw";
  }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  Status collect(GatewayContext& context, MetricSet& out) override {
    out.add("openclaw_gateway_threads", context.labels(), 7);  // partial output before failing
    if (mode_ == Mode::kThrow) throw std::runtime_error("boom");
    if (mode_ == Mode::kFail) return Status::failure("EACCES");
    return Ok{};
  }

 private:
  Mode mode_;
};

GatewayTarget target(const std::string& name) { return {name, "", "/nonexistent/pid", "", "http://127.0.0.1:1"}; }

// A single-threaded process that lives until its ChildProcess goes.
ChildProcess idle_process() { return ChildProcess({"sleep", "infinity"}); }

}  // namespace

TEST(GatewayCollector, AFailingOrThrowingSourceCostsOnlyItsOwnSeries) {
  auto sampler = std::make_shared<const ProcessSampler>();
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::make_unique<FakeSource>(FakeSource::Mode::kThrow));
  sources.push_back(std::make_unique<FakeSource>(FakeSource::Mode::kFail));
  sources.push_back(std::make_unique<FakeSource>(FakeSource::Mode::kOk));
  GatewayCollector collector({target("a")}, sampler, std::move(sources));
  const auto families = collector.Collect();
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "fake_throw"}}), 0);
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "fake_fail"}}), 0);
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "fake_ok"}}), 1);
  // Only the successful source's sample is there: the failing ones' partial output was dropped.
  const auto& threads = *std::find_if(families.begin(), families.end(),
                                      [](const auto& f) { return f.name == "openclaw_gateway_threads"; });
  EXPECT_EQ(threads.metric.size(), 1U);
  EXPECT_EQ(value_of(families, "openclaw_exporter_build_info"), 1);
  EXPECT_GT(*value_of(families, "openclaw_host_memory_total_bytes"), 0);
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "host"}}), 1);
}

TEST(GatewayCollector, FollowsTheMainPidThroughAPidFileAndCountsChanges) {
  const TempDir dir("collector-test-");
  const std::string pid_file = dir.file("gateway.pid");
  auto sampler = std::make_shared<const ProcessSampler>();
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::make_unique<DiscoverySource>(std::make_shared<const ProcessFinder>()));
  sources.push_back(std::make_unique<ProcessSource>(sampler));
  GatewayCollector collector({{"gw", "", pid_file, "", "http://127.0.0.1:1"}}, sampler, std::move(sources));

  // No pid file: down, not a failure, no process series.
  auto families = collector.Collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_up", {{"gateway", "gw"}}), 0);
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "discovery"}}), 1);
  EXPECT_FALSE(value_of(families, "openclaw_gateway_threads").has_value());
  EXPECT_EQ(value_of(families, "openclaw_gateway_process_restarts_total"), 0);

  {
    const ChildProcess first = idle_process();
    std::ofstream(pid_file) << first.pid() << "\n";
    families = collector.Collect();
    EXPECT_EQ(value_of(families, "openclaw_gateway_up"), 1);
    EXPECT_EQ(value_of(families, "openclaw_gateway_pid"), first.pid());
    EXPECT_EQ(value_of(families, "openclaw_gateway_threads"), 1);
    EXPECT_EQ(value_of(families, "openclaw_gateway_process_restarts_total"), 0);
  }
  // The process is gone but the pid file is left behind: down, and no series of the old PID.
  families = collector.Collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_up"), 0);
  EXPECT_FALSE(value_of(families, "openclaw_gateway_pid").has_value());
  EXPECT_FALSE(value_of(families, "openclaw_gateway_resident_memory_bytes").has_value());

  const ChildProcess second = idle_process();
  std::ofstream(pid_file) << second.pid() << "\n";
  families = collector.Collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_up"), 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_pid"), second.pid());
  EXPECT_EQ(value_of(families, "openclaw_gateway_process_restarts_total"), 1);
}

// Stands in for the systemd source: hands discovery a unit state, or fails as an unreachable bus does.
class UnitStateSource final : public Source {
 public:
  std::optional<UnitState> state;  // nullopt: fail
  std::string_view name() const override { return "systemd"; }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  Status collect(GatewayContext& context, MetricSet& /*out*/) override {
    if (!state) return Status::failure("cannot connect to unix:path=/run/user/1000/systemd/private: ECONNREFUSED");
    context.unit = state;
    return Ok{};
  }
};

UnitState unit_state(int main_pid, std::string active_state) {
  UnitState unit;
  unit.main_pid = main_pid;
  unit.active_state = std::move(active_state);
  unit.load_state = "loaded";
  return unit;
}

class UnitDiscovery : public ::testing::Test {
 protected:
  std::vector<prometheus::MetricFamily> collect() { return collector_->Collect(); }
  UnitStateSource* unit_source_ = nullptr;

  void SetUp() override {
    auto sampler = std::make_shared<const ProcessSampler>();
    auto unit_source = std::make_unique<UnitStateSource>();
    unit_source_ = unit_source.get();
    std::vector<std::unique_ptr<Source>> sources;
    sources.push_back(std::move(unit_source));
    sources.push_back(std::make_unique<DiscoverySource>(std::make_shared<const ProcessFinder>()));
    sources.push_back(std::make_unique<ProcessSource>(sampler));
    collector_ = std::make_unique<GatewayCollector>(
        std::vector<GatewayTarget>{{"gw", "openclaw-gateway.service", "", "", "http://127.0.0.1:1"}}, sampler,
        std::move(sources));
  }

 private:
  std::unique_ptr<GatewayCollector> collector_;
};

TEST_F(UnitDiscovery, ABlindExporterReportsNoUpAtAllNeverZero) {
  const ChildProcess gateway = idle_process();
  unit_source_->state = unit_state(gateway.pid(), "active");
  auto families = collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_up"), 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_pid"), gateway.pid());

  unit_source_->state.reset();  // the user bus goes away; the gateway runs on
  families = collect();
  EXPECT_FALSE(value_of(families, "openclaw_gateway_up").has_value());
  EXPECT_FALSE(value_of(families, "openclaw_gateway_pid").has_value());
  EXPECT_FALSE(value_of(families, "openclaw_gateway_threads").has_value());
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "systemd"}}), 0);
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "discovery"}}), 0);
  EXPECT_EQ(value_of(families, "openclaw_gateway_process_restarts_total"), 0);  // still there, unchanged

  unit_source_->state = unit_state(gateway.pid(), "active");  // back: the same process, no restart counted
  families = collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_up"), 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_process_restarts_total"), 0);
}

TEST_F(UnitDiscovery, OnlyTheUnitSayingNoMainProcessIsDown) {
  for (const char* state : {"inactive", "failed", "activating", "deactivating"}) {
    unit_source_->state = unit_state(0, state);
    const auto families = collect();
    EXPECT_EQ(value_of(families, "openclaw_gateway_up"), 0) << state;
    EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "discovery"}}), 1) << state;
  }
  unit_source_->state = unit_state(0, "active");  // not a state a gateway service has: cannot tell
  const auto families = collect();
  EXPECT_FALSE(value_of(families, "openclaw_gateway_up").has_value());
  EXPECT_EQ(value_of(families, "openclaw_exporter_source_success", {{"source", "discovery"}}), 0);
}

TEST_F(UnitDiscovery, AMainPidThatExitedIsDownAndANewProcessIsARestart) {
  std::optional<ChildProcess> first(idle_process());
  const int first_pid = first->pid();
  unit_source_->state = unit_state(first_pid, "active");
  EXPECT_EQ(value_of(collect(), "openclaw_gateway_up"), 1);
  first.reset();  // killed and reaped; the unit still names it (systemd has not noticed yet)
  EXPECT_EQ(value_of(collect(), "openclaw_gateway_up"), 0);
  const ChildProcess second = idle_process();
  unit_source_->state = unit_state(second.pid(), "active");
  const auto families = collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_up"), 1);
  EXPECT_EQ(value_of(families, "openclaw_gateway_process_restarts_total"), 1);
}

TEST(DiscoveryIdentity, TheSamePidWithAnotherStartTimeIsARestart) {
  const TempDir dir("identity-test-");
  const std::string proc = dir.file("proc");
  std::filesystem::copy(std::string(OPENCLAW_EXPORTER_FIXTURES) + "/fakeproc", proc,
                        std::filesystem::copy_options::recursive);
  auto unit_source = std::make_unique<UnitStateSource>();
  unit_source->state = unit_state(4242, "active");
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::move(unit_source));
  sources.push_back(std::make_unique<DiscoverySource>(std::make_shared<const ProcessFinder>(proc)));
  GatewayCollector collector({{"gw", "openclaw-gateway.service", "", "", "http://127.0.0.1:1"}},
                             std::make_shared<const ProcessSampler>(proc), std::move(sources));
  EXPECT_EQ(value_of(collector.Collect(), "openclaw_gateway_process_restarts_total"), 0);
  EXPECT_EQ(value_of(collector.Collect(), "openclaw_gateway_process_restarts_total"), 0);
  std::string stat;
  std::getline(std::ifstream(proc + "/4242/stat"), stat);
  const std::size_t at = stat.find(" 360000 ");
  ASSERT_NE(at, std::string::npos);
  std::ofstream(proc + "/4242/stat") << stat.replace(at, 8, " 470000 ") << "\n";  // PID 4242 reused
  const auto families = collector.Collect();
  EXPECT_EQ(value_of(families, "openclaw_gateway_pid"), 4242);
  EXPECT_EQ(value_of(families, "openclaw_gateway_process_restarts_total"), 1);
}

TEST(MainPidOf, ReadsTheUnitState) {
  EXPECT_EQ(*main_pid_of(unit_state(42, "deactivating")), 42);  // draining: still running
  EXPECT_EQ(*main_pid_of(unit_state(0, "failed")), std::nullopt);
  EXPECT_FALSE(main_pid_of(unit_state(0, "reloading")).ok());
}

TEST(MemoryLimit, PrefersTheTighterOfCgroupAndUnitElseHostMemory) {
  ProcessSample process;
  const HostMemory host{8ULL << 30, 4ULL << 30};
  EXPECT_EQ(memory_limit_bytes(process, std::nullopt, host), 8.0 * (1ULL << 30));
  process.cgroup_memory_limit_bytes = 2ULL << 30;
  EXPECT_EQ(memory_limit_bytes(process, std::nullopt, host), 2.0 * (1ULL << 30));
  UnitState unit;
  unit.memory_max = 1ULL << 30;
  EXPECT_EQ(memory_limit_bytes(process, unit, host), 1.0 * (1ULL << 30));
  process.cgroup_memory_limit_bytes = 64ULL << 30;  // above physical memory: no real limit
  unit.memory_max.reset();
  EXPECT_EQ(memory_limit_bytes(process, unit, host), 8.0 * (1ULL << 30));
  EXPECT_FALSE(memory_limit_bytes(ProcessSample{}, std::nullopt, std::nullopt).has_value());
}

TEST(MetricSet, RefusesNamesOutsideTheCatalog) {
  MetricSet set;
  EXPECT_THROW(set.add("openclaw_gateway_made_up", {}, 1), std::logic_error);
  set.add("openclaw_gateway_up", {{"gateway", "a"}}, 1);
  set.add("openclaw_exporter_build_info", {{"version", "x"}, {"revision", "y"}}, 1);
  const auto families = set.take();
  ASSERT_EQ(families.size(), 2U);
  EXPECT_EQ(families[0].name, "openclaw_gateway_up");  // catalog order, not insertion order
  EXPECT_FALSE(families[0].help.empty());
}

TEST(UnitExitWatcher, CountsEachExitOnceByItsPidAndExitTime) {
  UnitExitWatcher exits("", {});  // no units: no thread, only what scrapes note
  UnitState running;
  running.result = "success";
  running.exec_main_pid = 100;
  exits.note("u", running);  // running: no exit
  EXPECT_TRUE(exits.exits("u").empty());
  UnitState crashed = running;
  crashed.result = "signal";
  crashed.exec_main_code = 2;
  crashed.exec_main_status = 9;
  crashed.exec_main_exit_usec = 5'000'000;
  exits.note("u", crashed);
  exits.note("u", crashed);  // the signal and a scrape saw the same exit
  const UnitExitKey key{"signal", "killed", "9"};
  EXPECT_EQ(exits.exits("u").at(key), 1U);
  crashed.exec_main_pid = 101;  // the next process crashed the same way
  crashed.exec_main_exit_usec = 9'000'000;
  exits.note("u", crashed);
  EXPECT_EQ(exits.exits("u").at(key), 2U);
  EXPECT_TRUE(exits.exits("other").empty());
}
