#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace openclaw::fixture {

struct FixtureOptions;

// How long the gateway may drain active work on SIGTERM, sized like openclaw 2026.9.6 does
// (dist/run-*.mjs resolveGatewayShutdownBudget, readSystemdStopTimeout):
//   shutdown = min(325 s, TimeoutStopSec - 5 s), drain = shutdown - 10 s (never below 0; TimeoutStopSec=0 or
//   infinity: shutdown = 325 s). TimeoutStopSec=330 (openclaw's unit) -> drain 315 s.
// Where TimeoutStopSec comes from:
//   1. --timeout-stop-sec (a fixture-only knob, so tests need not wait minutes; source "fixture --timeout-stop-sec");
//   2. the running unit, as the real gateway finds it: the leaf `*.service` of this process's cgroup (name=systemd
//      hierarchy, else the v2 one) — a *user* unit when the path contains `/user@<uid>.service/`, else a system unit —
//      or, with no service cgroup but a systemd environment (INVOCATION_ID, SYSTEMD_EXEC_PID, JOURNAL_STREAM or
//      OPENCLAW_SYSTEMD_UNIT), $OPENCLAW_SYSTEMD_UNIT in both managers; `systemctl [--user] show UNIT --property
//      TimeoutStopUSec,InvocationID,LoadState` (2 s timeout; LoadState must be loaded and InvocationID match
//      $INVOCATION_ID). When that fails: 90 s (drain 75 s) and a warning "Unable to read systemd stop timeout; …";
//   3. not under systemd: the gateway's own stop policy, 330 s (drain 315 s).
struct ShutdownBudget {
  std::chrono::milliseconds shutdown{0};
  std::chrono::milliseconds drain{0};
  std::chrono::milliseconds reserve{0};  // min(10 s, shutdown)
  std::string source;                    // e.g. "systemd user openclaw-gateway.service TimeoutStopUSec=330000ms"
  std::string warning;                   // non-empty when the unit's timeout could not be read

  // "shutdown budget at PHASE: drain=315000ms shutdown=325000ms reserve=10000ms exitMargin=5000ms; source=…"
  std::string log_line(std::string_view phase) const;
};

// The budget for a TimeoutStopSec of `timeout_stop_ms` (infinity allowed); `source` without the "=<ms>ms" suffix.
ShutdownBudget budget_for_timeout_stop(double timeout_stop_ms, const std::string& source);

// systemd's time span text ("5min 30s", "330s", "1min 30s", "infinity", "90") in ms; nullopt when unreadable.
std::optional<double> parse_systemd_time_span_ms(std::string_view text);

// The unit this process runs in, from /proc/self/cgroup's text; nullopt when the leaf is not a *.service.
struct CgroupUnit {
  std::string unit;
  bool user = false;  // the path contains /user@<uid>.service/
};
std::optional<CgroupUnit> unit_from_cgroup(std::string_view proc_self_cgroup);

// Resolves the budget as described above (runs systemctl when under systemd).
ShutdownBudget resolve_shutdown_budget(const FixtureOptions& options);

}  // namespace openclaw::fixture
