# The real gateway for scripts/demo/inside.sh (`scripts/demo.sh --gateway=real`); sourced, not run.
# write_real_gateway_unit UNIT_FILE writes openclaw-gateway.service as `openclaw gateway install` shapes it
# (../../docs/real-gateway.md; tests/real_gateway/real_gateway.cpp builds the same unit): node with a V8 heap limit,
# then openclaw's entry, `gateway run` on a loopback port with token auth, TimeoutStopSec=330 (the gateway sizes its
# drain from it: 315 s), Restart=always, the service environment. The only trouble is the one a user makes by hand:
# a heap too small for it (--max-old-space-size=$OPENCLAW_DEMO_HEAP_MIB, default 240, --max-semi-space-size=4). It then
# logs `memory pressure: level=critical reason=heap_threshold` at its first 30 s memory sample after ready, and every
# 5 minutes while that lasts.
# Uses from inside.sh: run, gw_port, unit; OPENCLAW_DEMO_OPENCLAW_CACHE (scripts/fetch-openclaw.sh's cache),
# OPENCLAW_DEMO_HEAP_MIB. Its HOME is $run/gateway-home (scripts/demo.sh finds anything left running by it) and its
# log goes to $run/gateway-logs/openclaw-<today>.log (logging.file), where the exporter's log source reads it:
# /tmp/openclaw is shared with every other gateway on the machine, whose lines must not count here. A demo left
# running past midnight keeps writing the day it started in while the exporter looks for the new day's file.

write_real_gateway_unit() {
  local unit_file=$1
  local cache=$OPENCLAW_DEMO_OPENCLAW_CACHE
  local node_bin=$cache/node/bin entry
  entry=$(readlink -f "$cache/oc/node_modules/.bin/openclaw") || {
    echo "demo: no openclaw in $cache (scripts/fetch-openclaw.sh)" >&2
    return 1
  }
  local home=$run/gateway-home
  mkdir -p "$home/.openclaw" "$run/gateway-logs"
  printf '{"logging":{"file":"%s"}}\n' "$run/gateway-logs/openclaw-$(date +%F).log" >"$home/.openclaw/openclaw.json"
  head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$run/gateway-token"
  chmod 0600 "$run/gateway-token"
  cat >"$unit_file" <<UNIT
[Unit]
Description=OpenClaw Gateway (demo: openclaw@2026.9.6 with a V8 heap of ${OPENCLAW_DEMO_HEAP_MIB} MiB, too small for it)
After=network-online.target
StartLimitBurst=10
StartLimitIntervalSec=300

[Service]
ExecStart=$node_bin/node --max-old-space-size=$OPENCLAW_DEMO_HEAP_MIB --max-semi-space-size=4 $entry gateway run --allow-unconfigured --bind loopback --port $gw_port --auth token --token $(cat "$run/gateway-token")
Restart=always
RestartSec=5
RestartPreventExitStatus=78
TimeoutStopSec=330
TimeoutStartSec=30
SuccessExitStatus=0 143
OOMPolicy=continue
KillMode=mixed
EnvironmentFile=-$home/.openclaw/gateway.systemd.env
Environment=HOME=$home
Environment=PATH=$node_bin:/usr/local/bin:/usr/bin:/bin
Environment=OPENCLAW_GATEWAY_PORT=$gw_port
Environment=OPENCLAW_SYSTEMD_UNIT=$unit
Environment=OPENCLAW_SERVICE_MARKER=openclaw
Environment=OPENCLAW_SERVICE_KIND=gateway
StandardOutput=append:$run/logs/gateway.log
StandardError=inherit

[Install]
WantedBy=default.target
UNIT
}
