#!/usr/bin/env bash
# compare.sh BUILD_DIR [SMALL_SCRAPES=2000] [BIG_SCRAPES=200]
#
# CPU per scrape and RSS of openclaw-gateway-exporter next to prometheus-process-exporter and
# prometheus-blackbox-exporter, all on the same fixture gateway in the same run, plus exporter_bench's raw-syscall
# floor. Scenarios (one fixture gateway each, the exporters started fresh for each):
#   a       the real gateway's size: ~80 fds, 5 TCP sockets, one child process; quiet host
#   a+host  the same gateway (same PID) while another process holds 100k loopback TCP sockets
#   b       10k fds = 10k ESTABLISHED sockets in the gateway, with the 100k other sockets still held
# CPU per scrape = utime+stime delta of the exporter process (/proc/PID/stat) over N sequential scrapes on one
# keep-alive connection with Accept-Encoding: gzip, after a warm-up; RSS = VmRSS after warm-up and after N scrapes.
# Needs a hard RLIMIT_NOFILE above 10.1k (scenario b) and the peers: scripts/install-deps.sh --bench.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [SMALL_SCRAPES] [BIG_SCRAPES]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
SMALL=${2:-2000}
BIG=${3:-200}
HOST_PAIRS=${HOST_PAIRS:-50000}      # 100k host sockets
BIG_PAIRS=${BIG_PAIRS:-5000}         # 10k gateway sockets
HERE=$(cd "$(dirname "$0")" && pwd)
EXPORTER=$BUILD/exporter/openclaw-gateway-exporter
FIXTURE=$BUILD/tests/fixture_gateway/openclaw-fixture-gateway
BENCH=$BUILD/bench/exporter/exporter_bench
HOLDER=$BUILD/bench/exporter/socket_holder
for tool in "$EXPORTER" "$FIXTURE" "$BENCH" "$HOLDER" prometheus-process-exporter prometheus-blackbox-exporter curl \
  python3; do
  command -v "$tool" >/dev/null || { echo "compare.sh: missing $tool (build it, or scripts/install-deps.sh --bench)" >&2; exit 2; }
done
# shellcheck source=common.sh
source "$HERE/common.sh"

WORK=$(mktemp -d /tmp/openclaw-compare.XXXXXX)
cleanup() {
  stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)"  # the 10k-socket gateway (socket_holder spreads its sockets over processes)
TICK=$(getconf CLK_TCK)
RESULTS=$WORK/results.tsv
: >"$RESULTS"

# Matches this run's fixture only (its --state-file lies in $WORK), not other fixtures on a shared machine.
cat >"$WORK/process-exporter.yml" <<EOF
process_names:
  - name: gateway
    cmdline:
      - 'openclaw-fixture-gateway .*--state-file $WORK/'
EOF
cat >"$WORK/blackbox.yml" <<'EOF'
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
EOF

# measure SCENARIO NAME PID URL N: warm-up, then N scrapes; one line of results.
measure() {
  local scenario=$1 name=$2 pid=$3 url=$4 n=$5
  scrape "$url" 50
  local rss0 t0 t1 start end
  rss0=$(rss_kib "$pid")
  t0=$(cpu_ticks "$pid")
  start=$(date +%s.%N)
  scrape "$url" "$n"
  end=$(date +%s.%N)
  t1=$(cpu_ticks "$pid")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$name" "$n" "$((t1 - t0))" "$TICK" "$rss0" "$(rss_kib "$pid")" \
    "$(echo "$end - $start" | bc -l)" >>"$RESULTS"
  echo "bench: $scenario $name: $n scrapes, $((t1 - t0)) ticks" >&2
}

