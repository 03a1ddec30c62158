// CPU time per sample of one gateway: the exporter's library next to a hand-written raw-syscall floor for the same
// work. The target is $BENCH_PID (e.g. a fixture gateway started by compare.sh) or a stand-in spawned here.
//
//   Floor/*      raw syscalls, fixed buffers (floor_sampler.cpp)
//   Lib/*        ProcessSampler::sample + host_memory, SocketCounter::count (what one scrape calls)
//   Collect/*    GatewayCollector::Collect() with the real sources + TextSerializer: a full scrape minus HTTP
//
// Each benchmark reports the fds and TCP sockets it saw, so that a floor that "wins" by missing work shows.
#include <benchmark/benchmark.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "bench_target.hpp"
#include "floor_sampler.hpp"
#include "gateway_collector.hpp"
#include "memory_sampler.hpp"
#include "process_sampler.hpp"
#include "prober.hpp"
#include "systemd_unit.hpp"
#include "socket_counter.hpp"

namespace {

using openclaw::bench::BenchTarget;
using openclaw::bench::FloorSample;
using openclaw::bench::FloorSampler;
namespace ex = openclaw::exporter;

int target_pid() { return BenchTarget::get().pid(); }

std::uint64_t total(const ex::TcpSocketCounts& counts) {
  std::uint64_t sum = 0;
  for (const auto n : counts.by_state) sum += n;
  return sum;
}

void report(benchmark::State& state, std::uint64_t fds, std::uint64_t tcp) {
  state.counters["fds"] = static_cast<double>(fds);
  state.counters["tcp"] = static_cast<double>(tcp);
}

// ---- the floor -------------------------------------------------------------------------------------------------

void Floor_Process(benchmark::State& state) {
  FloorSampler floor(target_pid());
  FloorSample sample;
  for (auto _ : state) {
    if (!floor.sample_process(sample)) state.SkipWithError("floor sample failed");
    benchmark::DoNotOptimize(sample);
  }
  report(state, sample.open_fds, 0);
}

// Sockets only, over the fd list of one earlier sample (the full floor lists the fds once for both).
void Floor_SocketsPidfd(benchmark::State& state) {
  FloorSampler floor(target_pid());
  FloorSample sample;
  if (!floor.sample_process(sample)) state.SkipWithError("floor sample failed");
  for (auto _ : state) {
    if (!floor.count_tcp_pidfd(sample)) state.SkipWithError("pidfd_getfd not permitted");
    benchmark::DoNotOptimize(sample);
  }
  report(state, sample.open_fds, sample.tcp_total());
}

// The earlier floor that duplicated every fd (unsafe: see count_tcp_pidfd), to show what knowing the type costs.
void Floor_SocketsPidfdEveryFd(benchmark::State& state) {
  FloorSampler floor(target_pid());
  FloorSample sample;
  if (!floor.sample_process(sample)) state.SkipWithError("floor sample failed");
  for (auto _ : state) {
    if (!floor.count_tcp_pidfd_every_fd(sample)) state.SkipWithError("pidfd_getfd not permitted");
    benchmark::DoNotOptimize(sample);
  }
  report(state, sample.open_fds, sample.tcp_total());
}

void Floor_SocketsSockDiag(benchmark::State& state) {
  FloorSampler floor(target_pid());
  FloorSample sample;
  if (!floor.sample_process(sample)) state.SkipWithError("floor sample failed");
  for (auto _ : state) {
    if (!floor.count_tcp_sock_diag(sample)) state.SkipWithError("sock_diag failed");
    benchmark::DoNotOptimize(sample);
  }
  report(state, sample.open_fds, sample.tcp_total());
}

// THE floor: everything one gateway's sample needs, sockets by pidfd_getfd.
void Floor_Full(benchmark::State& state) {
  FloorSampler floor(target_pid());
  FloorSample sample;
  for (auto _ : state) {
    if (!floor.sample_process(sample) || !floor.sample_memory(sample) || !floor.count_tcp_pidfd(sample)) {
      state.SkipWithError("floor failed");
    }
    benchmark::DoNotOptimize(sample);
  }
  report(state, sample.open_fds, sample.tcp_total());
}

void Floor_FullSockDiag(benchmark::State& state) {
  FloorSampler floor(target_pid());
  FloorSample sample;
  for (auto _ : state) {
    if (!floor.sample_process(sample) || !floor.sample_memory(sample) || !floor.count_tcp_sock_diag(sample)) {
      state.SkipWithError("floor failed");
    }
    benchmark::DoNotOptimize(sample);
  }
  report(state, sample.open_fds, sample.tcp_total());
}

// The memory part alone: smaps_rollup of the tree, cmdline/environ, the cgroup's usage and memory.stat.
void Floor_Memory(benchmark::State& state) {
  FloorSampler floor(target_pid());
  FloorSample sample;
  if (!floor.sample_process(sample)) state.SkipWithError("floor sample failed");
  for (auto _ : state) {
    if (!floor.sample_memory(sample)) state.SkipWithError("floor memory failed");
    benchmark::DoNotOptimize(sample);
  }
  state.counters["pss_kib"] = static_cast<double>(sample.pss_kib);
  report(state, sample.open_fds, 0);
}

// Not part of the floor (stat already carries RSS and threads); shown because it is the usual source of both.
void Floor_ReadStatus(benchmark::State& state) {
  FloorSampler floor(target_pid());
  for (auto _ : state) benchmark::DoNotOptimize(floor.read_status());
}

// ---- the library ---------------------------------------------------------------------------------------------

void Lib_ProcessSample(benchmark::State& state) {
  const ex::ProcessSampler sampler;
  std::uint64_t fds = 0;
  for (auto _ : state) {
    auto sample = sampler.sample(target_pid());
    auto host = sampler.host_memory();
    if (!sample || !host) state.SkipWithError("sample failed");
    fds = sample ? sample->open_fds : 0;
    benchmark::DoNotOptimize(host);
  }
  report(state, fds, 0);
}

// What the memory source asks of the library, over the tree of one earlier sample: compare with Floor_Memory.
void Lib_Memory(benchmark::State& state) {
  const ex::MemorySampler memory;
  const auto sample = ex::ProcessSampler().sample(target_pid());
  if (!sample) state.SkipWithError("sample failed");
  std::uint64_t pss = 0;
  for (auto _ : state) {
    auto tree = memory.tree_memory(target_pid(), sample ? sample->descendant_pids : std::vector<int>{});
    auto cgroup = memory.cgroup_memory_bytes(target_pid());
    auto heap = memory.heap_limit_bytes(target_pid());
    if (!tree || !cgroup || !heap) state.SkipWithError("memory sample failed");
    pss = tree ? tree->pss_bytes : 0;
  }
  state.counters["pss_kib"] = static_cast<double>(pss / 1024);
}

void Lib_CountTcp(benchmark::State& state) {
  const auto counter = ex::make_socket_counter(ex::SocketMethodChoice::kAuto);
  std::uint64_t tcp = 0;
  for (auto _ : state) {
    auto counts = counter->count(target_pid());
    if (!counts || counts->method != ex::SocketMethod::kPidfdGetfd) state.SkipWithError("not counted by pidfd");
    tcp = counts ? total(*counts) : 0;
  }
  report(state, 0, tcp);
}

void Lib_CountTcpSockDiag(benchmark::State& state) {
  const auto counter = ex::make_socket_counter(ex::SocketMethodChoice::kSockDiag);
  std::uint64_t tcp = 0;
  for (auto _ : state) {
    auto counts = counter->count(target_pid());
    if (!counts) state.SkipWithError("sock_diag failed");
    tcp = counts ? total(*counts) : 0;
  }
  report(state, 0, tcp);
}

// What one scrape asks of the library for one gateway: compare with Floor_Full.
void Lib_Full(benchmark::State& state) {
  const ex::ProcessSampler sampler;
  const auto counter = ex::make_socket_counter(ex::SocketMethodChoice::kAuto);
  const ex::MemorySampler memory;
  std::uint64_t fds = 0;
  std::uint64_t tcp = 0;
  for (auto _ : state) {
    auto host = sampler.host_memory();
    auto sample = sampler.sample(target_pid());
    auto tree = memory.tree_memory(target_pid(), sample ? sample->descendant_pids : std::vector<int>{});
    auto cgroup = memory.cgroup_memory_bytes(target_pid());
    auto heap = memory.heap_limit_bytes(target_pid());
    auto counts = counter->count(target_pid());
    if (!host || !sample || !tree || !cgroup || !heap || !counts) state.SkipWithError("sample failed");
    fds = sample ? sample->open_fds : 0;
    tcp = counts ? total(*counts) : 0;
  }
  report(state, fds, tcp);
}

// ---- the collector: a full scrape minus HTTP --------------------------------------------------------------------

ex::ProbeResult instant_probe(const std::string& /*url*/, std::chrono::milliseconds /*timeout*/) {
  ex::ProbeResult result;
  result.success = true;
  result.http_status = 200;
  result.completed_at = std::chrono::system_clock::now();
  return result;
}

void collect(benchmark::State& state, const ex::GatewayTarget& target) {
  ex::ExporterConfig config;
  config.gateways = {target};
  auto sampler = std::make_shared<const ex::ProcessSampler>(config.procfs, config.cgroupfs);
  auto systemd = std::make_shared<ex::SystemdUserManager>(config.systemd_address);
  // Probes run in the background in the exporter; here they answer at once, once an hour, and cost nothing.
  auto prober = std::make_shared<ex::Prober>(std::vector<ex::Prober::Target>{{target.name, target.url}},
                                             std::chrono::hours(1), std::chrono::seconds(1), instant_probe,
                                             instant_probe);
  const ex::GatewayCollector collector(config.gateways, sampler, ex::make_sources(config, sampler, systemd, prober));
  const prometheus::TextSerializer serializer;
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    serializer.Serialize(out, collector.Collect());
    bytes = out.str().size();
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  auto check = std::make_unique<std::ostringstream>();
  serializer.Serialize(*check, collector.Collect());
  if (check->str().find("openclaw_gateway_up{gateway=\"default\"} 1") == std::string::npos) {
    state.SkipWithError("the collector did not find the gateway");
  }
}

void Collect_PidFile(benchmark::State& state) {
  ex::GatewayTarget target;
  target.name = "default";
  target.pid_file = BenchTarget::get().pid_file();
  target.url = "http://127.0.0.1:1";
  collect(state, target);
}

// Only with $BENCH_CMDLINE_REGEX (it must match the target alone, e.g. "^\S*openclaw-fixture-gateway ").
void Collect_CmdlineRegex(benchmark::State& state) {
  ex::GatewayTarget target;
  target.name = "default";
  target.cmdline_regex = std::getenv("BENCH_CMDLINE_REGEX");
  target.url = "http://127.0.0.1:1";
  collect(state, target);
}

// Prints what the floor and the library each counted: they must agree, or a comparison means nothing.
bool print_agreement() {
  FloorSampler floor(target_pid());
  FloorSample pidfd;
  FloorSample diag;
  const bool floor_ok = floor.sample_process(pidfd) && floor.count_tcp_pidfd(pidfd) && floor.sample_process(diag) &&
                        floor.count_tcp_sock_diag(diag);
  const ex::ProcessSampler sampler;
  const auto sample = sampler.sample(target_pid());
  const auto counts = ex::make_socket_counter(ex::SocketMethodChoice::kAuto)->count(target_pid());
  if (!floor_ok || !sample || !counts) {
    std::fprintf(stderr, "exporter_bench: cannot sample pid %d\n", target_pid());
    return false;
  }
  std::fprintf(stderr,
               "exporter_bench: pid %d%s: floor fds=%llu tcp(pidfd)=%llu tcp(sock_diag)=%llu descendants=%llu; "
               "library fds=%llu tcp=%llu (%s) descendants=%llu\n",
               target_pid(), BenchTarget::get().spawned() ? " (stand-in)" : "",
               static_cast<unsigned long long>(pidfd.open_fds), static_cast<unsigned long long>(pidfd.tcp_total()),
               static_cast<unsigned long long>(diag.tcp_total()), static_cast<unsigned long long>(pidfd.descendants),
               static_cast<unsigned long long>(sample->open_fds), static_cast<unsigned long long>(total(*counts)),
               std::string(ex::socket_method_name(counts->method)).c_str(),
               static_cast<unsigned long long>(sample->descendants));
  return true;
}

}  // namespace

