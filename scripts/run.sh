#!/usr/bin/env bash
# The main job: the whole loop, live, on loopback (see docs/e2e.md): a leaking fixture gateway under a real systemd
# user manager, the exporter, the restart hook, Prometheus and Alertmanager with the shipped rules at demo speed.
# It installs what it needs, builds, prints the URLs and a live status line, shows an automated restart within about
# two minutes and its audit record. Ctrl-C stops everything it started.
# Usage (as root): scripts/run.sh [demo flags: --duration SECONDS, --leak-mib-per-sec X, --memory-max SIZE, …]
# For a real gateway, see "Production" in the README (scripts/run-exporter.sh, deploy/systemd/).
set -euo pipefail
exec "$(dirname "$0")/demo.sh" "$@"
