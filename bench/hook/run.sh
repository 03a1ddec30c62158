#!/usr/bin/env bash
# Side-by-side benchmark of authenticated duplicate webhooks (the storm case), in one run:
#   openclaw-restart-hook (action: command [/bin/true], so the one real restart is cheap)  vs
#   adnanh/webhook (Debian `webhook`) running /bin/true per call, guarded by the same bearer token rule.
# Usage: bench/hook/run.sh PATH/TO/openclaw-restart-hook [DURATION=10s] [CONNECTIONS=50]
# Needs: wrk, webhook (apt-get install -y wrk webhook), python3 (free ports). Builds nothing.
set -euo pipefail
hook_bin="$(realpath "${1:?usage: run.sh PATH/TO/openclaw-restart-hook [duration] [connections]}")"
duration="${2:-10s}"; connections="${3:-50}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
token=bench-token
printf '%s\n' "$token" >"$work/token"
sed -n '1p' "$here/../../tests/restart_hook/fixtures/am025-firing.json" >"$work/body.json"

hook_port=$(free_port)
cat >"$work/hook.yml" <<YML
auth: {bearer_token_file: $work/token}
state_dir: $work/state
gateways:
  - {name: default, health_url: "http://127.0.0.1:$hook_port/healthz", match: {gateway: default}}
rules:
  - {match: {alertname: OpenClawGatewayDown}, action: command, command: [/bin/true]}
YML
"$hook_bin" --config.file="$work/hook.yml" --web.listen-address="127.0.0.1:$hook_port" --log.level=warn \
  2>"$work/hook.log" & pids+=($!); hook_pid=$!

wh_port=$(free_port)
cat >"$work/hooks.json" <<JSON
[{"id": "alerts", "execute-command": "/bin/true",
  "trigger-rule": {"match": {"type": "value", "value": "Bearer $token",
                             "parameter": {"source": "header", "name": "Authorization"}}}}]
JSON
webhook -hooks "$work/hooks.json" -ip 127.0.0.1 -port "$wh_port" >"$work/webhook.log" 2>&1 & pids+=($!); wh_pid=$!
wait_port "$hook_port"; wait_port "$wh_port"

run() { # run NAME URL PID
  local before after out
  before=$(rss_kb "$3")
  out=$(WRK_BODY_FILE="$work/body.json" WRK_AUTH="Bearer $token" \
        wrk -t2 -c"$connections" -d"$duration" --latency -s "$here/post.lua" "$2")
  after=$(rss_kb "$3")
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  printf '%-24s %12s %10s %10s %12s %12s\n' "$1" "$rps" "$p99" "$non2xx" "${before} kB" "${after} kB"
}
echo "wrk -t2 -c$connections -d$duration, same authenticated duplicate webhook body ($(wc -c <"$work/body.json") bytes)"
printf '%-24s %12s %10s %10s %12s %12s\n' program "req/s" "p99" "non-2xx" "RSS before" "RSS after"
run openclaw-restart-hook "http://127.0.0.1:$hook_port/alerts" "$hook_pid"
run adnanh/webhook "http://127.0.0.1:$wh_port/hooks/alerts" "$wh_pid"
restarts=$(grep -c '"event":"restart"' "$work/state/audit.log" || true)
echo "openclaw-restart-hook ran its action $restarts time(s); webhook ran /bin/true once per request"
