#!/usr/bin/env bash
# ctest e2e.demo: runs scripts/demo.sh non-interactively on an existing build tree and checks that it showed an
# automated restart with its audit record, and stopped everything it started.
#   demo_smoke_test.sh SCRIPTS/demo.sh BUILD_DIR [DURATION]
set -uo pipefail
demo=$1 build=$2 duration=${3:-150}
out=$(mktemp /tmp/openclaw-demo-smoke.XXXXXX)
trap 'rm -f "$out"' EXIT
"$demo" --no-install --build-dir "$build" --duration "$duration" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
fail=0
check() {  # PATTERN WHAT
  if ! grep -Eq "$1" "$out"; then echo "demo_smoke_test: missing $2 (pattern: $1)" >&2; fail=1; fi
}
check 'firing -> restart now \(systemctl --user restart\)' "the hook's restart decision"
check '"event": "restart"' "the audit record of the restart"
check '"result": "success"' "a successful restart in the audit record"
check '"main_pid_changed": true' "a new MainPID in the audit record"
check 'nothing left running' "the final check that nothing is left running"
((status == 0)) || { echo "demo_smoke_test: scripts/demo.sh exited $status" >&2; fail=1; }
exit "$fail"
