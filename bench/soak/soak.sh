#!/usr/bin/env bash
# soak.sh BUILD_DIR [SCRAPES=1000000] [WEBHOOKS=200000]
#
# Both programs under continuous load at once, their memory and file descriptors sampled throughout:
# - openclaw-gateway-exporter sampling a fixture gateway of the real one's size (probes every 15 s, as by default),
#   scraped SCRAPES times (gzip, SOAK_SCRAPERS keep-alive connections, like Prometheus);
# - openclaw-restart-hook receiving WEBHOOKS authenticated deliveries of one firing alert (SOAK_POSTERS keep-alive
#   connections, the headers Alertmanager sends). Its rule's action is `command: [/bin/true]`: the first delivery
#   acts once, every later one is a duplicate the policy declines (dedupe) — the storm case, and nothing restarts.
# First every worker thread of both servers serves one connection (the warm-up that touches their stacks). Then,
# every SOAK_INTERVAL seconds (default 10) it records, for each program, requests served so far (the program's own
# counter), VmRSS, RssAnon, open fds and threads (samples.csv). At the end it prints first (after warm-up) / last /
# max RSS, the RSS slope after warm-up per 100k requests, and idle fds before and after, and fails (exit 1) when
#   - a request got an unexpected answer (soak_client checks every one),
#   - RSS at the end exceeds RSS after the load's warm-up (its first 10 % of requests) by more than SOAK_RSS_GROWTH_PCT (default 5),
#   - the workers' warm-up added more than SOAK_WARMUP_MAX_MIB (default 16) of RSS (~7 MiB for 256 workers; a
#     deflate state kept per worker thread made it ~32 MiB),
#   - the idle fd count after the load (keep-alive connections closed) is above the idle count before it.
# SOAK_MAX_SECONDS=N stops the load after about N seconds (0: none) and judges what was served by then (the warm-up is
# then 10 % of what was served).
# SOAK_OUT=DIR keeps samples.csv and the logs there (default: a temporary directory, removed).
# Needs: the build's exporter, hook, fixture gateway and tests/soak/soak_client; curl, python3.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [SCRAPES] [WEBHOOKS]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
SCRAPES=${2:-1000000}
WEBHOOKS=${3:-200000}
INTERVAL=${SOAK_INTERVAL:-10}
GROWTH_PCT=${SOAK_RSS_GROWTH_PCT:-5}
WARMUP_MAX_MIB=${SOAK_WARMUP_MAX_MIB:-16}
MAX_SECONDS=${SOAK_MAX_SECONDS:-0}
SCRAPERS=${SOAK_SCRAPERS:-4}
POSTERS=${SOAK_POSTERS:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=$(cd "$HERE/../.." && pwd)
EXPORTER=$BUILD/exporter/openclaw-gateway-exporter
HOOK=$BUILD/restart-hook/openclaw-restart-hook
FIXTURE=$BUILD/tests/fixture_gateway/openclaw-fixture-gateway
CLIENT=$BUILD/tests/soak/soak_client
for tool in "$EXPORTER" "$HOOK" "$FIXTURE" "$CLIENT" curl python3; do
  command -v "$tool" >/dev/null || { echo "soak.sh: missing $tool (build it first)" >&2; exit 2; }
done
# shellcheck source-path=SCRIPTDIR source=../exporter/common.sh
source "$HERE/../exporter/common.sh"

if [[ -n ${SOAK_OUT:-} ]]; then
  WORK=$SOAK_OUT
  rm -rf "$WORK" && mkdir -p "$WORK"
else
  WORK=$(mktemp -d /tmp/openclaw-soak.XXXXXX)
fi
clients=()
cleanup() {
  local pid
  for pid in "${clients[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_all
  [[ -n ${SOAK_OUT:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the programs ---
start_fixture "$WORK/fixture.log" --child-rss-mib 20 --extra-fds 70 --established-pairs 1 --close-wait 1
echo "$fixture_pid" >"$WORK/gateway.pid"
exporter_port=$(free_port)
start exporter "$WORK/exporter.log" "$EXPORTER" --web.listen-address="127.0.0.1:$exporter_port" \
  --gateway.pid-file="$WORK/gateway.pid" --gateway.url="http://127.0.0.1:$fixture_port" --probe.interval=15s \
  --log.level=warn
exporter=$last_pid
exporter_url="http://127.0.0.1:$exporter_port/metrics"

token=soak-token
printf '%s\n' "$token" >"$WORK/token"
sed -n '1p' "$SOURCE/tests/restart_hook/fixtures/am025-firing.json" >"$WORK/webhook.json"
hook_port=$(free_port)
cat >"$WORK/hook.yml" <<YML
auth: {bearer_token_file: $WORK/token}
state_dir: $WORK/state
gateways:
  - {name: default, health_url: "http://127.0.0.1:$hook_port/healthz", match: {gateway: default}}
rules:
  - {match: {alertname: OpenClawGatewayDown}, action: command, command: [/bin/true]}
YML
start hook "$WORK/hook.log" "$HOOK" --config.file="$WORK/hook.yml" --web.listen-address="127.0.0.1:$hook_port" \
  --log.level=warn
hook=$last_pid
hook_url="http://127.0.0.1:$hook_port"
wait_http "$exporter_url"
wait_http "$hook_url/healthz"

# Requests served so far, from each program's own counter.
exporter_requests() {
  curl -s "$exporter_url" | awk '$1 ~ /^openclaw_exporter_scrapes_total([{]|$)/ {printf "%d\n", $2}'
}
hook_requests() {
  curl -s -H "Authorization: Bearer $token" "$hook_url/metrics" |
    awk '$1 ~ /^openclaw_restart_hook_webhooks_total[{]/ {n += $2} END {printf "%d\n", n}'
}
threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
rss_anon_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }

# idle_fds PID: the fd count once no client connection is open (civetweb closes an idle keep-alive connection after
# its 2 s timeout): the lowest of samples over 5 s.
idle_fds() {
  local low=1000000 n
  for _ in $(seq 10); do
    n=$(fd_count "$1")
    ((n < low)) && low=$n
    sleep 0.5
  done
  echo "$low"
}

# Warm-up of the servers' workers: civetweb hands each new connection to the next idle worker, and a worker's
# first requests leave malloc state behind (~20 KiB each, measured; gzip and plain scrapes a little differently).
# 600 connections of each kind, each closed after one request, let every one of the 256 workers serve both, so that
# the figures below are the steady state and not workers serving for the first time.
exporter_fresh=$(rss_kib "$exporter")
hook_fresh=$(rss_kib "$hook")
curl -s -o /dev/null -H "Connection: close" -H "Accept-Encoding: gzip" "$exporter_url?warmup=[1-600]"
curl -s -o /dev/null -H "Connection: close" "$exporter_url?warmup=[1-600]"  # and a plain one (the samples below)
curl -s -o /dev/null -H "Connection: close" -H "Accept-Encoding: gzip" -H "Authorization: Bearer $token" \
  "$hook_url/metrics?warmup=[1-600]"
exporter_warm=$(rss_kib "$exporter")
hook_warm=$(rss_kib "$hook")
exporter_idle_before=$(idle_fds "$exporter")
hook_idle_before=$(idle_fds "$hook")

sample() {
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$SECONDS" \
    "$(exporter_requests)" "$(rss_kib "$exporter")" "$(rss_anon_kib "$exporter")" "$(fd_count "$exporter")" \
    "$(threads "$exporter")" \
    "$(hook_requests)" "$(rss_kib "$hook")" "$(rss_anon_kib "$hook")" "$(fd_count "$hook")" "$(threads "$hook")" \
    >>"$WORK/samples.csv"
}

# --- the load ---
echo "seconds,exporter_scrapes,exporter_rss_kib,exporter_anon_kib,exporter_fds,exporter_threads,hook_webhooks,hook_rss_kib,hook_anon_kib,hook_fds,hook_threads" \
  >"$WORK/samples.csv"
SECONDS=0
sample
echo "soak: $SCRAPES scrapes ($SCRAPERS connections) and $WEBHOOKS webhooks ($POSTERS connections), sampling every ${INTERVAL} s into $WORK/samples.csv" >&2
"$CLIENT" "$exporter_url" "$SCRAPES" --connections "$SCRAPERS" --gzip \
  --header "X-Prometheus-Scrape-Timeout-Seconds: 10" >"$WORK/scrapes.out" 2>&1 &
scraper=$!
clients+=("$scraper")
"$CLIENT" "$hook_url/alerts" "$WEBHOOKS" --connections "$POSTERS" --body-file "$WORK/webhook.json" \
  --header "Content-Type: application/json" --header "User-Agent: Alertmanager/0.25.0" \
  --header "Authorization: Bearer $token" >"$WORK/webhooks.out" 2>&1 &
poster=$!
clients+=("$poster")
clients_running() { kill -0 "$scraper" 2>/dev/null || kill -0 "$poster" 2>/dev/null; }
timed_out=0
while clients_running; do
  for _ in $(seq "$((INTERVAL * 10))"); do
    clients_running || break
    sleep 0.1
  done
  sample
  if ((MAX_SECONDS > 0 && SECONDS >= MAX_SECONDS)) && clients_running; then
    echo "soak: time limit (SOAK_MAX_SECONDS=$MAX_SECONDS) reached: stopping the load where it is" >&2
    timed_out=1
    kill "$scraper" "$poster" 2>/dev/null || true
  fi
done
status=0
wait "$scraper" || ((timed_out)) || status=1
wait "$poster" || ((timed_out)) || status=1
echo "scrapes:  $(cat "$WORK/scrapes.out")"
echo "webhooks: $(cat "$WORK/webhooks.out")"
((timed_out == 0)) || echo "stopped by the time limit: the counts below are what was served"
((status == 0)) || echo "soak.sh: FAIL: a request got an unexpected answer" >&2
for pid in "$exporter" "$hook"; do
  kill -0 "$pid" 2>/dev/null || { echo "soak.sh: FAIL: pid $pid died" >&2; exit 1; }
done
exporter_idle_after=$(idle_fds "$exporter")
hook_idle_after=$(idle_fds "$hook")
sample
# The hook's decisions, from its own counters (audit.log rotates under this load).
decisions=$(curl -s -H "Authorization: Bearer $token" "$hook_url/metrics" |
  awk '$1 ~ /^openclaw_restart_hook_decisions_total[{]/ && $2 > 0 {printf "%s %d; ", $1, $2}')

python3 - "$WORK/samples.csv" "$GROWTH_PCT" "$SCRAPES" "$WEBHOOKS" \
  "$exporter_idle_before" "$exporter_idle_after" "$hook_idle_before" "$hook_idle_after" \
  "$exporter_fresh" "$exporter_warm" "$hook_fresh" "$hook_warm" "$WARMUP_MAX_MIB" <<'PY' || status=1
import csv, sys
path, pct, totals = sys.argv[1], float(sys.argv[2]), {"exporter": int(sys.argv[3]), "hook": int(sys.argv[4])}
idle = {"exporter": (int(sys.argv[5]), int(sys.argv[6])), "hook": (int(sys.argv[7]), int(sys.argv[8]))}
warmup = {"exporter": (int(sys.argv[9]), int(sys.argv[10])), "hook": (int(sys.argv[11]), int(sys.argv[12]))}
warmup_max_kib = float(sys.argv[13]) * 1024
rows = list(csv.DictReader(open(path)))
count_of = {"exporter": "exporter_scrapes", "hook": "hook_webhooks"}
failed = False
for name in ("exporter", "hook"):
    fresh, warm = warmup[name]
    print(f"{name:9} RSS KiB fresh {fresh:,}, after every worker served once {warm:,} (+{warm - fresh:,})")
    if warm - fresh > warmup_max_kib:
        print(f"soak.sh: FAIL: {name}: the workers' first requests added {warm - fresh:,} KiB "
              f"(bound {warmup_max_kib:,.0f}): per-thread state?", file=sys.stderr)
        failed = True
for name in ("exporter", "hook"):
    count, rss, fds = count_of[name], f"{name}_rss_kib", f"{name}_fds"
    points = [(int(r[count]), int(r[rss]), int(r[fds]), int(r[f"{name}_threads"])) for r in rows]
    # Warm-up: the first 10 % of what the load served (less than asked when SOAK_MAX_SECONDS stopped it), counted
    # from the first sample (the exporter's counter includes the workers' warm-up scrapes).
    base = points[0][0]
    warm = next((p for p in points[1:] if p[0] - base >= (points[-1][0] - base) // 10), points[-1])
    after = [p for p in points if p[0] >= warm[0]]
    n = len(after)
    slope = 0.0
    if n >= 2 and after[-1][0] > after[0][0]:
        mx = sum(p[0] for p in after) / n
        my = sum(p[1] for p in after) / n
        sxx = sum((p[0] - mx) ** 2 for p in after)
        slope = sum((p[0] - mx) * (p[1] - my) for p in after) / sxx * 100000 if sxx else 0.0
    first, last = warm[1], points[-1][1]
    growth = (last - first) * 100.0 / first
    print(f"{name:9} requests {points[-1][0]:>9,}  RSS KiB: start {points[0][1]:,}, after warm-up ({warm[0]:,}) "
          f"{first:,}, last {last:,} ({growth:+.1f} %), max {max(p[1] for p in points):,}; "
          f"slope after warm-up {slope:+.1f} KiB per 100k requests ({n} samples); "
          f"fds idle {idle[name][0]} -> {idle[name][1]}, max under load {max(p[2] for p in points)}; "
          f"threads {points[-1][3]}")
    if growth > pct:
        print(f"soak.sh: FAIL: {name} RSS grew {growth:.1f} % after warm-up (bound {pct} %)", file=sys.stderr)
        failed = True
    if idle[name][1] > idle[name][0]:
        print(f"soak.sh: FAIL: {name} holds more fds idle after the load than before", file=sys.stderr)
        failed = True
sys.exit(1 if failed else 0)
PY
echo "hook decisions: ${decisions}(one restart expected — the action is /bin/true — and duplicates for the rest)"
((status == 0)) && echo "soak.sh: OK: RSS and fds flat"
exit "$status"
