#!/usr/bin/env bash
# leak.sh BUILD_DIR [N=100000]
#
# Scrapes openclaw-gateway-exporter N times (wrk: 2 threads, 8 keep-alive connections, Accept-Encoding: gzip) while
# it samples a fixture gateway of the real one's size (probes every 15 s, as by default), in rounds of 10k scrapes.
# After every round it prints the exporter's RSS and fd count. Fails (exit 1) when RSS grew more than 5 % between
# the end of the 5k-scrape warm-up and the end, or when the fd count grew at all. The scrape count is the
# exporter's own openclaw_exporter_scrapes_total; wrk runs in 5 s bursts until a round's count is reached.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [N]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
N=${2:-100000}
ROUND=${ROUND:-10000}
WARMUP=${WARMUP:-5000}
HERE=$(cd "$(dirname "$0")" && pwd)
EXPORTER=$BUILD/exporter/openclaw-gateway-exporter
FIXTURE=$BUILD/tests/fixture_gateway/openclaw-fixture-gateway
for tool in "$EXPORTER" "$FIXTURE" wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "leak.sh: missing $tool (build it, or scripts/install-deps.sh --bench)" >&2; exit 2; }
done
# shellcheck source=common.sh
source "$HERE/common.sh"

WORK=$(mktemp -d /tmp/openclaw-leak.XXXXXX)
cleanup() {
  stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_fixture "$WORK/fixture.log" --child-rss-mib 20 --extra-fds 70 --established-pairs 1 --close-wait 1
echo "$fixture_pid" >"$WORK/gateway.pid"
port=$(free_port)
start exporter "$WORK/exporter.log" "$EXPORTER" --web.listen-address="127.0.0.1:$port" \
  --gateway.pid-file="$WORK/gateway.pid" --gateway.url="http://127.0.0.1:$fixture_port" --probe.interval=15s \
  --log.level=warn
exporter=$last_pid
url="http://127.0.0.1:$port/metrics"
wait_http "$url"

scrapes_total() { curl -s "$url" | sed -n 's/^openclaw_exporter_scrapes_total \([0-9.e+]*\)$/\1/p' | python3 -c 'import sys; print(int(float(sys.stdin.read())))'; }

# scrape_until TOTAL: wrk bursts until the exporter has served TOTAL scrapes.
scrape_until() {
  while (($(scrapes_total) < $1)); do
    wrk -t2 -c8 -d5s --timeout 10s -H 'Accept-Encoding: gzip' "$url" >"$WORK/wrk.out" 2>&1 ||
      { cat "$WORK/wrk.out" >&2; return 1; }
    if grep -q 'Non-2xx\|errors' "$WORK/wrk.out"; then cat "$WORK/wrk.out" >&2; return 1; fi
  done
}

printf '%10s %10s %6s\n' scrapes rss_kib fds
scrape_until "$WARMUP"
base_rss=$(rss_kib "$exporter")
base_fds=$(fd_count "$exporter")
printf '%10s %10s %6s   (after warm-up)\n' "$(scrapes_total)" "$base_rss" "$base_fds"
target=$WARMUP
max_rss=$base_rss
while ((target < N)); do
  target=$((target + ROUND > N ? N : target + ROUND))
  scrape_until "$target"
  rss=$(rss_kib "$exporter")
  fds=$(fd_count "$exporter")
  ((rss > max_rss)) && max_rss=$rss
  printf '%10s %10s %6s\n' "$(scrapes_total)" "$rss" "$fds"
done
kill -0 "$exporter" || { echo "leak.sh: the exporter died" >&2; exit 1; }

status=0
growth=$(python3 -c "print(f'{($rss - $base_rss) * 100 / $base_rss:.1f}')")
echo "RSS after warm-up ${base_rss} KiB, at the end ${rss} KiB (${growth} %), peak ${max_rss} KiB; fds ${base_fds} -> ${fds}"
if python3 -c "import sys; sys.exit(0 if $rss > $base_rss * 1.05 else 1)"; then
  echo "leak.sh: FAIL: RSS grew more than 5 %" >&2
  status=1
fi
if ((fds > base_fds)); then
  echo "leak.sh: FAIL: the fd count grew" >&2
  status=1
fi
((status == 0)) && echo "leak.sh: OK: RSS and fds flat over $(scrapes_total) scrapes"
exit "$status"
