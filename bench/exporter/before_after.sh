#!/usr/bin/env bash
# before_after.sh BUILD_DIR BENCH_BEFORE BENCH_AFTER [ROUNDS=2]
#
# exporter_bench of two builds (e.g. main's and a branch's) on the same fixture gateways, one run: for each of the
# sizes `a` (the real gateway's: ~80 fds, 5 TCP sockets, one child) and `b` (10k fds = 10k TCP sockets), ROUNDS
# rounds that alternate the two binaries, each running Floor_Full, Lib_Full and Collect_PidFile with 6 repetitions in
# random interleaving. Prints, per size and binary, the median CPU µs over all its repetitions and Collect/Floor.
# Needs a hard RLIMIT_NOFILE above 10.1k (size b). Stops the fixtures it started (trap).
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 BUILD_DIR BENCH_BEFORE BENCH_AFTER [ROUNDS]" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
BEFORE=$2
AFTER=$3
ROUNDS=${4:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
FIXTURE=$BUILD/tests/fixture_gateway/openclaw-fixture-gateway
# shellcheck source=common.sh
source "$HERE/common.sh"
WORK=$(mktemp -d /tmp/openclaw-before-after.XXXXXX)
mkdir "$WORK/out"
trap 'stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)"

run_size() {
  local size=$1
  shift
  start_fixture "$WORK/fixture-$size.log" --state-file "$WORK/state-$size.json" --child-rss-mib 20 "$@"
  wait_http "http://127.0.0.1:$fixture_port/readyz"
  echo "bench: $size: gateway pid $fixture_pid, $(fd_count "$fixture_pid") fds" >&2
  local round which
  for ((round = 1; round <= ROUNDS; round++)); do
    for which in before after; do
      local bin=$BEFORE
      [[ $which == after ]] && bin=$AFTER
      BENCH_PID=$fixture_pid "$bin" --benchmark_filter='^(Floor_Full|Lib_Full|Collect_PidFile)' \
        --benchmark_repetitions=6 --benchmark_enable_random_interleaving=true \
        --benchmark_format=json --benchmark_out="$WORK/out/$size-$which-$round.json" >/dev/null 2>>"$WORK/bench.err"
    done
  done
  kill "$fixture_pid"
  wait "$fixture_pid" 2>/dev/null || true
}

run_size a --extra-fds 70 --established-pairs 1 --close-wait 1
run_size b --established-pairs 5000

python3 - "$WORK" <<'PY'
import json, glob, statistics, sys, collections
work = sys.argv[1]
times = collections.defaultdict(list)
for path in glob.glob(f"{work}/out/*.json"):
    size, which, _ = path.rsplit("/", 1)[1][:-5].split("-")
    for b in json.load(open(path))["benchmarks"]:
        if b.get("run_type") == "iteration":
            times[(size, which, b["run_name"].split("/")[0])].append(b["cpu_time"])
print("size  build   Floor_Full µs   Lib_Full µs   Collect_PidFile µs   Lib/Floor   Collect/Floor   (n per median)")
for size in ("a", "b"):
    for which in ("before", "after"):
        m = {n: statistics.median(times[(size, which, n)]) for n in ("Floor_Full", "Lib_Full", "Collect_PidFile")}
        n = len(times[(size, which, "Floor_Full")])
        print(f"{size:5} {which:7} {m['Floor_Full']:13.0f} {m['Lib_Full']:13.0f} {m['Collect_PidFile']:20.0f}"
              f" {m['Lib_Full']/m['Floor_Full']:10.2f}x {m['Collect_PidFile']/m['Floor_Full']:14.2f}x   ({n})")
PY
