#!/usr/bin/env bash
# The whole loop, live, in one command: detect -> alert -> restart -> verify, on loopback.
#
#   scripts/demo.sh [--gateway=fixture|real] [--no-install] [--build-dir DIR] [--duration SECONDS] [--until-restart]
#                   [--leak-mib-per-sec X] [--memory-max SIZE] [--max-old-space-size MIB]
#
# As root on Debian 12. It installs the Debian packages (scripts/install-deps.sh), builds (the `release` preset plus
# the fixture gateway), then runs inside a private mount namespace with a real `systemd --user`
# (tests/lib/with-user-manager.sh):
#   openclaw-gateway.service   the fixture gateway (tests/fixture_gateway/), Restart=always, MemoryMax=256M, leaking
#                              memory on purpose; or, with --gateway=real, the real gateway (openclaw@2026.9.6 on
#                              Node 24, fetched by scripts/fetch-openclaw.sh as the tests fetch it) in the unit
#                              openclaw installs, with a V8 heap too small for it: it logs `memory pressure:
#                              level=critical` ~30 s after it is ready, the exporter reads that from its log
#   openclaw-gateway-exporter  --gateway.unit, probes every second
#   openclaw-restart-hook      action systemctl, audit log in the run directory
#   prometheus                 the SHIPPED rules rendered at demo speed (alerts/profiles/demo.yml), 1 s intervals
#   prometheus-alertmanager    the SHIPPED routing rendered the same way
# It prints the URLs, a status line every 2 s, and every restart the hook records. Ctrl-C or SIGTERM stops all of it
# (the user manager stops the unit; everything else is killed and waited for) and checks that nothing is left.
#
#   --gateway=KIND      fixture (default: no download, ready in seconds) or real (the pinned real gateway from
#                       $OPENCLAW_REAL_GATEWAY_CACHE, default .cache/openclaw, fetched from npm the first time;
#                       ~1 GB of memory, ready 11-23 s after each start; the first restart ~1.5 min in)
#   --no-install        skip install-deps.sh and the build; use an existing build tree (--build-dir). The real
#                       gateway is still fetched if the cache lacks it (scripts/fetch-openclaw.sh; no network once
#                       cached)
#   --build-dir DIR     where the binaries are (default: build/release)
#   --duration SECONDS  stop by itself after that long (for a non-interactive run; default: until Ctrl-C)
#   --until-restart     stop by itself once the hook has recorded its first verified restart (the smoke test);
#                       with --duration, whichever comes first (reaching the duration first is then an error)
#   --leak-mib-per-sec  how fast the fixture leaks (default 3: MemoryHigh fires after ~70 s with the 256M limit)
#   --memory-max SIZE   the unit's MemoryMax= (default 256M)
#   --max-old-space-size MIB   the real gateway's V8 heap (default 240, with --max-semi-space-size=4: critical
#                       pressure; 300 gives warnings only, which restart in a low-traffic window instead)
# Details and the measured latencies: docs/e2e.md.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
ROOT=$PWD

gateway=fixture
install=1
build_dir=$ROOT/build/release
duration=0
until_restart=0
leak=3
memory_max=256M
heap_mib=240
fixture_only=()
while (($#)); do
  case $1 in
    --gateway) gateway=$2; shift ;;
    --gateway=*) gateway=${1#*=} ;;
    --no-install) install=0 ;;
    --build-dir) build_dir=$(readlink -f "$2"); shift ;;
    --build-dir=*) build_dir=$(readlink -f "${1#*=}") ;;
    --duration) duration=$2; shift ;;
    --duration=*) duration=${1#*=} ;;
    --until-restart) until_restart=1 ;;
    --leak-mib-per-sec) leak=$2; fixture_only+=("$1"); shift ;;
    --leak-mib-per-sec=*) leak=${1#*=}; fixture_only+=("${1%%=*}") ;;
    --memory-max) memory_max=$2; fixture_only+=("$1"); shift ;;
    --memory-max=*) memory_max=${1#*=}; fixture_only+=("${1%%=*}") ;;
    --max-old-space-size) heap_mib=$2; shift ;;
    --max-old-space-size=*) heap_mib=${1#*=} ;;
    -h|--help) sed -n '2,/^# Details/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $duration =~ ^[0-9]+$ ]] || { echo "demo: --duration expects whole seconds, got $duration" >&2; exit 2; }
