#!/usr/bin/env bash
# tests/fleet/fleet_host.sh NAME ADDRESS DIR BUILD_DIR
#
# One gateway host of the fleet test (tests/fleet/fleet_test.sh starts three), run inside the host's own network
# namespace by tests/lib/with-user-manager.sh (so next to a systemd user manager of its own):
#   - the fixture gateway as openclaw-gateway.service, on the host's own loopback (127.0.0.1:18789, the real gateway's
#     default port: nothing else can hold it in a namespace of our own);
#   - the exporter on ADDRESS:9789 and the restart hook on ADDRESS:9788 (the host's address on the test's bridge,
#     where the central Prometheus and Alertmanagers reach them), the hook with `--host NAME` and DIR/hook.yml (the
#     generator's openclaw-restart-hook.NAME.yml, paths adapted by fleet_test.sh, which writes it while this host
#     starts: the hook starts once it exists).
# Writes DIR/xdg_runtime_dir (where `systemctl --user` finds this host's manager) and DIR/ready once all three
# answer, then waits for SIGTERM; on it, stops the hook, the exporter and the gateway unit (with-user-manager.sh
# then stops the manager and removes its cgroups and scratch dir). Logs: DIR/logs/.
set -uo pipefail

name=$1 address=$2 dir=$3 build=$4
unit=openclaw-gateway.service
gateway_port=18789
pids=()

say() { printf '[%s %s] %s\n' "$name" "$(date +%H:%M:%S)" "$*"; }

stop_all() {
  trap - TERM INT HUP EXIT
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  systemctl --user stop -- "$unit" >/dev/null 2>&1
}
trap 'stop_all; exit 0' TERM INT HUP
trap stop_all EXIT

wait_http() {  # URL SECONDS [curl args...]
  local url=$1 deadline=$((SECONDS + $2))
  shift 2
  until curl -fsS -o /dev/null --max-time 1 --noproxy '*' "$@" "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || { say "no answer from $url within the time"; return 1; }
    sleep 0.2
  done
}

mkdir -p "$HOME/.config/systemd/user" "$dir/logs" "$dir/state" "$dir/gateway-log"

# The gateway, shaped like the unit openclaw installs (tests/deploy/deploy_test.sh has it verbatim); test speed:
# RestartSec=1 and TimeoutStopSec=10 instead of 5 and 330, and a start burst the restart loop cannot exhaust.
cat >"$HOME/.config/systemd/user/$unit" <<UNIT
[Unit]
Description=OpenClaw Gateway (fleet test host $name: the fixture gateway)
StartLimitBurst=100
StartLimitIntervalSec=300

[Service]
ExecStart=$build/tests/fixture_gateway/openclaw-fixture-gateway --port $gateway_port
Restart=always
RestartSec=1
RestartPreventExitStatus=78
TimeoutStopSec=10
TimeoutStartSec=30
SuccessExitStatus=0 143
OOMPolicy=continue
KillMode=mixed
Environment=OPENCLAW_SYSTEMD_UNIT=$unit OPENCLAW_GATEWAY_PORT=$gateway_port
StandardOutput=append:$dir/logs/gateway.log
StandardError=inherit

[Install]
WantedBy=default.target
UNIT
systemctl --user daemon-reload && systemctl --user start -- "$unit" || { say "the gateway unit does not start"; exit 1; }

"$build/exporter/openclaw-gateway-exporter" --web.listen-address="$address:9789" --gateway.unit="$unit" \
  --gateway.url="http://127.0.0.1:$gateway_port" --probe.interval=1s --probe.timeout=2s \
  --gateway.log-dir="$dir/gateway-log" >>"$dir/logs/exporter.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 60))
until [[ -s $dir/hook.yml ]]; do
  ((SECONDS < deadline)) || { say "no $dir/hook.yml within 60 s"; exit 1; }
  sleep 0.2
done
"$build/restart-hook/openclaw-restart-hook" --config.file="$dir/hook.yml" --web.listen-address="$address:9788" \
  --host "$name" >>"$dir/logs/hook.log" 2>&1 &
pids+=($!)

wait_http "http://127.0.0.1:$gateway_port/readyz" 30 || exit 1
wait_http "http://$address:9789/metrics" 30 || exit 1
wait_http "http://$address:9788/healthz" 30 || exit 1
echo "$XDG_RUNTIME_DIR" >"$dir/xdg_runtime_dir"
touch "$dir/ready"
say "ready: gateway 127.0.0.1:$gateway_port, exporter $address:9789, hook $address:9788 (--host $name)"

sleep infinity &
idle=$!
pids+=("$idle")
while kill -0 "$idle" 2>/dev/null; do wait "$idle"; done   # until SIGTERM (the trap exits)
