#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: installs what it needs, builds everything with warnings as
# errors, and runs every test once (docs/testing.md says what each suite proves and how long it takes):
#   - preset asan (AddressSanitizer + UndefinedBehaviorSanitizer): the in-process suites, label `sanitized` (unit,
#     HTTP, processes, the exporter and hook binaries against the fixture gateway). Only their targets are built.
#   - preset tsan (ThreadSanitizer, -O1): the concurrent in-process suites, label `tsan` (the hook's worker, engine
#     and HTTP handlers, the exporter's prober, collector and HTTP surface under concurrent scrapes).
#   - preset ci (RelWithDebInfo, -Werror, every other target): what needs real peers and real time, which the sanitizers
#     would only slow down: real systemd user managers, promtool/amtool, the end-to-end loop with real Prometheus and
#     Alertmanager, the demo, and the real OpenClaw gateway (fetched from npm by scripts/fetch-openclaw.sh).
# The ci suites, which mostly wait on real clocks, start as soon as what they run is built; the rest of the ci build
# and the sanitizer build and suites run niced in the background meanwhile.
# Nothing is retried: a failure fails the run, and its output says which test and why.
# Usage (as root): scripts/test.sh [--experiments]
#   --experiments   also run the opt-in measurements (label `experiment`, docs/real-gateway.md)
set -euo pipefail
cd "$(dirname "$0")/.."

experiments=0
case ${1:-} in
  "") ;;
  --experiments) experiments=1 ;;
  *) echo "usage: scripts/test.sh [--experiments]" >&2; exit 2 ;;
esac

jobs=$(nproc)
run_start=$SECONDS
stages=()
stage() {  # NAME COMMAND...: runs it and records its wall time
  local name=$1 start=$SECONDS status=0
  shift
  echo "== $name"
  "$@" || status=$?
  stages+=("$(printf '%-46s %4d s%s' "$name" $((SECONDS - start)) "$( ((status == 0)) || echo "  FAILED ($status)")")")
  return "$status"
}
background=()  # pids to stop if this script ends early
finish() {
  local pid
  for pid in "${background[@]}"; do  # those still running; the rest are already reaped
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  report_failed_tests
  echo "== wall time per stage (total $((SECONDS - run_start)) s)"
  printf '   %s\n' "${stages[@]}"
}
# At the end of the output (where a CI log is read first): each test that failed in this run, with the end of its
# output from ctest's log, so that a failure far up in a long log is not a bare exit code.
report_failed_tests() {
  local dir failed name
  for dir in build/ci build/asan build/tsan build/fuzz; do
    failed=$dir/Testing/Temporary/LastTestsFailed.log
    [[ -s $failed && $failed -nt build/.test-run-start ]] || continue
    echo "== failed in $dir:"
    sed 's/^/   /' "$failed"
    while IFS=: read -r _ name; do
      echo "== end of the output of $name ($dir)"
      awk -v want="$name" '/^[0-9]+\/[0-9]+ Test: / {current = $3} current == want' \
        "$dir/Testing/Temporary/LastTest.log" | tail -n 60
    done <"$failed"
  done
}
trap finish EXIT

stage "install (scripts/install-deps.sh)" scripts/install-deps.sh
mkdir -p build && touch build/.test-run-start

# The real gateway's download (npm; network-bound) overlaps the build. ctest's real_gateway.fetch runs the same
# idempotent script again and reports a failure, with npm's reason, as a failed test.
mkdir -p build
fetch_log=build/fetch-openclaw.log
nice -n 19 scripts/fetch-openclaw.sh >"$fetch_log" 2>&1 &
fetch_pid=$!
background+=("$fetch_pid")

stage "configure ci, asan, tsan" bash -c 'cmake --preset ci >/dev/null && cmake --preset asan >/dev/null &&
  cmake --preset tsan >/dev/null'
stage "build ci: what the ci suites run" cmake --build --preset ci -j "$jobs" --target ci_suite_targets
fetch_wait_start=$SECONDS
wait "$fetch_pid" || echo "== scripts/fetch-openclaw.sh failed in the background (ctest real_gateway.fetch will say why): $(tail -n 3 "$fetch_log")"
stages+=("$(printf '%-46s %4d s' "real gateway fetch: waited for after that" $((SECONDS - fetch_wait_start)))")

