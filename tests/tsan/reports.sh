#!/usr/bin/env bash
# tests/tsan/reports.sh clear|check
#
# The tsan test preset sends ThreadSanitizer's reports to files (TSAN_OPTIONS log_path=PREFIX: one PREFIX.<pid> per
# process that reported), so that a report from a program a test drives (the exporter or hook binary, whose stderr
# goes to a log the test may never print) is not lost. ctest runs `clear` before the tsan suites (fixture setup) and
# `check` after them (fixture cleanup): `check` prints every report and fails when there is one. PREFIX is read from
# TSAN_OPTIONS, the one place it is set (CMakePresets.json, test preset tsan).
set -euo pipefail
mode=${1:-}
prefix=$(tr ':' '\n' <<<"${TSAN_OPTIONS:-}" | sed -n 's/^log_path=//p' | tail -n 1)
if [[ -z $prefix || $prefix == stderr || $prefix == stdout ]]; then
  echo "TSAN_OPTIONS has no log_path: ThreadSanitizer reports go to each program's stderr, nothing to collect here"
  exit 0
fi
shopt -s nullglob
reports=("$prefix".*)
case $mode in
  clear)
    rm -f -- "${reports[@]}"
    echo "cleared ${#reports[@]} old report file(s) ${prefix}.*" ;;
  check)
    if ((${#reports[@]} == 0)); then
      echo "no ThreadSanitizer report (${prefix}.*)"
      exit 0
    fi
    for report in "${reports[@]}"; do
      echo "==== $report"
      cat -- "$report"
    done
    echo "FAILED: ${#reports[@]} process(es) wrote ThreadSanitizer reports (above; each names the program in its stacks)"
    exit 1 ;;
  *) echo "usage: $0 clear|check" >&2; exit 2 ;;
esac
