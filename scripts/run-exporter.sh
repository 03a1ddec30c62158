#!/usr/bin/env bash
# Production-style: install, build, and run only the exporter against the local OpenClaw gateway
# (the systemd user unit openclaw-gateway.service, probed at http://127.0.0.1:18789).
# Usage (as root): scripts/run-exporter.sh [extra exporter flags…]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

exporter=build/release/exporter/openclaw-gateway-exporter
listen=${OPENCLAW_EXPORTER_LISTEN:-127.0.0.1:9789}
url=${OPENCLAW_GATEWAY_URL:-http://127.0.0.1:18789}

if ! curl -s -o /dev/null --max-time 3 --noproxy '*' "$url/healthz"; then
  cat <<MSG
No OpenClaw gateway answers at $url/healthz.
The exporter starts anyway and reports openclaw_gateway_up 0 (and failing probes) until one does.
Start the gateway (systemctl --user start openclaw-gateway.service), or point the exporter elsewhere:
  OPENCLAW_GATEWAY_URL=http://127.0.0.1:PORT scripts/run-exporter.sh --gateway.unit=openclaw-gateway-PROFILE.service
MSG
fi
echo "Metrics: http://$listen/metrics   (Ctrl-C stops the exporter)"
exec "$exporter" --web.listen-address="$listen" --gateway.url="$url" "$@"