# run_scenario NAME N: the three exporters against the current fixture, then exporter_bench.
run_scenario() {
  local scenario=$1 n=$2
  echo "$fixture_pid" >"$WORK/gateway.pid"
  local ours_port pe_port bb_port
  ours_port=$(free_port)
  start ours "$WORK/ours-$scenario.log" "$EXPORTER" --web.listen-address="127.0.0.1:$ours_port" \
    --gateway.pid-file="$WORK/gateway.pid" --gateway.url="http://127.0.0.1:$fixture_port" --probe.interval=1h \
    --log.level=warn
  local ours=$last_pid
  pe_port=$(free_port)
  start process-exporter "$WORK/pe-$scenario.log" prometheus-process-exporter \
    -web.listen-address="127.0.0.1:$pe_port" -config.path="$WORK/process-exporter.yml"
  local pe=$last_pid
  bb_port=$(free_port)
  start blackbox "$WORK/bb-$scenario.log" prometheus-blackbox-exporter --config.file="$WORK/blackbox.yml" \
    --web.listen-address="127.0.0.1:$bb_port"
  local bb=$last_pid
  wait_http "http://127.0.0.1:$ours_port/metrics"
  wait_http "http://127.0.0.1:$pe_port/metrics"
  wait_http "http://127.0.0.1:$bb_port/metrics"
  # Sanity: every exporter sees this gateway.
  curl -s "http://127.0.0.1:$ours_port/metrics" >"$WORK/ours-$scenario.txt"
  grep -Eq '^openclaw_gateway_up[{]gateway="default"[,}].* 1$' "$WORK/ours-$scenario.txt" ||
    { echo "compare.sh: our exporter does not see the gateway" >&2; exit 1; }
  local tries=0
  until curl -s "http://127.0.0.1:$pe_port/metrics" | grep -q 'namedprocess_namegroup_num_procs{groupname="gateway"} [1-9]'; do
    ((++tries < 50)) || { echo "compare.sh: process-exporter does not see the gateway" >&2; exit 1; }
    sleep 0.2
  done

  measure "$scenario" ours "$ours" "http://127.0.0.1:$ours_port/metrics" "$n"
  measure "$scenario" process-exporter "$pe" "http://127.0.0.1:$pe_port/metrics" "$n"
  measure "$scenario" blackbox "$bb" \
    "http://127.0.0.1:$bb_port/probe?module=http_2xx&target=http://127.0.0.1:$fixture_port/readyz" "$n"
  grep '^openclaw_gateway_\(open_fds\|connections{.*established\|resident_memory\)' "$WORK/ours-$scenario.txt" |
    sed "s/^/bench: $scenario: ours reports /" >&2
  kill "$ours" "$pe" "$bb"
  wait "$ours" "$pe" "$bb" 2>/dev/null || true

  BENCH_PID=$fixture_pid "$BENCH" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_format=json --benchmark_out="$WORK/bench-$scenario.json" --benchmark_out_format=json \
    >/dev/null 2>"$WORK/bench-$scenario.err" || { cat "$WORK/bench-$scenario.err" >&2; exit 1; }
  grep exporter_bench "$WORK/bench-$scenario.err" >&2 || true
}

host_sockets() { ss -tan state all 2>/dev/null | tail -n +2 | wc -l; }

echo "bench: kernel $(uname -r), $(nproc) cores; host TCP sockets now: $(host_sockets)" >&2

# --- a: the real gateway's size -----------------------------------------------------------------------------------
start_fixture "$WORK/fixture-a.log" --state-file "$WORK/state-a.json" --child-rss-mib 20 --extra-fds 70 --established-pairs 1 --close-wait 1
wait_http "http://127.0.0.1:$fixture_port/readyz"
echo "bench: a: gateway pid $fixture_pid, $(fd_count "$fixture_pid") fds; host TCP sockets: $(host_sockets)" >&2
run_scenario a "$SMALL"

# --- a+host: same gateway, 100k other sockets on the host ---------------------------------------------------------
start holder "$WORK/holder.log" "$HOLDER" "$HOST_PAIRS"
holder=$last_pid
until grep -q '^ready' "$WORK/holder.log"; do
  kill -0 "$holder" 2>/dev/null || { cat "$WORK/holder.log" >&2; exit 1; }
  sleep 0.2
done
echo "bench: a+host: $(cat "$WORK/holder.log"); host TCP sockets: $(host_sockets)" >&2
run_scenario a+host "$SMALL"
kill "$fixture_pid"
wait "$fixture_pid" 2>/dev/null || true

# --- b: 10k gateway sockets, 100k host sockets --------------------------------------------------------------------
start_fixture "$WORK/fixture-b.log" --state-file "$WORK/state-b.json" --child-rss-mib 20 --established-pairs "$BIG_PAIRS"
wait_http "http://127.0.0.1:$fixture_port/readyz"
echo "bench: b: gateway pid $fixture_pid, $(fd_count "$fixture_pid") fds; host TCP sockets: $(host_sockets)" >&2
run_scenario b "$BIG"

python3 "$HERE/report.py" "$RESULTS" "$WORK"
