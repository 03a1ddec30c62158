#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "discovery_source.hpp"
#include "gateway_collector.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "process_source.hpp"

using namespace openclaw;
using namespace openclaw::exporter;
using openclaw::testing::ChildProcess;
using openclaw::testing::TempDir;

namespace {

// Finds one sample by name and labels (all given labels must match); nullopt when absent.
std::optional<double> value_of(const std::vector<prometheus::MetricFamily>& families, const std::string& name,
                               const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::size_t matched = 0;
      for (const auto& pair : metric.label) {
        const auto it = labels.find(pair.name);
        if (it != labels.end() && it->second == pair.value) ++matched;
      }
      if (matched == labels.size()) {
        return family.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value;
      }
    }
  }
  return std::nullopt;
}

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
  sources.push_back(std::make_unique<DiscoverySource>(sampler));
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
