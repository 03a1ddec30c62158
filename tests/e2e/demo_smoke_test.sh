#!/usr/bin/env bash
# ctest e2e.demo: runs scripts/demo.sh non-interactively on an existing build tree until the hook has verified its
# first restart (--until-restart; --duration is only the upper bound), and checks that it showed the restart decision
# and its audit record, and stopped everything it started.
#   demo_smoke_test.sh SCRIPTS/demo.sh BUILD_DIR [MAX_SECONDS] [LEAK_MIB_PER_SEC]
# The leak is faster than the demo's default (3 MiB/s) so MemoryHigh (80 % of the 256M unit) is crossed in ~20 s:
# the loop, not the leak rate, is what this smoke test proves.
set -uo pipefail
demo=$1 build=$2 max_seconds=${3:-180} leak=${4:-10}
out=$(mktemp /tmp/openclaw-demo-smoke.XXXXXX)
trap 'rm -f "$out"' EXIT
"$demo" --no-install --build-dir "$build" --until-restart --duration "$max_seconds" --leak-mib-per-sec "$leak" 2>&1 |
  tee "$out"
status=${PIPESTATUS[0]}
fail=0
check() {  # PATTERN WHAT
  if ! grep -Eq -e "$1" "$out"; then echo "demo_smoke_test: missing $2 (pattern: $1)" >&2; fail=1; fi
}
check 'firing -> restart now \(systemctl --user restart\)' "the hook's restart decision"
check '"event": "restart"' "the audit record of the restart"
check '"result": "success"' "a successful restart in the audit record"
check '"main_pid_changed": true' "a new MainPID in the audit record"
check 'message to the person: \[FIRING:1\] OpenClawGatewayRestarted gateway default' "the person's message about the restart"
check 'What: The restart hook restarted OpenClaw gateway default: downtime' "the downtime in the person's message"
check '--until-restart: the hook verified a restart' "the stop after the first verified restart"
check 'nothing left running' "the final check that nothing is left running"
((status == 0)) || { echo "demo_smoke_test: scripts/demo.sh exited $status" >&2; fail=1; }
exit "$fail"
