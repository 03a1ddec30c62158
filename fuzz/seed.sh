#!/usr/bin/env bash
# Regenerates the seed corpora fuzz/corpus/<target>/ from the fixtures captured from real systems (tests/…), the
# shipped example configurations and a few hand-written edge cases. The output is checked in; run this again after
# adding fixtures, and commit what changed. Files are named by content (sha1), so a rerun adds nothing twice.
# Inputs that once crashed a target are kept by hand as fuzz/corpus/TARGET/regression-<what> (fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus

seed() {  # TARGET FILE...: copies each file as <sha1> into the target's corpus
  local target=$1 file sum
  shift
  mkdir -p "$out/$target"
  for file in "$@"; do
    sum=$(sha1sum "$file" | cut -c1-16)
    cp "$file" "$out/$target/$sum"
  done
}
seed_text() {  # TARGET TEXT: one seed from a string
  local tmp
  tmp=$(mktemp)
  printf '%s' "$2" >"$tmp"
  seed "$1" "$tmp"
  rm -f "$tmp"
}
seed_bytes() {  # TARGET ESCAPED: one seed from printf %b escapes (\xNN, \0NNN: NUL bytes)
  local tmp
  tmp=$(mktemp)
  printf '%b' "$2" >"$tmp"
  seed "$1" "$tmp"
  rm -f "$tmp"
}

hook=tests/restart_hook/fixtures
exp=tests/exporter/fixtures

# Alertmanager 0.25's deliveries, captured (tests/restart_hook/fixtures/capture.sh).
seed fuzz_webhook_policy "$hook"/am025-*.json
seed_text fuzz_webhook_policy '{"version":"4","status":"firing","receiver":"r","groupKey":"{}:{}","truncatedAlerts":0,"alerts":[{"status":"firing","labels":{"alertname":"OpenClawGatewayUptimeHigh","gateway":"default","host":"fuzzhost"},"annotations":{},"startsAt":"2026-03-10T04:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"a1"},{"status":"firing","labels":{"alertname":"OpenClawGatewayUnhealthy","gateway":"work","instance":"127.0.0.1:18790"},"startsAt":"2026-03-10T04:00:00Z","fingerprint":"b2"},{"status":"resolved","labels":{"alertname":"OpenClawGatewayDown","gateway":"default"},"startsAt":"2026-03-10T03:00:00Z","endsAt":"2026-03-10T04:00:00Z","fingerprint":"c3"}]}'

# state.json as three versions of the hook wrote it.
seed fuzz_hook_state "$hook"/state/state-v*.json

# Hook configurations: the shipped example, the deployment's, and the fleet's.
seed fuzz_hook_config restart-hook/examples/config.yml deploy/openclaw-restart-hook.yml
seed_text fuzz_hook_config 'state_dir: /tmp/x
allowed_hosts: [hook.example.org, "proxy:8443"]
audit: {max_file_bytes: 65536, max_files: 2}
gateways:
  - {name: a, unit: a.service, health_url: "http://127.0.0.1:1/readyz", match: {gateway: a}, match_re: {instance: ".*:1"}}
policy:
  cooldown: 0s
  low_traffic_windows: [{start: "23:30", end: "24:00", location: Europe/Berlin}, {start: "02:30", end: "03:00", location: America/New_York}]
  busy: {max_connections: 3, command: [/bin/true], command_json_path: counts.totalActive, command_env_files: {T: /tmp/t}}
rules:
  - {match: {alertname: X}, action: command, command: [/bin/true], timeout: 5s, confirm: unhealthy}
  - {match: {alertname: Y}, action: signal, signal: 12, urgency: scheduled}
'

# Exporter configurations (docs/exporter.md) and web configs.
seed_text fuzz_exporter_config 'gateways:
  - name: default
    unit: openclaw-gateway.service
    url: http://127.0.0.1:18789
  - name: work
    unit: openclaw-gateway-work.service
    url: http://127.0.0.1:18790
    profile: work
    log_dir: /tmp/openclaw
  - {name: "by-regex", cmdline_regex: "^openclaw-gateway( |$)", url: "https://gw.example.org:443/"}
  - {name: pid, pid_file: /run/openclaw.pid}
'
seed_text fuzz_web_config 'tls_server_config:
  cert_file: /etc/openclaw-gateway-exporter/cert.pem
  key_file: /etc/openclaw-gateway-exporter/key.pem
basic_auth_users:
  prometheus: $2y$10$abcdefghijklmnopqrstuuCDEFGHIJKLMNOPQRSTUVWXYZ0123456
