#!/usr/bin/env bash
# The main job: the whole loop, live, on loopback (see docs/e2e.md): a leaking fixture gateway under a real systemd
# user manager, the exporter, the restart hook, Prometheus and Alertmanager with the shipped rules at demo speed.
# It installs what it needs, builds, prints the URLs and a live status line, shows an automated restart within about
# two minutes and its audit record. Ctrl-C stops everything it started.
# Usage (as root): scripts/run.sh [demo flags: --gateway=fixture|real, --duration SECONDS, --leak-mib-per-sec X, …]
#   --gateway=real   the same demo on the pinned real gateway (openclaw@2026.9.6, fetched into .cache/ by
#                    scripts/fetch-openclaw.sh as the tests fetch it) under too small a V8 heap: it logs its own
#                    `memory pressure: level=critical`, and that is what gets it restarted. The default is the fixture.
# To watch your own gateway, see "Production" in the README (scripts/run-exporter.sh, deploy/systemd/).
set -euo pipefail
exec "$(dirname "$0")/demo.sh" "$@"
