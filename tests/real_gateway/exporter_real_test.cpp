// Our exporter on the real gateway: every required series present and equal to what the test reads itself from
// /proc, `ss` and the user manager (exact for fds, threads, descendants and connections at a quiet moment; RSS of the
// whole tree within 5 %), /readyz fields parsed, both probes succeeding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "process_tree.hpp"
#include "real_gateway.hpp"

using namespace openclaw::testing;
using namespace std::chrono_literals;

namespace {

const std::string& kG = kGatewayLabel;  // short: it is in almost every series below
const std::string kUnitLabels = "gateway=\"default\",unit=\"openclaw-gateway.service\"";

std::string series(const std::string& name, const std::string& labels) { return name + "{" + labels + "}"; }

// What the test reads itself, all at once.
struct Truth {
  int pid = 0;
  std::vector<pid_t> tree;
  double rss = 0;
  int fds = 0;
  long threads = 0;
  std::map<std::string, int> sockets;
  bool same_as(const Truth& other) const {
    return pid == other.pid && tree == other.tree && fds == other.fds && threads == other.threads &&
           sockets == other.sockets && std::abs(rss - other.rss) < 0.01 * rss;
  }
};

Truth read_truth(int pid) {
  Truth t;
  t.pid = pid;
  t.tree = process_tree(pid);
  t.rss = tree_rss_bytes(pid);
  t.fds = open_fd_count(pid);
  t.threads = proc_status_field(pid, "Threads");
  t.sockets = tcp_states_of_pid(pid);
  return t;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Soft RLIMIT_NOFILE from /proc/PID/limits.
double soft_nofile(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("Max open files")) continue;
    std::istringstream fields(line.substr(std::string("Max open files").size()));
    std::string soft;
    fields >> soft;
    return soft == "unlimited" ? std::numeric_limits<double>::infinity() : std::stod(soft);
  }
  return -1;
}

class ExporterOnRealGateway : public RealGatewayTest {};

