#!/usr/bin/env bash
# scripts/demo.sh, the part that runs inside the private mount namespace next to a real `systemd --user`
# (started by tests/lib/with-user-manager.sh, which provides XDG_RUNTIME_DIR and HOME). Not meant to be run alone.
# Inputs (environment): OPENCLAW_DEMO_ROOT, _BUILD, _RUN (run directory), _DURATION (0: until SIGTERM),
# _UNTIL_RESTART (1: stop after the first verified restart), _LEAK,
# _MEMORY_MAX, _GATEWAY (fixture or real), _OPENCLAW_CACHE (the real gateway's, from scripts/fetch-openclaw.sh),
# _HEAP_MIB (the real gateway's --max-old-space-size). Every program gets a file under the run directory on its
# command line (the real gateway: its HOME), so scripts/demo.sh can prove that nothing outlived the demo.
set -uo pipefail

root=$OPENCLAW_DEMO_ROOT
build=$OPENCLAW_DEMO_BUILD
run=$OPENCLAW_DEMO_RUN
duration=$OPENCLAW_DEMO_DURATION
until_restart=${OPENCLAW_DEMO_UNTIL_RESTART:-0}
gateway=${OPENCLAW_DEMO_GATEWAY:-fixture}
unit=openclaw-gateway.service
pids=()

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

stop_all() {
  trap - TERM INT HUP EXIT
  say "stopping: the hook, the exporter, Alertmanager, Prometheus, then the gateway unit"
  local pid i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null; done
  # The real gateway takes seconds to stop (more while it starts): begin now, beside the others' exits, so that all is
  # stopped within with-user-manager.sh's 10 s.
  [[ $gateway == real ]] && systemctl --user stop --no-block -- "$unit" >/dev/null 2>&1
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  systemctl --user stop -- "$unit" >/dev/null 2>&1
  say "all stopped"
}
trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 129' HUP
trap 'stop_all' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_http() {  # URL SECONDS [curl args...]
  local url=$1 deadline=$((SECONDS + $2)); shift 2
  until curl -fsS -o /dev/null --max-time 1 --noproxy '*' "$@" "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || { say "timed out waiting for $url"; return 1; }
    sleep 0.2
  done
}

gw_port=$(free_port); exporter_port=$(free_port); hook_port=$(free_port); prom_port=$(free_port); am_port=$(free_port)
mkdir -p "$run/alerts" "$run/hook-state" "$run/prometheus" "$run/alertmanager" "$run/logs"
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$run/hook-token"
chmod 0600 "$run/hook-token"

# 0. The person: a stand-in for a Slack channel that prints each message Alertmanager sends it (scripts/demo/person_sink.py).
python3 "$root/scripts/demo/person_sink.py" "$run/person.port" "$run/person-messages.txt" &
pids+=($!)
for ((i = 0; i < 50; i++)); do [[ -s $run/person.port ]] && break; sleep 0.1; done
[[ -s $run/person.port ]] || { say "the person's sink did not start"; exit 1; }
echo "http://127.0.0.1:$(cat "$run/person.port")/slack" >"$run/slack-url"

# 1. The shipped rules and routing, rendered at demo speed: the documented mechanism (docs/alerts.md), no copies.
#    The person's channel: Slack, at the sink above (alerts/thresholds.yml: human_channels).
#    The real gateway answers /readyz 503 for 11-23 s (up to ~70 s on a loaded machine) at every start: Down keeps its
#    production 2m there, or the demo's 5 s would restart every start-up. The hook waits up to 120 s for a new process
#    to answer (measured up to 57 s under load) and then holds off 10m (MemoryHigh itself ignores 15m after a restart);
#    a person hears of a gateway still unhealthy after 7m. The generator checks that these fit together.
hook_verify_timeout=30s hook_cooldown=30s real_overrides=()
if [[ $gateway == real ]]; then
  hook_verify_timeout=120s hook_cooldown=10m
  real_overrides=(--set for_gateway_down=2m --set "hook_verify_timeout=$hook_verify_timeout"
                  --set "hook_cooldown=$hook_cooldown" --set still_unhealthy_after=7m)
fi
python3 "$root/alerts/generate.py" --overrides "$root/alerts/profiles/demo.yml" "${real_overrides[@]}" \
  --set "hook_url=http://127.0.0.1:$hook_port/alerts" --set "hook_credentials_file=$run/hook-token" \
  --set 'human_channels=[slack]' --set "slack_api_url_file=$run/slack-url" --set 'slack_channel=#openclaw' \
  --out-dir "$run/alerts" >/dev/null || exit 1

