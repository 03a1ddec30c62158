// The exporter's metric names are the interface that alerts/ and dashboards/ use: change them only with those.
// docs/metrics.md documents each one; tests/exporter/metrics_catalog_test.cpp checks the docs and known_metrics.txt.
#include "metric_set.hpp"

namespace openclaw::exporter {

using prometheus::MetricType;

const std::vector<MetricDescriptor>& metrics_catalog() {
  static const std::vector<MetricDescriptor> catalog = {
      {"openclaw_gateway_up", MetricType::Gauge,
       "1 when the gateway's main process runs, 0 when its pid file, the cmdline search or its unit says it does not; "
       "absent when the exporter cannot tell (see openclaw_exporter_source_success{source=\"discovery\"})."},
      {"openclaw_gateway_pid", MetricType::Gauge, "PID of the gateway's current main process."},
      {"openclaw_gateway_process_start_time_seconds", MetricType::Gauge,
       "Start time of the gateway's current main process since the unix epoch in seconds."},
      {"openclaw_gateway_resident_memory_bytes", MetricType::Gauge,
       "Resident memory of the gateway's main process plus all its descendants in bytes."},
      {"openclaw_gateway_memory_limit_bytes", MetricType::Gauge,
       "Memory the gateway may use in bytes: its cgroup or unit MemoryMax limit where set, else host MemTotal."},
      {"openclaw_gateway_proportional_memory_bytes", MetricType::Gauge,
       "Proportional set size (Pss from /proc/PID/smaps_rollup) of the gateway's main process plus all its "
       "descendants in bytes: each shared page counted once across the tree, unlike summed RSS."},
      {"openclaw_gateway_cgroup_memory_bytes", MetricType::Gauge,
       "Working set of the gateway's own cgroup in bytes: the memory the kernel charges to it (v2 memory.current, v1 "
       "memory.usage_in_bytes) less inactive file cache (memory.stat inactive_file, v1 total_inactive_file), which "
       "the kernel reclaims before a limit or its OOM killer acts."},
      {"openclaw_gateway_heap_limit_bytes", MetricType::Gauge,
       "The gateway's --max-old-space-size in bytes (from the unit's ExecStart, its command line or NODE_OPTIONS): "
       "V8's old-space limit, not its whole heap limit (V8 adds the young generation). Absent when not set or not "
       "knowable (a process title overwrote argv and no unit says how it was started)."},
      {"openclaw_gateway_child_processes", MetricType::Gauge,
       "Descendant processes of the gateway by kind (spawn-broker, service-child-relay, memory-search, "
       "local-embeddings, codex, other), classified from argv."},
      {"openclaw_gateway_child_proportional_memory_bytes", MetricType::Gauge,
       "Proportional set size (Pss) of the gateway's descendant processes by kind in bytes."},
      {"openclaw_gateway_open_fds", MetricType::Gauge, "Open file descriptors of the gateway's main process."},
      {"openclaw_gateway_max_fds", MetricType::Gauge,
       "Soft RLIMIT_NOFILE of the gateway's main process (+Inf when unlimited)."},
      {"openclaw_gateway_threads", MetricType::Gauge, "Threads of the gateway's main process."},
      {"openclaw_gateway_descendant_processes", MetricType::Gauge,
       "Processes descended from the gateway's main process (its workers)."},
      {"openclaw_gateway_cpu_seconds_total", MetricType::Counter,
       "User and system CPU time of the gateway's main process plus its descendants in seconds."},
      {"openclaw_gateway_connections", MetricType::Gauge,
       "TCP sockets (IPv4 and IPv6) held open by the gateway's main process, by state."},
      {"openclaw_gateway_probe_success", MetricType::Gauge,
       "1 when the last completed health probe succeeded (http: GET /readyz 2xx; websocket: upgrade 101)."},
      {"openclaw_gateway_probe_duration_seconds", MetricType::Gauge,
       "Duration of the last completed health probe in seconds (the timeout when it timed out)."},
      {"openclaw_gateway_probe_http_status_code", MetricType::Gauge,
       "HTTP status code of the last completed probe (0 when no response arrived)."},
      {"openclaw_gateway_probe_timestamp_seconds", MetricType::Gauge,
       "When the last probe of this kind completed since the unix epoch in seconds."},
      {"openclaw_gateway_ready", MetricType::Gauge, "The gateway's own readiness from the /readyz body (1 ready)."},
      {"openclaw_gateway_event_loop_degraded", MetricType::Gauge,
       "1 when the gateway's /readyz body reports its event loop degraded."},
      {"openclaw_gateway_event_loop_delay_p99_seconds", MetricType::Gauge,
       "p99 event-loop delay the gateway reports in /readyz, in seconds."},
      {"openclaw_gateway_event_loop_utilization", MetricType::Gauge,
       "Event-loop utilization (0-1) the gateway reports in /readyz."},
      {"openclaw_gateway_draining", MetricType::Gauge,
       "1 when /readyz names gateway-draining among its failing checks: the gateway finishes active work before it "
       "stops (a restart or stop is under way), 0 otherwise."},
      {"openclaw_gateway_readyz_failing", MetricType::Gauge,
       "1 for each check /readyz names as failing (gateway-draining, startup-sidecars, plugin-reload, state-database, "
       "internal; channel ids and anything else as other), 0 for the others."},
      {"openclaw_gateway_uptime_seconds", MetricType::Gauge,
       "The gateway's own uptime from /readyz uptimeMs in seconds (resets on an in-process restart)."},
      {"openclaw_gateway_unit_active", MetricType::Gauge, "1 when the gateway's systemd unit ActiveState is active."},
      {"openclaw_gateway_unit_state", MetricType::Gauge,
       "The gateway's systemd unit ActiveState: 1 for the current state, 0 for the others."},
      {"openclaw_gateway_unit_sub_state", MetricType::Gauge,
       "The gateway's systemd unit SubState (running, stop-sigterm, auto-restart, dead, ...; 'other' when unknown), "
       "value 1."},
      {"openclaw_gateway_unit_result", MetricType::Gauge,
       "The gateway's systemd unit Result (success, exit-code, signal, core-dump, timeout, oom-kill, ...): 1 for the "
       "current one, 0 for the others."},
      {"openclaw_gateway_unit_exec_main_code", MetricType::Gauge,
       "How the unit's last main process ended (systemd ExecMainCode): 1 exited, 2 killed, 3 dumped core, 0 running "
       "or never started."},
      {"openclaw_gateway_unit_exec_main_status", MetricType::Gauge,
       "Exit status of the unit's last main process, or its signal number when killed (systemd ExecMainStatus); 78 "
       "is openclaw's 'invalid config or duplicate instance: do not restart'."},
      {"openclaw_gateway_unit_stopped_deliberately", MetricType::Gauge,
       "1 when the unit is inactive with result success: the last stop was a stop job, not a crash."},
      {"openclaw_gateway_unit_restarts_total", MetricType::Counter,
       "Automatic restarts systemd made of the gateway's unit (NRestarts)."},
      {"openclaw_gateway_process_restarts_total", MetricType::Counter,
       "Changes of the gateway's main PID this exporter has observed."},
      {"openclaw_host_memory_total_bytes", MetricType::Gauge, "Host memory (MemTotal from /proc/meminfo) in bytes."},
      {"openclaw_host_memory_available_bytes", MetricType::Gauge,
       "Host memory available for new work (MemAvailable from /proc/meminfo) in bytes."},
      {"openclaw_exporter_build_info", MetricType::Gauge,
       "A metric with a constant 1 labelled by the exporter's version and git revision."},
      {"openclaw_exporter_source_success", MetricType::Gauge,
       "1 when the source's last sample for this gateway succeeded, else 0."},
      {"openclaw_exporter_source_duration_seconds", MetricType::Gauge,
       "How long the source's last sample for this gateway took in seconds."},
      {"openclaw_exporter_socket_method", MetricType::Gauge,
       "1 for the method that counted the gateway's sockets in the last scrape (pidfd_getfd or sock_diag)."},
      {"openclaw_exporter_scrapes_total", MetricType::Counter, "Scrapes this exporter has served."},
      {"openclaw_gateway_log_events_total", MetricType::Counter,
       "Diagnostics the gateway wrote to its log since the exporter started, by event (memory_pressure, "
       "stuck_session, liveness_warning, drain_started, ...); level and reason for memory_pressure, else empty."},
      {"openclaw_gateway_reported_heap_used_bytes", MetricType::Gauge,
       "V8 heap used in bytes as the gateway's last memory-pressure log line reported it (heapUsedBytes)."},
      {"openclaw_gateway_reported_rss_bytes", MetricType::Gauge,
       "RSS of the gateway process in bytes as its last memory-pressure log line reported it (rssBytes)."},
      {"openclaw_gateway_reported_heap_threshold_bytes", MetricType::Gauge,
       "Heap threshold in bytes of the gateway's last heap_threshold memory-pressure log line (thresholdBytes)."},
      {"openclaw_gateway_log_file_present", MetricType::Gauge,
       "1 while the exporter follows a log file of the gateway; 0 while none exists yet (a fresh install: the gateway "
       "creates its log directory when it first writes), which is not a failure."},
      {"openclaw_gateway_log_lines_total", MetricType::Counter,
       "Lines of the gateway's log read since the exporter started."},
      {"openclaw_gateway_log_unparsable_lines_total", MetricType::Counter,
       "Lines of the gateway's log that were not a JSON object or longer than 1 MiB (ignored)."},
  };
  return catalog;
}

}  // namespace openclaw::exporter
