#!/usr/bin/env bash
# Runs the libFuzzer targets (fuzz/README.md). Build them first: cmake --preset fuzz && cmake --build --preset fuzz
#   fuzz/run.sh [--time SECONDS] [TARGET...]   a bounded run (CI: 15 s each), on a scratch copy of the seed corpus
#   fuzz/run.sh --long [--time SECONDS] [TARGET...]
#                                               a long run (default 600 s each): the corpus grows in
#                                               build/fuzz-corpus/TARGET and is kept for the next run
# No TARGET: every target, one after the other. A crash, a leak, a sanitizer report, a timeout (10 s on one input)
# or an out-of-memory (2 GiB) fails the run; the input is saved as build/fuzz-artifacts/TARGET/crash-… and the
# command that reproduces it is printed. One line per target says what ran: executions, seconds, corpus, findings.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$source_dir/build/fuzz
mode=short
seconds=
targets=()
while (($#)); do
  case $1 in
    --long) mode=long ;;
    --time) seconds=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[[ -n $seconds ]] || seconds=$([[ $mode == long ]] && echo 600 || echo 15)
if ((${#targets[@]} == 0)); then
  for dir in "$source_dir"/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

status=0
for target in "${targets[@]}"; do
  binary=$build_dir/fuzz/$target
  seeds=$source_dir/fuzz/corpus/$target
  if [[ ! -x $binary ]]; then echo "fuzz/run.sh: $binary not built (cmake --build --preset fuzz)" >&2; exit 2; fi
  if [[ $mode == long ]]; then corpus=$source_dir/build/fuzz-corpus/$target; else corpus=$scratch/$target; fi
  artifacts=$source_dir/build/fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  dict=$source_dir/fuzz/dict/$target.dict
  [[ -f $dict ]] && args+=(-dict="$dict")
  log=$scratch/$target.log
  target_status=0
  "$binary" "${args[@]}" "$corpus" "$seeds" >"$log" 2>&1 || target_status=$?
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }  # libFuzzer's -print_final_stats
  corpus_size=$(grep -Eo 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  if ((target_status == 0)); then
    printf '%-22s %10s execs in %4s s (%6s/s), corpus %s, peak RSS %s MB, findings: none\n' "$target" \
      "$(stat number_of_executed_units)" "$seconds" "$(stat average_exec_per_sec)" "${corpus_size:-?}" "$(stat peak_rss_mb)"
  else
    status=1
    artifact=$(grep -o "Test unit written to .*" "$log" | tail -n 1 | sed 's/Test unit written to //' || true)
    echo "$target: FAILED (exit $target_status) after $(stat number_of_executed_units) execs"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 || true
    grep -E '^    #[0-9]+ ' "$log" | head -n 12 || true
    if [[ -n $artifact ]]; then echo "  input: $artifact   reproduce: $binary $artifact"; fi
    echo "  full log: $log (copied to $artifacts/last.log)"
    cp "$log" "$artifacts/last.log"
  fi
done
exit "$status"