# In the background, logged to a file printed when it is done (so the outputs do not interleave), at the lowest CPU
# priority so that it takes only what the ci suites leave: the asan build of sanitized_tests, the in-process suites
# under the sanitizers (normal priority: some bound a latency), the tsan build of tsan_tests and the concurrent suites
# under ThreadSanitizer, then the rest of the ci build (benchmarks).
# GCC 12's ThreadSanitizer maps its shadow memory at fixed addresses and aborts ("FATAL: ThreadSanitizer: unexpected
# memory mapping") where the kernel randomises mmap with more than 28 bits (vm.mmap_rnd_bits, 32 on some newer
# kernels; google/sanitizers#1716): there its suites run without address randomisation (setarch -R), which their
# children inherit. With 28 bits (this project's machines) they run as they are.
tsan_ctest=(ctest --preset tsan -j 2)
if (($(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0) > 28)); then
  tsan_ctest=(setarch "$(uname -m)" -R "${tsan_ctest[@]}")
fi
background_log=build/background.log
background_start=$SECONDS
(
  set -e
  nice -n 19 cmake --build --preset asan -j "$jobs"
  echo "== asan build complete: $((SECONDS - background_start)) s"
  ctest --preset asan -j 3
  echo "== asan suites complete: $((SECONDS - background_start)) s"
  nice -n 19 cmake --build --preset tsan -j "$jobs"
  echo "== tsan build complete: $((SECONDS - background_start)) s"
  "${tsan_ctest[@]}"
  echo "== tsan suites complete: $((SECONDS - background_start)) s"
  nice -n 19 cmake --build --preset ci -j "$jobs"
  echo "== ci build complete: $((SECONDS - background_start)) s"
) >"$background_log" 2>&1 &
background_pid=$!
background+=("$background_pid")

# ---- fuzz (fuzz/README.md): the libFuzzer targets, built with clang at the lowest priority, then run 15 s each
# once the asan suites are done (they bound latencies; the fuzzers would take CPU from them). Own log.
fuzz_log=build/fuzz.log
(
  set -e
  cmake --preset fuzz >/dev/null
  nice -n 19 cmake --build --preset fuzz -j "$jobs"
  until grep -q '^== asan suites complete' "$background_log" 2>/dev/null || ! kill -0 "$background_pid" 2>/dev/null; do
    sleep 2
  done
  status=0
  nice -n 19 ctest --preset fuzz -j "$jobs" || status=$?
  grep -h 'execs in' build/fuzz/Testing/Temporary/LastTest.log || true  # one line per target (fuzz/run.sh)
  exit "$status"
) >"$fuzz_log" 2>&1 &
fuzz_pid=$!
background+=("$fuzz_pid")
# ---- end fuzz

ci_status=0
stage "ci suites: systemd, alerts, e2e, real gateway" ctest --preset ci -j 4 || ci_status=$?

background_status=0
background_wait_start=$SECONDS
wait "$background_pid" || background_status=$?
echo "== background: asan build, in-process suites under ASan+UBSan, tsan build, concurrent suites under TSan, rest of"\
  "the ci build (log $background_log)"
cat "$background_log"
stages+=("$(printf '%-46s %4d s%s' "background: asan, tsan builds + suites, ci rest" $((SECONDS - background_start)) \
  "$( ((background_status == 0)) || echo "  FAILED ($background_status)")")")
stages+=("$(printf '%-46s %4d s' "  of which waited for after the ci suites" $((SECONDS - background_wait_start)))")

# ---- fuzz: wait for it
fuzz_status=0
fuzz_wait_start=$SECONDS
wait "$fuzz_pid" || fuzz_status=$?
echo "== fuzz: libFuzzer targets, bounded (log $fuzz_log)"
cat "$fuzz_log"
stages+=("$(printf '%-46s %4d s%s' "fuzz: waited for after that" $((SECONDS - fuzz_wait_start)) \
  "$( ((fuzz_status == 0)) || echo "  FAILED ($fuzz_status)")")")
# ---- end fuzz

experiments_status=0
if ((experiments)); then
  stage "experiments (opt-in measurements)" ctest --preset experiments -V || experiments_status=$?
fi

((ci_status == 0 && background_status == 0 && experiments_status == 0 && fuzz_status == 0))
