#!/usr/bin/env bash
# The whole loop, live, in one command: detect -> alert -> restart -> verify, on loopback.
#
#   scripts/demo.sh [--no-install] [--build-dir DIR] [--duration SECONDS] [--until-restart] [--leak-mib-per-sec X]
#                   [--memory-max SIZE]
#
# As root on Debian 12. It installs the Debian packages (scripts/install-deps.sh), builds (the `release` preset plus
# the fixture gateway), then runs inside a private mount namespace with a real `systemd --user`
# (tests/lib/with-user-manager.sh):
#   openclaw-gateway.service   the fixture gateway (tests/fixture_gateway/), Restart=always, MemoryMax=256M, leaking
#                              memory on purpose
#   openclaw-gateway-exporter  --gateway.unit, probes every second
#   openclaw-restart-hook      action systemctl, audit log in the run directory
#   prometheus                 the SHIPPED rules rendered at demo speed (alerts/profiles/demo.yml), 1 s intervals
#   prometheus-alertmanager    the SHIPPED routing rendered the same way
# It prints the URLs, a status line every 2 s, and every restart the hook records. Ctrl-C or SIGTERM stops all of it
# (the user manager stops the unit; everything else is killed and waited for) and checks that nothing is left.
#
#   --no-install        skip install-deps.sh and the build; use an existing build tree (--build-dir)
#   --build-dir DIR     where the binaries are (default: build/release)
#   --duration SECONDS  stop by itself after that long (for a non-interactive run; default: until Ctrl-C)
#   --until-restart     stop by itself once the hook has recorded its first verified restart (the smoke test);
#                       with --duration, whichever comes first (reaching the duration first is then an error)
#   --leak-mib-per-sec  how fast the fixture leaks (default 3: MemoryHigh fires after ~70 s with the 256M limit)
#   --memory-max SIZE   the unit's MemoryMax= (default 256M)
# Details and the measured latencies: docs/e2e.md.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
ROOT=$PWD

install=1
build_dir=$ROOT/build/release
duration=0
until_restart=0
leak=3
memory_max=256M
while (($#)); do
  case $1 in
    --no-install) install=0 ;;
    --build-dir) build_dir=$(readlink -f "$2"); shift ;;
    --build-dir=*) build_dir=$(readlink -f "${1#*=}") ;;
    --duration) duration=$2; shift ;;
    --duration=*) duration=${1#*=} ;;
    --until-restart) until_restart=1 ;;
    --leak-mib-per-sec) leak=$2; shift ;;
    --leak-mib-per-sec=*) leak=${1#*=} ;;
    --memory-max) memory_max=$2; shift ;;
    --memory-max=*) memory_max=${1#*=} ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $duration =~ ^[0-9]+$ ]] || { echo "demo: --duration expects whole seconds, got $duration" >&2; exit 2; }

if ((EUID != 0)); then
  echo "demo: run as root (it installs packages and runs a systemd user manager in a private mount namespace)" >&2
  exit 1
fi

if ((install)); then
  scripts/install-deps.sh
  # The release preset builds the two programs; the demo also needs the fixture gateway, which lives with the tests.
  cmake --preset release -DOPENCLAW_BUILD_TESTS=ON >/dev/null
  cmake --build --preset release --target openclaw_gateway_exporter openclaw-restart-hook fixture_gateway
fi

for bin in exporter/openclaw-gateway-exporter restart-hook/openclaw-restart-hook \
           tests/fixture_gateway/openclaw-fixture-gateway; do
  [[ -x $build_dir/$bin ]] || { echo "demo: $build_dir/$bin is missing (build first, or drop --no-install)" >&2; exit 1; }
done

run_dir=$(mktemp -d /tmp/openclaw-demo.XXXXXX)
chmod 0755 "$run_dir"
# The namespace, the user manager and their cleanup: tests/lib/with-user-manager.sh. Ctrl-C or SIGTERM here is
# passed on as SIGTERM; it stops scripts/demo/inside.sh (which stops its programs) and then the user manager.
OPENCLAW_DEMO_ROOT=$ROOT OPENCLAW_DEMO_BUILD=$build_dir OPENCLAW_DEMO_RUN=$run_dir \
OPENCLAW_DEMO_DURATION=$duration OPENCLAW_DEMO_UNTIL_RESTART=$until_restart OPENCLAW_DEMO_LEAK=$leak OPENCLAW_DEMO_MEMORY_MAX=$memory_max \
  tests/lib/with-user-manager.sh "$ROOT/scripts/demo/inside.sh" &
stack=$!
trap 'echo; echo "demo: stopping..."; kill -TERM "$stack" 2>/dev/null' INT TERM HUP
while kill -0 "$stack" 2>/dev/null; do wait "$stack" || true; done
status=0
wait "$stack" || status=$?
trap - INT TERM HUP

# Nothing this demo started may outlive it: every process it starts has the run directory on its command line.
if left=$(pgrep -a -f "$run_dir"); then
  echo "demo: processes still running after the stop:" >&2
  echo "$left" >&2
  status=1
else
  echo "demo: stopped; nothing left running (pgrep -f $run_dir finds nothing)"
fi
rm -rf --one-file-system "$run_dir"
# 130/143: stopped by Ctrl-C / SIGTERM, which is how an interactive demo ends.
if ((status == 130 || status == 143)); then status=0; fi
exit "$status"