TEST_F(ExporterOnRealGateway, ProcessSeriesMatchTheTruthAtAQuietMoment) {
  const int pid = gateway().main_pid();
  ASSERT_GT(pid, 0);
  // The gateway spawns short-lived helpers (a second SQLite reader, `npm root -g`) in its first minute, and our own
  // probes open connections every 2 s: compare only when the truth is the same just before and after the scrape.
  const std::vector<std::string> states = {"established", "syn_sent",   "syn_recv", "fin_wait1", "fin_wait2",
                                           "close",       "close_wait", "last_ack", "listen",    "closing"};
  const auto connections_as_before = [&](const Scrape& s, const Truth& before) {
    return std::all_of(states.begin(), states.end(), [&](const std::string& state) {
      return s.get(series("openclaw_gateway_connections", kG + ",state=\"" + state + "\"")) ==
             count_or_zero(before.sockets, upper(state));
    });
  };
  int unquiet = 0;
  for (int attempt = 0; attempt < 60; ++attempt) {
    const Truth before = read_truth(pid);
    const Scrape s = gateway().scrape_exporter();
    const Truth after = read_truth(pid);
    // The gateway opens and closes files on its own (about once a second, e.g. for its CPU figures), and a probe
    // connection can open and close between the two readings, inside the scrape (seen on a loaded machine: one
    // ESTABLISHED more in the scrape than before and after): a count that differs although before == after was
    // such a moment; try again. A constant offset never passes, and 60 tries without one fail below.
    if (!before.same_as(after) || s.get(series("openclaw_gateway_open_fds", kG)) != before.fds ||
        !connections_as_before(s, before)) {
      ++unquiet;
      std::this_thread::sleep_for(300ms);
      continue;
    }
    record_figure("quiet_moment_tries", unquiet + 1, "");
    EXPECT_EQ(s.get(series("openclaw_gateway_up", kG)), 1);
    EXPECT_EQ(s.get(series("openclaw_gateway_pid", kG)), pid);
    EXPECT_EQ(s.get(series("openclaw_gateway_open_fds", kG)), before.fds);
    EXPECT_EQ(s.get(series("openclaw_gateway_threads", kG)), static_cast<double>(before.threads));
    EXPECT_EQ(s.get(series("openclaw_gateway_descendant_processes", kG)), static_cast<double>(before.tree.size() - 1));
    // The SQLite worker and the spawn broker, at least.
    EXPECT_GE(before.tree.size(), 3U);
    ASSERT_TRUE(s.get(series("openclaw_gateway_resident_memory_bytes", kG)).has_value()) << s.text;
    EXPECT_NEAR(*s.get(series("openclaw_gateway_resident_memory_bytes", kG)), before.rss, before.rss * 0.05);
    const double main_rss = static_cast<double>(proc_status_field(pid, "VmRSS")) * 1024;
    EXPECT_GT(before.rss, main_rss * 1.1) << "the children's memory must be part of the tree";
    EXPECT_EQ(s.get(series("openclaw_gateway_max_fds", kG)), soft_nofile(pid));
    EXPECT_GT(s.get(series("openclaw_gateway_cpu_seconds_total", kG)).value_or(0), 1.0);
    EXPECT_GT(s.get(series("openclaw_gateway_memory_limit_bytes", kG)).value_or(0), before.rss);
    const double start = s.get(series("openclaw_gateway_process_start_time_seconds", kG)).value_or(0);
    EXPECT_LE(start, static_cast<double>(std::time(nullptr)));
    EXPECT_GT(start, static_cast<double>(std::time(nullptr)) - 3600);
    for (const std::string source : {"discovery", "process", "sockets", "probe", "systemd"}) {
      EXPECT_EQ(s.get(series("openclaw_exporter_source_success", kG + ",source=\"" + source + "\"")), 1) << source;
    }
    EXPECT_EQ(s.get("openclaw_exporter_source_success{gateway=\"\",source=\"host\"}"), 1);
    // Unit series follow the user manager.
    EXPECT_EQ(s.get(series("openclaw_gateway_unit_active", kUnitLabels)), 1);
    EXPECT_EQ(s.get(series("openclaw_gateway_unit_restarts_total", kUnitLabels)),
              gateway().manager().n_restarts(RealGateway::kUnit));
    // Connections, every state, exact.
    const auto ss = ss_tcp_states_of_pid(pid);
    for (const std::string& state : states) {
      EXPECT_EQ(s.get(series("openclaw_gateway_connections", kG + ",state=\"" + state + "\"")),
                count_or_zero(before.sockets, upper(state)))
          << state;
    }
    EXPECT_EQ(count_or_zero(before.sockets, "LISTEN"), 2) << "127.0.0.1 and [::1]";
    // ss agrees with /proc (it is run a moment later, so only the listeners are compared strictly).
    EXPECT_EQ(count_or_zero(ss, "LISTEN"), 2);
    record_figure("idle_tree_rss", before.rss / 1048576, "MiB");
    record_figure("idle_main_rss", main_rss / 1048576, "MiB");
    record_figure("idle_descendants", static_cast<double>(before.tree.size() - 1), "");
    record_figure("idle_fds", before.fds, "");
    record_figure("idle_threads", static_cast<double>(before.threads), "");
    record_figure("memory_limit_bytes", s.get(series("openclaw_gateway_memory_limit_bytes", kG)).value_or(0), "B");
    record_figure("max_fds", soft_nofile(pid), "");
    const std::string memory_current = gateway().manager().property(RealGateway::kUnit, "MemoryCurrent");
    if (!memory_current.empty() && std::isdigit(static_cast<unsigned char>(memory_current[0]))) {
      record_figure("unit_memory_current", std::stod(memory_current) / 1048576, "MiB");
    }
    return;
  }
  FAIL() << "the gateway never held still for a comparison in 60 tries";
}

// Summed "Pss:" of /proc/PID/smaps_rollup over `tree`, in bytes (what `awk '/^Pss:/{s+=$2} END{print s*1024}'`
// over the tree's files gives); processes gone meanwhile count 0.
double tree_pss_bytes(const std::vector<pid_t>& tree) {
  double sum = 0;
  for (const pid_t p : tree) {
    std::ifstream in("/proc/" + std::to_string(p) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with("Pss:")) sum += std::stod(line.substr(4)) * 1024;
    }
  }
  return sum;
}

// The unit's cgroup from the kernel: usage (v2 memory.current, v1 memory.usage_in_bytes) and inactive file cache.
struct CgroupTruth {
  double usage = -1;
  double inactive_file = -1;
};
CgroupTruth cgroup_truth(const std::string& control_group) {
  const auto number_in = [](const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string name;
    double value = -1;
    if (key.empty()) {
      in >> value;
      return value;
    }
    while (in >> name >> value) {
      if (name == key) return value;
    }
    return -1.0;
  };
  const std::string v2 = "/sys/fs/cgroup" + control_group;
  if (std::ifstream(v2 + "/memory.current").good()) {
    return {number_in(v2 + "/memory.current", ""), number_in(v2 + "/memory.stat", "inactive_file")};
  }
  const std::string v1 = "/sys/fs/cgroup/memory" + control_group;
  return {number_in(v1 + "/memory.usage_in_bytes", ""), number_in(v1 + "/memory.stat", "total_inactive_file")};
}