# 2. The gateway: the fixture as openclaw-gateway.service, shaped like the unit `openclaw` installs, leaking; or the
#    real gateway in that unit with a V8 heap too small for it (scripts/demo/real_gateway_unit.sh).
mkdir -p "$HOME/.config/systemd/user"
if [[ $gateway == real ]]; then
  source "$root/scripts/demo/real_gateway_unit.sh"
  write_real_gateway_unit "$HOME/.config/systemd/user/$unit" || exit 1
else
cat >"$HOME/.config/systemd/user/$unit" <<UNIT
[Unit]
Description=OpenClaw Gateway (demo: the fixture gateway, leaking memory on purpose)
StartLimitBurst=10
StartLimitIntervalSec=300

[Service]
ExecStart=$build/tests/fixture_gateway/openclaw-fixture-gateway --port $gw_port --ready-after-ms 2000 --leak-mib-per-sec $OPENCLAW_DEMO_LEAK --state-file $run/gateway-state.json
Restart=always
RestartSec=5
RestartPreventExitStatus=78
TimeoutStopSec=30
TimeoutStartSec=30
SuccessExitStatus=0 143
OOMPolicy=continue
KillMode=mixed
MemoryMax=$OPENCLAW_DEMO_MEMORY_MAX
Environment=OPENCLAW_SYSTEMD_UNIT=$unit OPENCLAW_GATEWAY_PORT=$gw_port
StandardOutput=append:$run/logs/gateway.log
StandardError=inherit
UNIT
fi
gateway_started=$(date +%s.%N)
systemctl --user daemon-reload && systemctl --user start -- "$unit" || exit 1

# 3. The exporter, following the unit.
cat >"$run/exporter.yml" <<YML
gateways:
  - name: default
    unit: $unit
    url: http://127.0.0.1:$gw_port
YML
# The real gateway's own log (its `memory pressure:` lines), where logging.file puts it.
[[ $gateway == real ]] && echo "    log_dir: $run/gateway-logs" >>"$run/exporter.yml"
"$build/exporter/openclaw-gateway-exporter" --config.file="$run/exporter.yml" \
  --web.listen-address="127.0.0.1:$exporter_port" --probe.interval=1s --probe.timeout=8s \
  >>"$run/logs/exporter.log" 2>&1 &
pids+=($!)

# 4. The hook: restarts with `systemctl --user restart`, at most 3 times in 10 minutes, 30 s apart (real: 10m).
cat >"$run/hook.yml" <<YML
auth: {bearer_token_file: $run/hook-token}
state_dir: $run/hook-state
gateways:
  - name: default
    unit: $unit
    health_url: http://127.0.0.1:$gw_port/readyz
    match: {gateway: default}
policy:
  cooldown: $hook_cooldown
  max_restarts: 3
  window: 10m
  verify_timeout: $hook_verify_timeout
  retry_backoff: 5s
  notice_lead: 30s            # a scheduled restart is announced 30 s ahead (OpenClawGatewayRestartPlanned)
  schedule_jitter: 0s         # one host and a window of the whole day: run when announced
  low_traffic_windows:
    - {start: "00:00", end: "24:00", location: UTC}
rules:
  - name: down                # the hook checks the gateway itself before acting on "down"
    match: {alertname: OpenClawGatewayDown, action: restart}
    action: systemctl
    urgency: immediate
    confirm: unhealthy
  - match: {action: restart, urgency: immediate}
    action: systemctl
    urgency: immediate
  - match: {action: restart, urgency: scheduled}
    action: systemctl
    urgency: scheduled
YML
"$build/restart-hook/openclaw-restart-hook" --config.file="$run/hook.yml" --web.listen-address="127.0.0.1:$hook_port" \
  >>"$run/logs/hook.log" 2>&1 &
pids+=($!)

# 5. Prometheus (1 s scrape and evaluation) and Alertmanager.
cat >"$run/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 1s}
rule_files: [$run/alerts/openclaw-gateway.rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{targets: ['127.0.0.1:$am_port']}]
scrape_configs:
  - job_name: openclaw-gateway-exporter
    static_configs: [{targets: ['127.0.0.1:$exporter_port']}]
  - job_name: openclaw-restart-hook
    authorization: {type: Bearer, credentials_file: $run/hook-token}
    static_configs: [{targets: ['127.0.0.1:$hook_port']}]
YML
prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/prometheus" \
  --web.listen-address="127.0.0.1:$prom_port" --web.external-url="http://127.0.0.1:$prom_port" \
  >>"$run/logs/prometheus.log" 2>&1 &
