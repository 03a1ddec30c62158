#!/usr/bin/env bash
# ctest e2e.scenarios_are_sharded: every test of the e2e binary is in exactly one shard (tests/e2e/CMakeLists.txt),
# so adding a scenario without a shard fails here instead of silently never running.
#   check_shards.sh E2E_TEST_BINARY 'Suite.Test:Suite.Test:...'
set -euo pipefail
binary=$1 shards=$2
# --gtest_list_tests prints "Suite." then "  Test" lines.
listed=$("$binary" --gtest_list_tests | awk '/^[^ ]/ {suite = $1} /^  / {print suite $1}' | sort)
sharded=$(tr ':' '\n' <<<"$shards" | sort)
[[ -n $listed ]] || { echo "no tests listed by $binary" >&2; exit 1; }
if dup=$(uniq -d <<<"$sharded") && [[ -n $dup ]]; then echo "in two shards: $dup" >&2; exit 1; fi
if ! diff <(echo "$listed") <(echo "$sharded"); then
  echo "the e2e shards (tests/e2e/CMakeLists.txt) do not list exactly the binary's tests (< only in the binary, > only in a shard)" >&2
  exit 1
fi
echo "$(wc -l <<<"$listed") scenarios, each in exactly one shard"
