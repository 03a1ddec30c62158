#!/usr/bin/env bash
# One ctest entry per check of the alerting, dashboard and deployment files (tests/alerts/CMakeLists.txt).
#   bash tests/alerts/run.sh CHECK        CHECK: see the case below; OPENCLAW_SOURCE_DIR defaults to the repo root.
# Each check fails on a broken input; tests/alerts/run.sh self_test proves that for the checks that are cheap to break.
set -euo pipefail
src=${OPENCLAW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src"
python=/usr/bin/python3; [[ -x $python ]] || python=$(command -v python3 || true)
[[ -n $python ]] || { echo "python3 is required (Debian package python3)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

need() { command -v "$1" >/dev/null || { echo "$1 not found: install Debian package $2 (scripts/install-deps.sh)" >&2; exit 1; }; }

case ${1:?usage: run.sh CHECK} in
  check_rules)
    need promtool prometheus
    promtool check rules alerts/openclaw-gateway.rules.yml ;;

  test_rules)
    need promtool prometheus
    promtool test rules alerts/tests/*.test.yml ;;

  generated_up_to_date)
    # The committed rules, routing and dashboard are exactly what alerts/thresholds.yml renders ...
    "$python" alerts/generate.py --check
    # ... and --check notices a change of the thresholds file (a check that cannot fail is worthless).
    sed 's/^memory_ratio_max: 0.8 /memory_ratio_max: 0.7 /' alerts/thresholds.yml >"$tmp/thresholds.yml"
    if "$python" alerts/generate.py --thresholds "$tmp/thresholds.yml" --check >/dev/null 2>&1; then
      echo "generate.py --check did not notice a changed threshold" >&2; exit 1
    fi ;;

  generator_overrides)
    # The documented demo/e2e mechanism: overrides on top of thresholds.yml, rendered into a directory.
    need promtool prometheus; need amtool prometheus-alertmanager
    echo secret >"$tmp/token"
    "$python" alerts/generate.py --overrides alerts/profiles/demo.yml --set hook_url=http://127.0.0.1:1/alerts \
      --set hook_credentials_file="$tmp/token" --set close_wait_max=3 --out-dir "$tmp/demo"
    promtool check rules "$tmp/demo/openclaw-gateway.rules.yml"
    amtool check-config "$tmp/demo/alertmanager.yml"
    "$python" tests/alerts/check_dashboards.py "$tmp/demo/openclaw-gateway.json"
    grep -q 'for: 5s' "$tmp/demo/openclaw-gateway.rules.yml"
    grep -q 'openclaw_gateway_connections{state="close_wait"} > 3$' "$tmp/demo/openclaw-gateway.rules.yml"
    grep -q "credentials_file: $tmp/token" "$tmp/demo/alertmanager.yml"
    grep -q 'end_time: "24:00"' "$tmp/demo/alertmanager.yml"
    # Typos and malformed values are errors, never silently ignored.
    for bad in no_such_key=1 for_memory_high=5 memory_ratio_max=high scheduled_windows=25:00-26:00; do
      if "$python" alerts/generate.py --set "$bad" --out-dir "$tmp/bad" >/dev/null 2>&1; then
        echo "generate.py accepted --set $bad" >&2; exit 1
      fi
    done
    echo "generator overrides: ok" ;;

  check_alertmanager)
    need amtool prometheus-alertmanager
    amtool check-config alerts/alertmanager.yml ;;

  alert_contract)
    need amtool prometheus-alertmanager
    "$python" tests/alerts/check_alert_contract.py alerts/openclaw-gateway.rules.yml alerts/alertmanager.yml docs/runbooks ;;

  check_prometheus_config)
    need promtool prometheus
    # promtool insists that the hook's token file exists: check a copy whose token path points at a scratch file.
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    echo token >"$scratch/token"
    sed -e "s#/etc/openclaw-restart-hook/token#$scratch/token#" -e "s#\.\./alerts/#$PWD/alerts/#" \
      deploy/prometheus.yml >"$scratch/prometheus.yml"
    grep -q "credentials_file: $scratch/token" "$scratch/prometheus.yml"
    promtool check config "$scratch/prometheus.yml" ;;

  dashboards)
    need promtool prometheus
    "$python" tests/alerts/check_dashboards.py dashboards/*.json
    # Every provisioned dashboard file is one of ours, and the provisioning files name the paths compose mounts.
    grep -q 'path: /var/lib/grafana/dashboards/openclaw' dashboards/provisioning/dashboards/openclaw.yml
    grep -q 'url: http://127.0.0.1:9090' dashboards/provisioning/datasources/prometheus.yml ;;

  compose_config)
    need docker-compose docker-compose
    docker-compose -f docker-compose.yml config -q
    # every file the compose file mounts from the repository exists
    grep -oE '^\s+- \./[^:]+' docker-compose.yml | sed 's/^ *- //' | while read -r p; do
      [[ -e $p ]] || { echo "docker-compose.yml mounts $p, which does not exist" >&2; exit 1; }
    done ;;

  systemd_units)
    need systemd-analyze systemd
    # Offline verification of the unit files (unknown keys, bad values); ExecStart paths are checked for existence
    # by systemd-analyze, so point them at a stand-in binary.
    mkdir -p "$tmp/bin"; printf '#!/bin/sh\n' >"$tmp/bin/stub"; chmod +x "$tmp/bin/stub"
    for unit in deploy/systemd/*.service; do
      sed -E "s|^ExecStart=[^ ]+|ExecStart=$tmp/bin/stub|" "$unit" >"$tmp/$(basename "$unit")"
      out=$(systemd-analyze verify "$tmp/$(basename "$unit")" 2>&1 || true)
      if grep -Ev 'Cannot add dependency job|\.slice' <<<"$out" | grep -q .; then
        echo "$unit:"; echo "$out"; exit 1
      fi
      grep -q '^WantedBy=default.target' "$unit" || { echo "$unit: a user unit needs WantedBy=default.target" >&2; exit 1; }
    done
    bash -n deploy/systemd/install.sh
    bash -n deploy/systemd/uninstall.sh
    echo "systemd units: ok" ;;

  hook_example_config)
    # deploy/openclaw-restart-hook.yml passes the hook's own validation (with a token file that exists here).
    hook=${2:?usage: run.sh hook_example_config PATH_TO_openclaw-restart-hook}
    echo secret >"$tmp/token"; chmod 600 "$tmp/token"; mkdir -p "$tmp/state"
    sed -e "s|/etc/openclaw-restart-hook/token|$tmp/token|" -e "s|^state_dir: [^ ]*|state_dir: $tmp/state|" \
      deploy/openclaw-restart-hook.yml >"$tmp/config.yml"
    "$hook" --check-config --config.file "$tmp/config.yml"
    sed 's/action: systemctl/action: reboot/' "$tmp/config.yml" >"$tmp/bad.yml"
    if "$hook" --check-config --config.file "$tmp/bad.yml" >/dev/null 2>&1; then
      echo "the hook accepted an invalid action: its --check-config proves nothing" >&2; exit 1
    fi ;;

  *) echo "unknown check $1" >&2; exit 2 ;;
esac
