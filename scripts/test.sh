#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: installs what it needs, builds with warnings as errors,
# and runs every test (unit, HTTP, real systemd user manager, real Prometheus/Alertmanager tooling).
# Usage (as root): scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

echo "== configure and build (preset ci: RelWithDebInfo, -Werror)"
cmake --preset ci
cmake --build --preset ci -j "$jobs"

echo "== tests"
ctest --preset ci -j "$jobs"