TEST_F(ExporterOnRealGateway, MemorySeriesMatchTheKernelsOwnCounters) {
  const int pid = gateway().main_pid();
  ASSERT_GT(pid, 0);
  const std::string control_group = gateway().manager().property(RealGateway::kUnit, "ControlGroup");
  ASSERT_FALSE(control_group.empty());
  // Memory moves while the gateway works: compare when the kernel's figures before and after the scrape agree.
  for (int attempt = 0; attempt < 20; ++attempt) {
    const auto tree = process_tree(pid);
    const double pss_before = tree_pss_bytes(tree);
    const CgroupTruth cgroup_before = cgroup_truth(control_group);
    const Scrape s = gateway().scrape_exporter();
    const double pss_after = tree_pss_bytes(tree);
    const CgroupTruth cgroup_after = cgroup_truth(control_group);
    const double working_set = cgroup_before.usage - cgroup_before.inactive_file;
    if (process_tree(pid) != tree || std::abs(pss_after - pss_before) > 0.01 * pss_before ||
        std::abs(cgroup_after.usage - cgroup_after.inactive_file - working_set) > 0.01 * working_set) {
      std::this_thread::sleep_for(300ms);
      continue;
    }
    ASSERT_EQ(s.get(series("openclaw_exporter_source_success", kG + ",source=\"memory\"")), 1) << s.text;
    const double pss = s.get(series("openclaw_gateway_proportional_memory_bytes", kG)).value_or(-1);
    EXPECT_NEAR(pss, pss_before, 0.05 * pss_before);
    const double rss = tree_rss_bytes(pid);
    EXPECT_LT(pss, rss) << "Pss counts the pages the tree's node processes share once";
    ASSERT_GT(cgroup_before.usage, 0) << control_group;
    const double cgroup = s.get(series("openclaw_gateway_cgroup_memory_bytes", kG)).value_or(-1);
    EXPECT_NEAR(cgroup, working_set, 0.05 * working_set);
    const double memory_current =
        std::stod("0" + gateway().manager().property(RealGateway::kUnit, "MemoryCurrent"));
    EXPECT_LE(cgroup, memory_current * 1.05) << "a working set is at most the whole charge";
    // The unit's flag, read from its ExecStart: node's title hides the gateway's own argv.
    EXPECT_EQ(s.get(series("openclaw_gateway_heap_limit_bytes", kG)), openclaw_heap_limit_mib() * 1048576.0);
    // Children by kind: the spawn broker and the SQLite read-only worker (other) at least; every kind present.
    double children = 0;
    double children_pss = 0;
    for (const std::string kind :
         {"spawn-broker", "service-child-relay", "memory-search", "local-embeddings", "codex", "other"}) {
      const auto count = s.get(series("openclaw_gateway_child_processes", kG + ",kind=\"" + kind + "\""));
      const auto kind_pss = s.get(series("openclaw_gateway_child_proportional_memory_bytes", kG + ",kind=\"" + kind + "\""));
      ASSERT_TRUE(count.has_value() && kind_pss.has_value()) << kind;
      children += *count;
      children_pss += *kind_pss;
    }
    EXPECT_EQ(s.get(series("openclaw_gateway_child_processes", kG + ",kind=\"spawn-broker\"")), 1);
    EXPECT_EQ(children, static_cast<double>(tree.size() - 1));
    EXPECT_LT(children_pss, pss);
    record_figure("tree_pss", pss / 1048576, "MiB");
    record_figure("tree_pss_kernel", pss_before / 1048576, "MiB");
    record_figure("tree_pss_vs_kernel", 100 * (pss - pss_before) / pss_before, "%");
    record_figure("tree_rss_vs_pss", 100 * (rss - pss) / pss, "%");
    record_figure("cgroup_working_set", cgroup / 1048576, "MiB");
    record_figure("cgroup_working_set_vs_kernel", 100 * (cgroup - working_set) / working_set, "%");
    record_figure("cgroup_working_set_vs_memory_current", 100 * (cgroup - memory_current) / memory_current, "%");
    record_figure("memory_source_seconds",
                  s.get(series("openclaw_exporter_source_duration_seconds", kG + ",source=\"memory\"")).value_or(-1),
                  "s");
    return;
  }
  FAIL() << "the gateway's memory never held still for a comparison in 20 tries";
}