BENCHMARK(Floor_Process)->Unit(benchmark::kMicrosecond);
BENCHMARK(Floor_SocketsPidfd)->Unit(benchmark::kMicrosecond);
BENCHMARK(Floor_SocketsPidfdEveryFd)->Unit(benchmark::kMicrosecond);
BENCHMARK(Floor_SocketsSockDiag)->Unit(benchmark::kMicrosecond);
BENCHMARK(Floor_Full)->Unit(benchmark::kMicrosecond);
BENCHMARK(Floor_FullSockDiag)->Unit(benchmark::kMicrosecond);
BENCHMARK(Floor_Memory)->Unit(benchmark::kMicrosecond);
BENCHMARK(Floor_ReadStatus)->Unit(benchmark::kMicrosecond);
BENCHMARK(Lib_ProcessSample)->Unit(benchmark::kMicrosecond);
BENCHMARK(Lib_Memory)->Unit(benchmark::kMicrosecond);
BENCHMARK(Lib_CountTcp)->Unit(benchmark::kMicrosecond);
BENCHMARK(Lib_CountTcpSockDiag)->Unit(benchmark::kMicrosecond);
BENCHMARK(Lib_Full)->Unit(benchmark::kMicrosecond);
// Sources run on the collector's threads: count the whole process's CPU, not only the scraping thread's.
BENCHMARK(Collect_PidFile)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::off);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  if (const char* regex = std::getenv("BENCH_CMDLINE_REGEX"); regex != nullptr && *regex != '\0') {
    benchmark::RegisterBenchmark("Collect_CmdlineRegex", Collect_CmdlineRegex)
        ->Unit(benchmark::kMicrosecond)
        ->MeasureProcessCPUTime();
  }
  if (!print_agreement()) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
