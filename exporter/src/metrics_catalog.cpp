// The exporter's metric names are the interface that alerts/ and dashboards/ use: change them only with those.
// This list is the single source: MetricSet refuses a name not in it, and the tables of docs/metrics.md (between
// its "generated" markers, by section) and tests/alerts/known_metrics.txt are generated from it. After a change:
//   cmake --build --preset ci --target metrics_reference
//   build/ci/tools/metrics_reference/metrics_reference --write .
// (ctest metrics.generated_files_up_to_date fails until the committed files match.)
// Each entry: name, type, HELP, section of docs/metrics.md, labels as documented, the reference's meaning (Markdown).
#include "metric_set.hpp"

namespace openclaw::exporter {

using prometheus::MetricType;

const std::vector<MetricDescriptor>& metrics_catalog() {
  static const std::vector<MetricDescriptor> catalog = {
      {"openclaw_gateway_up", MetricType::Gauge,
       "1 when the gateway's main process runs, 0 when its pid file, the cmdline search or its unit says it does not; "
       "absent when the exporter cannot tell (see openclaw_exporter_source_success{source=\"discovery\"}).",
       "process", "gateway",
       "1 when the gateway's main process runs (found and not a zombie); 0 only when the authority says it does "
       "not run: no pid file, or one naming a dead process or a process started after the file was written (a "
       "reused PID); no process matching the regex; the unit inactive, failed, activating or deactivating with "
       "no main process. **Absent** when the exporter cannot tell — the systemd source failed (bus unreachable, "
       "timeout, `XDG_RUNTIME_DIR` unset), the unit is not loaded (`LoadState=not-found`: a misspelled unit "
       "name, logged with the name), the pid file is unreadable or malformed, an active unit has no main "
       "process: then `openclaw_exporter_source_success{source=\"discovery\"}` is 0 and `OpenClawExporterBlind` "
       "alerts a human; no restart alert can fire on a guess. When `up` is not 1, every other process series of "
       "that gateway is absent (never stale)."},
      {"openclaw_gateway_pid", MetricType::Gauge,
       "PID of the gateway's current main process.",
       "process", "gateway",
       "PID of the current main process."},
      {"openclaw_gateway_process_start_time_seconds", MetricType::Gauge,
       "Start time of the gateway's current main process since the unix epoch in seconds.",
       "process", "gateway",
       "Start time of the current main process, unix seconds (`btime` + `starttime`/`CLK_TCK`). `time() - …` is "
       "the process uptime the 8 h rule uses; it does not reset on an in-process (SIGUSR2) restart."},
      {"openclaw_gateway_resident_memory_bytes", MetricType::Gauge,
       "Resident memory of the gateway's main process plus all its descendants in bytes.",
       "process", "gateway",
       "RSS of the main process plus all its descendants (the real gateway runs a SQLite worker and a spawn "
       "broker)."},
      {"openclaw_gateway_memory_limit_bytes", MetricType::Gauge,
       "Memory the gateway may use in bytes: its cgroup or unit MemoryMax limit where set, else host MemTotal.",
       "process", "gateway",
       "What \"80 % of memory\" is measured against: the tighter of the main process's cgroup limit (cgroup v2 "
       "`memory.max`, v1 `memory.limit_in_bytes`, walking up to the root) and the unit's `MemoryMax=`; without "
       "either, host `MemTotal`. A limit above `MemTotal` counts as no limit."},
      {"openclaw_gateway_proportional_memory_bytes", MetricType::Gauge,
       "Proportional set size (Pss from /proc/PID/smaps_rollup) of the gateway's main process plus all its "
       "descendants in bytes: each shared page counted once across the tree, unlike summed RSS.",
       "memory", "gateway",
       "Pss of the main process plus every descendant, summed from the `Pss:` line of `/proc/PID/smaps_rollup`. "
       "Pss splits each resident page among the processes that map it, so the tree's Pss counts a page shared by "
       "its processes (the node binary, copy-on-write pages after a fork) once, where "
       "`openclaw_gateway_resident_memory_bytes` counts it once per process and overstates. Swapped-out pages "
       "are in neither. A descendant that exited between the tree walk and the read (no file, or an empty one: a "
       "zombie) is skipped; a main process or descendant whose file cannot be read (EACCES: reading it needs the "
       "rights to ptrace-read the process, i.e. the same user or `CAP_SYS_PTRACE`) fails the source."},
      {"openclaw_gateway_cgroup_memory_bytes", MetricType::Gauge,
       "Working set of the gateway's own cgroup in bytes: the memory the kernel charges to it (v2 memory.current, v1 "
       "memory.usage_in_bytes) less inactive file cache (memory.stat inactive_file, v1 total_inactive_file), which "
       "the kernel reclaims before a limit or its OOM killer acts.",
       "memory", "gateway",
       "The working set of the main process's own cgroup (the unit's, under systemd): the memory the kernel "
       "charges to it less its inactive file cache. cgroup v2: `memory.current` − `inactive_file` of "
       "`memory.stat`; cgroup v1: `memory.usage_in_bytes` − `total_inactive_file` (both hierarchical, i.e. the "
       "unit's processes together). Why less inactive file: the kernel compares the whole charge with the limit, "
       "but on reaching it first reclaims inactive file pages (cache of files the gateway read or wrote, e.g. "
       "its log); only what is left pushes the cgroup into its OOM killer. This is cAdvisor's and the kubelet's "
       "\"working set\". It is therefore a little below systemd's `MemoryCurrent` (the whole charge): 3-4 % on the "
       "real gateway (docs/real-gateway.md). Absent when the process is in no memory-accounted cgroup (the root "
       "cgroup, no memory controller). The limit to compare it with is `openclaw_gateway_memory_limit_bytes` "
       "(which also takes limits set on parent cgroups, and then covers their other processes too)."},
      {"openclaw_gateway_heap_limit_bytes", MetricType::Gauge,
       "The gateway's --max-old-space-size in bytes (from the unit's ExecStart, its command line or NODE_OPTIONS): "
       "V8's old-space limit, not its whole heap limit (V8 adds the young generation). Absent when not set or not "
       "knowable (a process title overwrote argv and no unit says how it was started).",
       "memory", "gateway",
       "The value of `--max-old-space-size` (MiB × 2^20; also spelled `--max_old_space_size`, `=N` or `N` as the "
       "next argument) the main process was started with: from its command line before the script, else from "
       "`NODE_OPTIONS` in `/proc/PID/environ` (Node applies NODE_OPTIONS first; the command line overrides it). "
       "This is V8's **old-space** limit as configured, not V8's whole heap limit: V8 adds the young generation "
       "(measured with openclaw 2026.9.6 on Node 24: `=160` gave a 352 MiB limit, ~192 MiB more; "
       "`--max-semi-space-size` changes that part), and the gateway's own memory-pressure thresholds (heap "
       "warning 50 %, critical 75 %) are fractions of that whole limit, so a rule that divides by this series "
       "divides by a number somewhat smaller than V8's. Absent when neither sets the flag (V8's default depends "
       "on host memory and is not guessed), and when the command line cannot be known: a process that set a "
       "title (**the gateway does**: `/proc/PID/cmdline` reads `openclaw-gateway` padded with NULs) has "
       "overwritten its argv, so a flag there is gone and a flag in `NODE_OPTIONS` may have been overridden by "
       "it. For the unit's main process the exporter therefore reads the command line systemd started it with, "
       "the unit's first `ExecStart=` over sd-bus: with the unit openclaw installs (`ExecStart=<node> "
       "--max-old-space-size=N …`, `NODE_OPTIONS=` empty) the series is N MiB (checked on the real gateway, "
       "`tests/real_gateway`). Found through a pid file or the cmdline regex, such a titled process has no known "
       "command line and the series is absent. Without the flag on a readable command line, an environ that "
       "cannot be read (EACCES) fails the source. `--max-old-space-size-percentage` and `--max-heap-size` are "
       "not read."},
      {"openclaw_gateway_child_processes", MetricType::Gauge,
       "Descendant processes of the gateway by kind (spawn-broker, service-child-relay, memory-search, "
       "local-embeddings, codex, other), classified from argv.",
       "memory", "gateway, kind",
       "Descendant processes of the main process by `kind`, classified from each one's own argv as openclaw "
       "2026.9.6 starts them: `spawn-broker` (node script `…/dist/process/spawn-broker/worker.js`), "
       "`service-child-relay` (`…/dist/process/supervisor/service-child-relay.js`), `memory-search` "
       "(`…/dist/extensions/memory-core/memory-search-knn.child.js`), `local-embeddings` (a program named "
       "`llama-server`), `codex` (`…/@openai/codex/bin/codex.js app-server`, or the native `codex app-server`), "
       "`other` (everything else: the SQLite read-only worker `…/dist/infra/sqlite-readonly-location.worker.js`, "
       "commands the gateway or its children run, grandchildren of the above). For node children the script is "
       "the first argument after argv[0] that is not an option. Every kind is always present (0 when none runs)."},
      {"openclaw_gateway_child_proportional_memory_bytes", MetricType::Gauge,
       "Proportional set size (Pss) of the gateway's descendant processes by kind in bytes.",
       "memory", "gateway, kind",
       "Pss of those processes by kind; the main process's Pss is `openclaw_gateway_proportional_memory_bytes` "
       "minus the sum over kinds."},
      {"openclaw_gateway_open_fds", MetricType::Gauge,
       "Open file descriptors of the gateway's main process.",
       "process", "gateway",
       "Open file descriptors of the main process."},
      {"openclaw_gateway_max_fds", MetricType::Gauge,
       "Soft RLIMIT_NOFILE of the gateway's main process (+Inf when unlimited).",
       "process", "gateway",
       "Soft `RLIMIT_NOFILE` of the main process (`+Inf` when unlimited)."},
      {"openclaw_gateway_threads", MetricType::Gauge,
       "Threads of the gateway's main process.",
       "process", "gateway",
       "Threads of the main process."},
      {"openclaw_gateway_descendant_processes", MetricType::Gauge,
       "Processes descended from the gateway's main process (its workers).",
       "process", "gateway",
       "Processes descended from the main process."},
      {"openclaw_gateway_cpu_seconds_total", MetricType::Counter,
       "User and system CPU time of the gateway's main process plus its descendants in seconds.",
       "process", "gateway",
       "User + system CPU of the main process and its descendants."},
      {"openclaw_gateway_connections", MetricType::Gauge,
       "TCP sockets (IPv4 and IPv6) held open by the gateway's main process, by state.",
       "sockets", "gateway, state",
       "TCP sockets (IPv4 and IPv6) held open by the main process, by state: `established`, `syn_sent`, "
       "`syn_recv`, `fin_wait1`, `fin_wait2`, `time_wait`, `close`, `close_wait`, `last_ack`, `listen`, "
       "`closing`. Every state is always present (0 when none). `time_wait` is always 0: a socket in TIME_WAIT "
       "belongs to no process."},
      {"openclaw_gateway_probe_success", MetricType::Gauge,
       "1 when the last completed health probe succeeded (http: GET /readyz 2xx; websocket: upgrade 101).",
       "probe", "gateway, probe",
       "The last completed probe succeeded: `probe=\"http\"` is `GET <url>/readyz` answering 2xx; "
       "`probe=\"websocket\"` is a WebSocket opening handshake on `<url>/` answering 101 with the right "
       "`Sec-WebSocket-Accept`."},
      {"openclaw_gateway_probe_duration_seconds", MetricType::Gauge,
       "Duration of the last completed health probe in seconds (the timeout when it timed out).",
       "probe", "gateway, probe",
       "Duration of that probe; a timed-out probe reports the timeout (`--probe.timeout`)."},
      {"openclaw_gateway_probe_http_status_code", MetricType::Gauge,
       "HTTP status code of the last completed probe (0 when no response arrived).",
       "probe", "gateway, probe",
       "Status code of that probe (0 when no response arrived)."},
      {"openclaw_gateway_probe_timestamp_seconds", MetricType::Gauge,
       "When the last probe of this kind completed since the unix epoch in seconds.",
       "probe", "gateway, probe",
       "When that probe completed, unix seconds (how fresh the probe series are)."},
      {"openclaw_gateway_ready", MetricType::Gauge,
       "The gateway's own readiness from the /readyz body (1 ready).",
       "probe", "gateway",
       "`ready` from the `/readyz` body (also present on a 503)."},
      {"openclaw_gateway_event_loop_degraded", MetricType::Gauge,
       "1 when the gateway's /readyz body reports its event loop degraded.",
       "probe", "gateway",
       "`eventLoop.degraded` from the `/readyz` body."},
      {"openclaw_gateway_event_loop_delay_p99_seconds", MetricType::Gauge,
       "p99 event-loop delay the gateway reports in /readyz, in seconds.",
       "probe", "gateway",
       "`eventLoop.delayP99Ms` / 1000."},
      {"openclaw_gateway_event_loop_utilization", MetricType::Gauge,
       "Event-loop utilization (0-1) the gateway reports in /readyz.",
       "probe", "gateway",
       "`eventLoop.utilization` (0-1)."},
      {"openclaw_gateway_draining", MetricType::Gauge,
       "1 when /readyz names gateway-draining among its failing checks: the gateway finishes active work before it "
       "stops (a restart or stop is under way), 0 otherwise.",
       "probe", "gateway",
       "1 when `failing` holds `gateway-draining`: after SIGTERM (any `systemctl restart` or `stop`) the gateway "
       "closes admission and finishes its active work for up to its drain budget (315 s under the unit's "
       "`TimeoutStopSec=330`) with `/readyz` answering 503. Busy, not down: `OpenClawGatewayDown` does not fire "
       "on the probe while it is 1."},
      {"openclaw_gateway_readyz_failing", MetricType::Gauge,
       "1 for each check /readyz names as failing (gateway-draining, startup-sidecars, plugin-reload, state-database, "
       "internal; channel ids and anything else as other), 0 for the others.",
       "probe", "gateway, check",
       "1 for each check the `/readyz` body lists in `failing`, 0 for the others: `gateway-draining`, "
       "`startup-sidecars`, `plugin-reload`, `state-database`, `internal` (the names openclaw 2026.9.6 uses), "
       "`other` (a channel id or a newer name)."},
      {"openclaw_gateway_uptime_seconds", MetricType::Gauge,
       "The gateway's own uptime from /readyz uptimeMs in seconds (resets on an in-process restart).",
       "probe", "gateway",
       "The gateway's own `uptimeMs` / 1000; resets on an in-process restart."},
      {"openclaw_gateway_unit_active", MetricType::Gauge,
       "1 when the gateway's systemd unit ActiveState is active.",
       "systemd", "gateway, unit",
       "1 when the unit's `ActiveState` is `active`."},
      {"openclaw_gateway_unit_state", MetricType::Gauge,
       "The gateway's systemd unit ActiveState: 1 for the current state, 0 for the others.",
       "systemd", "gateway, unit, state",
       "1 for the current `ActiveState` (`active`, `reloading`, `inactive`, `failed`, `activating`, "
       "`deactivating`), 0 for the others."},
      {"openclaw_gateway_unit_sub_state", MetricType::Gauge,
       "The gateway's systemd unit SubState (running, stop-sigterm, auto-restart, dead, ...; 'other' when unknown), "
       "value 1.",
       "systemd", "gateway, unit, sub_state",
       "Value 1, labelled with the service's `SubState`: `running`, `stop-sigterm` (draining after SIGTERM), "
       "`auto-restart` (waiting `RestartSec` after a crash or exit), `dead`, `failed`, … (systemd 252's service "
       "sub-states; `other` for anything newer). One series at a time."},
      {"openclaw_gateway_unit_result", MetricType::Gauge,
       "The gateway's systemd unit Result (success, exit-code, signal, core-dump, timeout, oom-kill, ...): 1 for the "
       "current one, 0 for the others.",
       "systemd", "gateway, unit, result",
       "1 for the unit's current `Result`, 0 for the others: `success`, `protocol`, `timeout`, `exit-code`, "
       "`signal`, `core-dump`, `watchdog`, `start-limit-hit`, `resources`, `oom-kill`, `other`. It keeps the "
       "outcome of the last run only until the next process starts: systemd then resets `Result`, `ExecMainCode` "
       "and `ExecMainStatus` (seen with systemd 252: `success`, 0, 0 right after an automatic restart), so a "
       "scrape sees a crash only if it falls between the end and the restart (`RestartSec`). Ends are counted, "
       "whenever they happen, by `openclaw_gateway_unit_exits_total`."},
      {"openclaw_gateway_unit_exec_main_code", MetricType::Gauge,
       "How the unit's last main process ended (systemd ExecMainCode): 1 exited, 2 killed, 3 dumped core, 0 running "
       "or never started.",
       "systemd", "gateway, unit",
       "How the last main process ended (`ExecMainCode`, a `si_code`): 1 exited, 2 killed by a signal, 3 dumped "
       "core; 0 while a process runs (systemd resets it when the next one starts)."},
      {"openclaw_gateway_unit_exec_main_status", MetricType::Gauge,
       "Exit status of the unit's last main process, or its signal number when killed (systemd ExecMainStatus); 78 "
       "is openclaw's 'invalid config or duplicate instance: do not restart'.",
       "systemd", "gateway, unit",
       "`ExecMainStatus`: the exit status of the last main process (code 1), or its signal number (codes 2, 3). "
       "**78** is openclaw's \"invalid config, newer state schema or duplicate healthy instance\": the unit has "
       "`RestartPreventExitStatus=78` and stays failed; only `openclaw doctor --fix` or a person helps, never a "
       "restart. 0 and 143 (SIGTERM) are clean exits (`SuccessExitStatus=0 143`)."},
      {"openclaw_gateway_unit_stopped_deliberately", MetricType::Gauge,
       "1 when the unit is inactive with result success: the last stop was a stop job, not a crash.",
       "systemd", "gateway, unit",
       "1 when the unit is `inactive` with result `success`: the last stop was a stop job (an operator's "
       "`systemctl stop`). Under `Restart=always` a crash or exit ends `failed` or `activating` (auto-restart), "
       "never here."},
      {"openclaw_gateway_unit_exits_total", MetricType::Counter,
       "Ends of the unit's main process since the exporter started, by systemd's Result, how it ended (code: "
       "exited, killed, dumped) and its exit status or signal number.",
       "systemd", "gateway, unit, result, code, status",
       "Ends of the unit's main process counted since the exporter started, by `result` (the unit's `Result` "
       "then: `success`, `exit-code`, `signal`, `core-dump`, `timeout`, `oom-kill`, …; `other` for anything newer), "
       "`code` (`exited`, `killed`, `dumped`) and `status` (the exit status, or the signal number when killed or "
       "dumped: `9`, `11`, …). Why a counter: systemd forgets `Result`, `ExecMainCode` and `ExecMainStatus` when "
       "the next process starts, so with `RestartSec=5` and a 15 s scrape most crashes never show in "
       "`openclaw_gateway_unit_result`. The exporter keeps its own connection to the user manager, subscribes, and "
       "counts each exit from the unit's `PropertiesChanged` signal as it happens (checked: a crash and its restart "
       "between two scrapes); scrapes count what they see too, so an exit is also counted while that connection is "
       "down if a scrape falls between the exit and the restart. Each exit counts once (its PID and exit time). "
       "A series appears with its first exit (at 1); `OpenClawGatewayCrashed` uses it. A clean exit (status 0, "
       "or SIGTERM under `SuccessExitStatus=143`) has `result=\"success\"`."},
      {"openclaw_gateway_unit_restarts_total", MetricType::Counter,
       "Automatic restarts systemd made of the gateway's unit (NRestarts).",
       "systemd", "gateway, unit",
       "systemd's `NRestarts` for the unit: automatic restarts by `Restart=`. Resets when the user manager "
       "restarts."},
      {"openclaw_gateway_process_restarts_total", MetricType::Counter,
       "Changes of the gateway's main PID this exporter has observed.",
       "process", "gateway",
       "Changes of the main process this exporter has observed (starts at 0 with the exporter). A process is its "
       "(PID, start time): a reused PID is a new process, a scrape that could not tell changes nothing."},
      {"openclaw_host_memory_total_bytes", MetricType::Gauge,
       "Host memory (MemTotal from /proc/meminfo) in bytes.",
       "host", "",
       "`MemTotal` from `/proc/meminfo`."},
      {"openclaw_host_memory_available_bytes", MetricType::Gauge,
       "Host memory available for new work (MemAvailable from /proc/meminfo) in bytes.",
       "host", "",
       "`MemAvailable` from `/proc/meminfo`. The research's host-wide \"memory > 80 %\" is `1 - available/total`."},
      {"openclaw_exporter_build_info", MetricType::Gauge,
       "A metric with a constant 1 labelled by the exporter's version and git revision.",
       "exporter", "version, revision",
       "Constant 1."},
      {"openclaw_exporter_source_success", MetricType::Gauge,
       "1 when the source's last sample for this gateway succeeded, else 0.",
       "exporter", "gateway, source",
       "1 when the source's last sample succeeded. A failing source sets 0, logs one warn line per new reason, "
       "and never fails the scrape; so does a source that did not finish before the scrape's deadline "
       "(`--scrape.timeout`, `X-Prometheus-Scrape-Timeout-Seconds`). The sources that may block (`systemd`, "
       "`discovery`, `process`, `memory`, `sockets`) run in that order on one thread per gateway: when one overruns, "
       "those after it are reported 0 too for that scrape (not run), and while it stays stuck later scrapes report "
       "all of them 0 at once instead of waiting; `probe` and `log` only read what the exporter holds and always "
       "run. The host source has `gateway=\"\"`."},
      {"openclaw_exporter_source_duration_seconds", MetricType::Gauge,
       "How long the source's last sample for this gateway took in seconds.",
       "exporter", "gateway, source",
       "How long the source took in the last scrape (for one that overran the deadline: how long the scrape "
       "waited for it)."},
      {"openclaw_exporter_socket_method", MetricType::Gauge,
       "1 for the method that counted the gateway's sockets in the last scrape (pidfd_getfd or sock_diag).",
       "sockets", "gateway, method",
       "1 for the method that counted the sockets: `pidfd_getfd` (reads each fd's type from `/proc/PID/fd/N`, "
       "then duplicates each of the gateway's socket fds and asks `TCP_INFO`: cost follows the gateway's own "
       "fds; needs ptrace rights over the gateway) or `sock_diag` (the fallback, or the choice of "
       "`--collector.sockets.method=sock_diag`: one netlink dump of the host's TCP sockets matched against the "
       "gateway's socket inodes)."},
      {"openclaw_exporter_scrapes_total", MetricType::Counter,
       "Scrapes this exporter has served.",
       "exporter", "",
       "Scrapes served."},
      {"openclaw_gateway_log_events_total", MetricType::Counter,
       "Diagnostics the gateway wrote to its log since the exporter started, by event (memory_pressure, "
       "stuck_session, liveness_warning, drain_started, ...); level and reason for memory_pressure, else empty.",
       "log", "gateway, event, level, reason",
       "Recognised diagnostics since the exporter started. `event`: `memory_pressure`, `stuck_session`, "
       "`stalled_session`, `long_running_session`, `liveness_warning`, `liveness_heartbeat_delayed`, "
       "`drain_started`, `drain_budget_exhausted`, `drain_forced`, `startup_failed`, `duplicate_instance`, "
       "`config_invalid`, `crash_loop_breaker` (table below). `level` (`warning`, `critical`) and `reason` "
       "(`rss_threshold`, `heap_threshold`, `rss_growth`) are set for `memory_pressure` only, else `\"\"`; a value "
       "a later gateway adds becomes `other`. Every series starts at 0, so `increase()` sees the first event."},
      {"openclaw_gateway_reported_heap_used_bytes", MetricType::Gauge,
       "V8 heap used in bytes as the gateway's last memory-pressure log line reported it (heapUsedBytes).",
       "log", "gateway",
       "`heapUsedBytes` of the last memory-pressure line (V8 heap used, the gateway's own figure). Absent until "
       "one arrives; it is the last report, not a live reading (the gateway logs one at most every 5 min per "
       "level and reason)."},
      {"openclaw_gateway_reported_rss_bytes", MetricType::Gauge,
       "RSS of the gateway process in bytes as its last memory-pressure log line reported it (rssBytes).",
       "log", "gateway",
       "`rssBytes` of the last memory-pressure line (the gateway process's RSS as Node reports it, children "
       "excluded). Absent until one arrives."},
      {"openclaw_gateway_reported_heap_threshold_bytes", MetricType::Gauge,
       "Heap threshold in bytes of the gateway's last heap_threshold memory-pressure log line (thresholdBytes).",
       "log", "gateway",
       "`thresholdBytes` of the last `reason=heap_threshold` line: the threshold of the level it reported "
       "(`warning`: 50 %, `critical`: 75 % of the V8 heap limit). Absent until one arrives."},
      {"openclaw_gateway_log_file_present", MetricType::Gauge,
       "1 while the exporter follows a log file of the gateway; 0 while none exists yet (a fresh install: the gateway "
       "creates its log directory when it first writes), which is not a failure.",
       "log", "gateway",
       "1 while the exporter follows a log file of the gateway (today's, or one rotated away that it still reads "
       "to its end); 0 while there is none yet: the gateway has not written today, or never has (a fresh "
       "install: the gateway creates its log directory, e.g. `/tmp/openclaw`, when it first writes). A missing "
       "file or directory is waiting, not a failure (`openclaw_exporter_source_success{source=\"log\"}` stays 1); "
       "a directory or file that cannot be read (EACCES, not a directory) is a failure."},
      {"openclaw_gateway_log_lines_total", MetricType::Counter,
       "Lines of the gateway's log read since the exporter started.",
       "log", "gateway",
       "Lines read from the log since the exporter started."},
      {"openclaw_gateway_log_unparsable_lines_total", MetricType::Counter,
       "Lines of the gateway's log that were not a JSON object or longer than 1 MiB (ignored).",
       "log", "gateway",
       "Lines that were not a JSON object (partial, corrupt) or longer than 1 MiB; ignored."},
  };
  return catalog;
}

}  // namespace openclaw::exporter