TEST_F(ExporterOnRealGateway, ConnectionsByStateMatchSsWhileClientsAreConnected) {
  const int pid = gateway().main_pid();
  // Upgraded WebSocket connections give something to count beyond the listeners. The gateway closes
  // unauthenticated ones after ~10 s, so each try opens fresh ones; `ss` before the scrape, /proc after it.
  for (int attempt = 0; attempt < 10; ++attempt) {
    std::vector<WebSocketClient> clients;
    for (int i = 0; i < 5; ++i) {
      clients.push_back(WebSocketClient::connect(gateway().port(), "/", 10s));
      ASSERT_EQ(clients.back().status, 101) << clients.back().error;
    }
    const auto before = ss_tcp_states_of_pid(pid);
    const Scrape s = gateway().scrape_exporter();
    const auto after = tcp_states_of_pid(pid);
    if (before != after) continue;
    EXPECT_GE(count_or_zero(before, "ESTABLISHED"), 5);
    for (const std::string state : {"established", "close_wait", "listen", "fin_wait2", "last_ack"}) {
      EXPECT_EQ(s.get(series("openclaw_gateway_connections", kG + ",state=\"" + state + "\"")),
                count_or_zero(before, upper(state)))
          << state;
    }
    return;
  }
  FAIL() << "the gateway's sockets never held still";
}

TEST_F(ExporterOnRealGateway, ReadyzFieldsAreParsedAndBothProbesSucceed) {
  ASSERT_TRUE(gateway().wait_exporter_follows(gateway().main_pid(), 30s));
  const Scrape s = gateway().scrape_exporter();
  const HttpResponse direct = http_get(gateway().url("/readyz"));
  ASSERT_EQ(direct.status, 200);
  const auto body = nlohmann::json::parse(direct.body);
  EXPECT_EQ(s.get(series("openclaw_gateway_probe_success", kG + ",probe=\"http\"")), 1);
  EXPECT_EQ(s.get(series("openclaw_gateway_probe_http_status_code", kG + ",probe=\"http\"")), 200);
  EXPECT_EQ(s.get(series("openclaw_gateway_probe_success", kG + ",probe=\"websocket\"")), 1);
  EXPECT_EQ(s.get(series("openclaw_gateway_probe_http_status_code", kG + ",probe=\"websocket\"")), 101);
  EXPECT_EQ(s.get(series("openclaw_gateway_ready", kG)), 1);
  // uptime: the exporter's value is as old as its last probe.
  const double probed_at =
      s.get(series("openclaw_gateway_probe_timestamp_seconds", kG + ",probe=\"http\"")).value_or(0);
  const double exporter_uptime = s.get(series("openclaw_gateway_uptime_seconds", kG)).value_or(-1);
  const double direct_uptime = body.at("uptimeMs").get<double>() / 1000;
  const double age = static_cast<double>(std::time(nullptr)) - probed_at;
  EXPECT_NEAR(exporter_uptime + age, direct_uptime, 3.0);
  const auto delay = s.get(series("openclaw_gateway_event_loop_delay_p99_seconds", kG));
  const auto utilization = s.get(series("openclaw_gateway_event_loop_utilization", kG));
  const auto degraded = s.get(series("openclaw_gateway_event_loop_degraded", kG));
  ASSERT_TRUE(delay && utilization && degraded) << s.text;
  EXPECT_GE(*delay, 0);
  EXPECT_LT(*delay, 60);
  EXPECT_GE(*utilization, 0);
  EXPECT_LE(*utilization, 1);
  EXPECT_TRUE(*degraded == 0 || *degraded == 1);
  record_figure("readyz_event_loop_delay_p99", *delay * 1000, "ms");
  record_figure("readyz_event_loop_utilization", *utilization, "");
  record_figure("probe_http_duration",
                s.get(series("openclaw_gateway_probe_duration_seconds", kG + ",probe=\"http\"")).value_or(-1) * 1000,
                "ms");
  record_figure(
      "probe_websocket_duration",
      s.get(series("openclaw_gateway_probe_duration_seconds", kG + ",probe=\"websocket\"")).value_or(-1) * 1000, "ms");
}

}  // namespace
