#!/usr/bin/env bash
# ctest real_gateway.demo: `scripts/demo.sh --gateway=real --until-restart` on an existing build tree and the fetched
# real gateway (the fixture real_gateway.fetch; $OPENCLAW_REAL_GATEWAY_CACHE like the other real-gateway tests).
# The real gateway, its V8 heap too small, logs `memory pressure: level=critical`; the test checks that the exporter
# counted that line, that OpenClawGatewayMemoryHigh made the hook restart the unit and verify it (audit record: success,
# a new MainPID), that the person got the message about the restart, and that nothing is left running.
#   demo_real_smoke_test.sh SCRIPTS/demo.sh BUILD_DIR [MAX_SECONDS]
set -uo pipefail
demo=$1 build=$2 max_seconds=${3:-300}
out=$(mktemp /tmp/openclaw-demo-real-smoke.XXXXXX)
trap 'rm -f "$out"' EXIT
start=$SECONDS
"$demo" --gateway=real --no-install --build-dir "$build" --until-restart --duration "$max_seconds" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
echo "demo_real_smoke_test: scripts/demo.sh --gateway=real ran $((SECONDS - start)) s"
fail=0
check() {  # PATTERN WHAT
  if ! grep -Eq -e "$1" "$out"; then echo "demo_real_smoke_test: missing $2 (pattern: $1)" >&2; fail=1; fi
}
check 'gateway \(real\) .* openclaw@2026\.9\.6, --max-old-space-size=240' "the real gateway in the banner"
# The timeline (scripts/demo/timeline.py) prints a phase with its time only when its component recorded it.
check '^ +[0-9.]+ s  ready +/readyz 200' "the real gateway's first /readyz 200"
check '^ +[0-9.]+ s  pressure line +the gateway: memory pressure: level=critical' "the gateway's own pressure line"
check '^ +[0-9.]+ s  counted +openclaw_gateway_log_events_total' "the exporter counting the pressure line"
check 'pressure lines [1-9][0-9]* \(critical [1-9]' "the pressure counter in the status line"
check '^ +[0-9.]+ s  alert +OpenClawGatewayMemoryHigh firing' "OpenClawGatewayMemoryHigh firing"
check 'hook: OpenClawGatewayMemoryHigh firing -> restart now \(systemctl --user restart\)' "the hook's restart decision"
check '"event": "restart"' "the audit record of the restart"
check '"result": "success"' "a successful restart in the audit record"
check '"main_pid_changed": true' "a new MainPID in the audit record"
check '^ +[0-9.]+ s  ready again +/readyz 200' "the real gateway ready again"
check 'message to the person: \[FIRING:1\] OpenClawGatewayRestarted gateway default' "the person's message about the restart"
check 'What: The restart hook restarted OpenClaw gateway default: downtime' "the downtime in the person's message"
check '--until-restart: the hook verified a restart' "the stop after the first verified restart"
check 'nothing left running' "the final check that nothing is left running"
if grep -q 'not seen' "$out"; then
  echo "demo_real_smoke_test: a phase of the timeline was not seen:" >&2
  grep 'not seen' "$out" >&2
  fail=1
fi
((status == 0)) || { echo "demo_real_smoke_test: scripts/demo.sh exited $status" >&2; fail=1; }
exit "$fail"