'
seed_text fuzz_web_config 'basic_auth_users: {a: "$2b$04$x", b: "$2a$04$y"}'

# /proc files captured from the real gateway, the fixture trees, and edge cases.
seed fuzz_proc "$exp"/proc/real/{gateway_cmdline,kthread_status,meminfo,pid_limits,pid_stat,pid_status,spawn_broker_cmdline,sqlite_worker_cmdline,stat,gateway_smaps_rollup} \
  "$exp"/proc/edge/{children,limits_unlimited,stat_comm_with_parens}
seed fuzz_proc $(find "$exp"/fakeproc -type f \( -name cmdline -o -name stat -o -name status -o -name environ -o -name children -o -name smaps_rollup \))
seed_text fuzz_proc 'socket:[123456]'
seed_bytes fuzz_proc 'node\0--max-old-space-size=4096\0/usr/lib/node_modules/openclaw/dist/index.js\0gateway\0\0\0'
seed_bytes fuzz_proc 'NODE_OPTIONS=--max_old_space_size 512 "--title=a b"\0INVOCATION_ID=1\0'

# cgroup files: /proc/PID/cgroup (v1, v2, hybrid) and the memory controller's.
seed fuzz_cgroup "$exp"/proc/real/{pid_cgroup,memory.limit_in_bytes,gateway_memory.stat} \
  "$exp"/proc/edge/{cgroup_v1_only,cgroup_v2_only,memory.limit_in_bytes_512m,memory.limit_in_bytes_unlimited_64k_pages,memory.max_1g,memory.max_unlimited}
seed fuzz_cgroup $(find "$exp"/fakecgroup -type f)

# sock_diag dumps captured from the kernel (tests/exporter/fixtures/sock_diag/capture.sh), and each datagram alone.
seed fuzz_sock_diag "$exp"/sock_diag/tcp{4,6}_dump.bin

# /readyz bodies of the real gateway.
seed fuzz_readyz "$exp"/readyz/*.json

# Gateway log lines: every distinct message kind in the captured logs (one line each), plus lines that are not JSON.
tmp=$(mktemp -d)
for log in "$exp"/gateway-log/*.log; do
  # The line's message text with digits removed: one line per kind of message.
  python3 - "$log" "$tmp" <<'PY'
import hashlib, json, re, sys, pathlib
seen = set()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    try:
        message = json.loads(line).get("message", "")
    except Exception:
        message = line
    kind = re.sub(r"[0-9]+", "", str(message))[:60]
    if kind in seen:
        continue
    seen.add(kind)
    pathlib.Path(sys.argv[2], hashlib.sha1(line.encode()).hexdigest()).write_text(line)
PY
done
seed fuzz_gateway_log "$tmp"/*
rm -rf "$tmp"
seed_text fuzz_gateway_log '{"0":"{\"subsystem\":\"gateway\"}","1":"memory pressure: level=critical reason=heap_threshold rssBytes=1 heapUsedBytes=2 thresholdBytes=3","message":"memory pressure: level=critical reason=heap_threshold rssBytes=1 heapUsedBytes=2 thresholdBytes=3"}'
seed_text fuzz_gateway_log '{"0":"partial'

# Windows: bytes for FuzzedDataProvider; a few starting points.
seed_bytes fuzz_time_window '04:0004:30\x01\x00\x00\x00\x00\x00\x00\x00\x01'
seed_bytes fuzz_time_window '02:3003:30\x05\x00\x00\x00\x00\x00\x00\x00\x0023:0001:00\x03\x02\x00'
seed_bytes fuzz_time_window 'Europe/Berlin\x01\x0000:0024:00\x00\x07'


# HTTP inputs: an Authorization header, then a Host (FuzzedDataProvider ends a string at a backslash and the byte
# after it).
seed_text fuzz_http_inputs 'Basic cHJvbWV0aGV1czpzZWNyZXQ=\ localhost:9789\ '
seed_text fuzz_http_inputs 'Bearer abc.def\ 127.0.0.1:9789\ '
seed_text fuzz_http_inputs '1h30m500ms\ [::1]:80\ same-origin'
seed_text fuzz_http_inputs 'application/json; charset=utf-8\ :9789\ cross-site'

for d in "$out"/*/; do printf '%-28s %3d files %6d bytes\n' "$(basename "$d")" "$(ls "$d" | wc -l)" "$(cat "$d"/* | wc -c)"; done