pids+=($!)
prometheus-alertmanager --config.file="$run/alerts/alertmanager.yml" --storage.path="$run/alertmanager" \
  --web.listen-address="127.0.0.1:$am_port" --web.external-url="http://127.0.0.1:$am_port" --cluster.listen-address= \
  >>"$run/logs/alertmanager.log" 2>&1 &
pids+=($!)

wait_http "http://127.0.0.1:$exporter_port/metrics" 20 || exit 1
wait_http "http://127.0.0.1:$hook_port/healthz" 20 || exit 1
wait_http "http://127.0.0.1:$prom_port/-/ready" 30 || exit 1
wait_http "http://127.0.0.1:$am_port/-/ready" 30 || exit 1

if [[ $gateway == real ]]; then
  gateway_line="  gateway (real)      http://127.0.0.1:$gw_port/readyz   systemd --user unit $unit: openclaw@2026.9.6, --max-old-space-size=$OPENCLAW_DEMO_HEAP_MIB"
  how_it_goes="The shipped rules run at demo speed (alerts/profiles/demo.yml; Down keeps its 2m): the real gateway needs 11-23 s to
answer /readyz, then, its V8 heap too small, logs \`memory pressure: level=critical\` at its next 30 s memory sample
(in $run/gateway-logs/); the exporter counts that line, MemoryHigh fires 5 s later, and the hook restarts the unit
with systemctl --user restart: SIGTERM, the gateway drains and exits, systemd starts a new one.
Logs: $run/logs/. Ctrl-C stops everything."
else
  gateway_line="  gateway (fixture)   http://127.0.0.1:$gw_port/readyz   systemd --user unit $unit, MemoryMax=$OPENCLAW_DEMO_MEMORY_MAX, leaking ${OPENCLAW_DEMO_LEAK} MiB/s"
  how_it_goes="The shipped rules run at demo speed (alerts/profiles/demo.yml): MemoryHigh fires when the gateway holds 80 % of its
limit for 5 s; the hook restarts it with systemctl --user restart. Logs: $run/logs/. Ctrl-C stops everything."
fi
cat <<MSG

OpenClaw gateway monitoring demo: detect -> alert -> restart -> verify, live on loopback.
$gateway_line
  exporter            http://127.0.0.1:$exporter_port/metrics
  restart hook        http://127.0.0.1:$hook_port/   (bearer token in $run/hook-token; audit log $run/hook-state/audit.log)
  Prometheus          http://127.0.0.1:$prom_port/alerts
  Alertmanager        http://127.0.0.1:$am_port/
  the person          http://127.0.0.1:$(cat "$run/person.port")/slack   (Slack's stand-in: its messages print below, ">>>")
$how_it_goes

MSG

status_args=(--exporter "http://127.0.0.1:$exporter_port/metrics" --prometheus "http://127.0.0.1:$prom_port"
             --audit-log "$run/hook-state/audit.log" --offset-file "$run/audit.offset")
# The first restart the hook verified: its audit record says result success and a new MainPID.
verified_restart() {
  python3 - "$run/hook-state/audit.log" <<'PY'
import json, sys
try:
    records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
except OSError:
    sys.exit(1)
sys.exit(0 if any(r.get('event') == 'restart' and r.get('result') == 'success' and r.get('main_pid_changed')
                  for r in records) else 1)
PY
}
start=$SECONDS
while ((duration == 0 || SECONDS - start < duration)); do
  python3 "$root/scripts/demo/status.py" "${status_args[@]}"
  if ((until_restart)) && verified_restart; then
    python3 "$root/scripts/demo/status.py" "${status_args[@]}"  # prints the records written since the line above
    # ... and what the person reads about it (OpenClawGatewayRestarted), a few seconds later.
    for ((i = 0; i < 60; i++)); do
      grep -q 'OpenClawGatewayRestarted' "$run/person-messages.txt" 2>/dev/null && break
      sleep 0.5
    done
    say "--until-restart: the hook verified a restart after $((SECONDS - start)) s"
    python3 "$root/scripts/demo/timeline.py" --prometheus "http://127.0.0.1:$prom_port" --started "$gateway_started" \
      --audit-log "$run/hook-state/audit.log" --messages "$run/person-messages.txt" \
      $([[ $gateway == real ]] && echo "--gateway-log-dir $run/gateway-logs")
    stop_all
    exit 0
  fi
  sleep 1 &
  wait $!
done
say "--duration $duration reached"
stop_all
if ((until_restart)); then
  say "--until-restart: no verified restart within --duration $duration"
  exit 1
fi
exit 0
