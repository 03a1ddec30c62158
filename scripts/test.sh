#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: installs what it needs, builds with warnings as errors, and
# runs every test — unit, HTTP, real systemd user manager, promtool/amtool, the end-to-end loop with real Prometheus
# and Alertmanager, and the real OpenClaw gateway (fetched from npm by scripts/fetch-openclaw.sh). Then it builds
# again with AddressSanitizer + UndefinedBehaviorSanitizer and reruns the in-process and single-host tests there.
# Usage (as root): scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

echo "== configure and build (preset ci: RelWithDebInfo, -Werror)"
cmake --preset ci
cmake --build --preset ci -j "$jobs"

echo "== tests"
ctest --preset ci -j "$jobs" -LE e2e
# The end-to-end loop drives real Prometheus/Alertmanager/systemd timing on a shared 2-core machine; one of its ten
# scenarios (1e: a resolved notice after a crash then a hook restart) was seen to time out once under load. A failed
# run is retried once, whole, and both outputs stay in the log.
ctest --preset ci -L e2e --repeat until-pass:2

echo "== sanitizers (preset asan: address + undefined, no recovery)"
cmake --preset asan
cmake --build --preset asan -j "$jobs"
# The systemd, end-to-end and real-gateway suites exercise the same code paths with real peers and take minutes;
# they ran above. Under the sanitizers: every unit, HTTP, process and fixture test.
ctest --preset asan -j "$jobs" -E '^(e2e|real_gateway|alerts)|_systemd_test$'