[[ $gateway == fixture || $gateway == real ]] || { echo "demo: --gateway expects fixture or real, got $gateway" >&2; exit 2; }
[[ $heap_mib =~ ^[0-9]+$ ]] || { echo "demo: --max-old-space-size expects MiB, got $heap_mib" >&2; exit 2; }
if [[ $gateway == real ]] && ((${#fixture_only[@]})); then
  echo "demo: ${fixture_only[*]}: for the fixture gateway only (the real one is pressed by --max-old-space-size)" >&2
  exit 2
fi

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

bins=(exporter/openclaw-gateway-exporter restart-hook/openclaw-restart-hook)
[[ $gateway == fixture ]] && bins+=(tests/fixture_gateway/openclaw-fixture-gateway)
for bin in "${bins[@]}"; do
  [[ -x $build_dir/$bin ]] || { echo "demo: $build_dir/$bin is missing (build first, or drop --no-install)" >&2; exit 1; }
done

# The real gateway, exactly as the tests get it (tests/real_gateway/): idempotent, serialised, no network when cached.
openclaw_cache=
if [[ $gateway == real ]]; then
  openclaw_cache=${OPENCLAW_REAL_GATEWAY_CACHE:-$ROOT/.cache/openclaw}
  scripts/fetch-openclaw.sh "$openclaw_cache" >/dev/null || exit 1
fi

run_dir=$(mktemp -d /tmp/openclaw-demo.XXXXXX)
chmod 0755 "$run_dir"
# The namespace, the user manager and their cleanup: tests/lib/with-user-manager.sh. Ctrl-C or SIGTERM here is
# passed on as SIGTERM; it stops scripts/demo/inside.sh (which stops its programs) and then the user manager.
OPENCLAW_DEMO_ROOT=$ROOT OPENCLAW_DEMO_BUILD=$build_dir OPENCLAW_DEMO_RUN=$run_dir \
OPENCLAW_DEMO_DURATION=$duration OPENCLAW_DEMO_UNTIL_RESTART=$until_restart OPENCLAW_DEMO_LEAK=$leak OPENCLAW_DEMO_MEMORY_MAX=$memory_max \
OPENCLAW_DEMO_GATEWAY=$gateway OPENCLAW_DEMO_OPENCLAW_CACHE=$openclaw_cache OPENCLAW_DEMO_HEAP_MIB=$heap_mib \
  tests/lib/with-user-manager.sh "$ROOT/scripts/demo/inside.sh" &
stack=$!
trap 'echo; echo "demo: stopping..."; kill -TERM "$stack" 2>/dev/null' INT TERM HUP
while kill -0 "$stack" 2>/dev/null; do wait "$stack" || true; done
status=0
wait "$stack" || status=$?
trap - INT TERM HUP

# Nothing this demo started may outlive it: every process it starts has the run directory on its command line, or
# (the real gateway, which renames itself `openclaw-gateway`, and its children) HOME=<run dir>/gateway-home.
left=$(pgrep -a -f "$run_dir" || true)
for proc in /proc/[0-9]*; do
  if grep -qzxF "HOME=$run_dir/gateway-home" "$proc/environ" 2>/dev/null; then
    left+=$'\n'"${proc#/proc/} $(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null) (HOME=$run_dir/gateway-home)"
  fi
done
if [[ -n ${left//$'\n'/} ]]; then
  echo "demo: processes still running after the stop:" >&2
  echo "$left" >&2
  status=1
else
  echo "demo: stopped; nothing left running (no process has $run_dir on its command line or as its HOME)"
fi
rm -rf --one-file-system "$run_dir"
# 130/143: stopped by Ctrl-C / SIGTERM, which is how an interactive demo ends.
if ((status == 130 || status == 143)); then status=0; fi
exit "$status"
