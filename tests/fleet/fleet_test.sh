#!/usr/bin/env bash
# tests/fleet/fleet_test.sh [BUILD_DIR]
#
# A fleet of gateway hosts, end to end (issue 13 part 2, docs/fleet.md). Three hosts gw-a, gw-b, gw-c, each a network
# namespace made by this test with its own loopback and an address on a bridge the test creates, its own systemd
# user manager (tests/lib/with-user-manager.sh), fixture gateway unit, exporter and restart hook (--host NAME):
# tests/fleet/fleet_host.sh. A central namespace holds the bridge, one Prometheus and an Alertmanager HA pair
# (gossiping over the bridge), all configured from one inventory by `alerts/generate.py --fleet` (file_sd targets,
# a route pair and a token per host) and deploy/prometheus.yml edited the way docs/fleet.md says. Then:
#   1. a fault on gw-b (its gateway hangs) restarts gw-b only: gw-b's hook audit records the restart, the MainPID and
#      InvocationID of gw-a's and gw-c's gateways are unchanged, their hooks decided nothing;
#   2. a restart loop on gw-b (each new gateway process exits with status 1 once the exporter has seen it) fires
#      OpenClawGatewayRestartLoop for gw-b; meanwhile gw-a's gateway hangs and is restarted: the loop inhibits only
#      its own host's restart alerts (equal: [host, gateway]; every gateway here is named "default");
#   3. an alert naming gw-b POSTed to gw-a's hook with gw-a's valid token is refused: wrong_host in its audit and its
#      metrics, gw-a's gateway untouched;
#   4. with one Alertmanager of the pair stopped, a fault on gw-c still reaches gw-c's hook (restart) and the person
#      (the people receiver: a webhook sink) hears of each restart exactly once (the pair deduplicates while both run).
# In this order: 3 and 1 with both Alertmanagers running; then Alertmanager 0 is stopped, and 2 and 4 run side by side
# (gw-b loops and gw-c hangs at once; gw-a hangs once gw-b's RestartLoop fires).
# Then it prints what docs/fleet.md's scaling section quotes: series per host, alert groups, notifications per
# minute, Prometheus' and Alertmanager's peak RSS, the wall time.
#
# Addresses: 10.77.0.0/24 on the bridge, which lives in the test's central namespace; nothing is added to the
# machine's own network namespace (the veth pairs are created inside the test's namespaces). Ports inside the
# namespaces are the production defaults (9090, 9093, 9788, 9789, 18789): namespaces of our own hold nothing else.
# Every namespace name carries a per-run id. Cleanup (a trap, plus a watchdog should this script be SIGKILLed): each
# host's with-user-manager.sh gets SIGTERM (it stops the manager and removes its cgroups), the central programs too,
# then whatever still runs in the namespaces is killed and the namespaces are deleted. Needs root.
# Speed: alerts/profiles/demo.yml + e2e.yml (5 s `for`, 1 s group_wait), 1 s scrape and evaluation, exporter probe
# every 1 s with a 2 s timeout, Alertmanager peer timeout 5 s (the default is 15 s; it must exceed the time a hook
# takes to answer a webhook — up to 3 s for a "down" alert, whose gateway the hook probes first — or the second
# Alertmanager, finding no notification log entry yet, delivers it again: harmless, the hook dedupes, but counted). OPENCLAW_FLEET_KEEP=1 keeps the run directory.
set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
src=${OPENCLAW_SOURCE_DIR:-$(cd "$HERE/../.." && pwd)}
hosts=(gw-a gw-b gw-c)
subnet=10.77.0
declare -A address=([core]=$subnet.1 [gw-a]=$subnet.11 [gw-b]=$subnet.12 [gw-c]=$subnet.13)

alive() {  # PID: running (a child of ours that ended is a zombie until reaped: not running)
  [[ -r /proc/$1/stat && $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# ---- teardown: shared by the trap and the watchdog; idempotent; driven by files in the run directory ----
teardown() {  # RUN
  local run=$1 pid ns deadline left i
  [[ -d $run && $run == /tmp/openclaw-fleet.* ]] || return 0
  # SIGTERM to all at once: each host's with-user-manager.sh stops its command, then the manager and its units, then
  # removes its cgroups (given up to 25 s); the central programs get 3 s (an Alertmanager whose peer is gone waits
  # 10 s to say goodbye to it), then SIGKILL: their data is the run directory's, deleted below.
  local file start=$SECONDS
  for pid in $(cat "$run"/pids/* 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
  while :; do
    left=0
    for file in "$run"/pids/*; do
      [[ -f $file ]] || continue
      pid=$(cat "$file")
      alive "$pid" || continue
      left=1
      [[ ${file##*/} != host-* ]] && ((SECONDS - start >= 3)) && kill -KILL "$pid" 2>/dev/null
    done
    ((left && SECONDS - start < 25)) || break
    sleep 0.1
  done
  # Then anything left in our namespaces, after a second's grace (with-user-manager's watchdogs finish within a moment
  # of their parent; its SIGTERM path leaves its 10 s SIGKILL escalation timer, a `sleep 10`, behind).
  while read -r ns; do
    [[ -n $ns ]] || continue
    deadline=$((SECONDS + 1))
    while [[ -n $(ip netns pids "$ns" 2>/dev/null) ]] && ((SECONDS < deadline)); do sleep 0.1; done
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  done <"$run/namespaces"
  while read -r ns; do
    [[ -n $ns ]] || continue
    for ((i = 0; i < 50; i++)); do
      [[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break
      sleep 0.1
    done
    ip netns del "$ns" 2>/dev/null
  done < <(tac "$run/namespaces" 2>/dev/null)  # hosts before the core (their veth peers sit on its bridge)
  echo "fleet_test: teardown: everything stopped, namespaces deleted in $((SECONDS - start)) s"
  if [[ ${OPENCLAW_FLEET_KEEP:-} == 1 ]]; then
    echo "fleet_test: kept $run"
  else
    rm -rf --one-file-system "$run"
  fi
}

if [[ ${1:-} == --watchdog ]]; then  # waits for EOF on stdin (the test's end, however it ends)
  cat >/dev/null
  teardown "$2"
  exit 0
fi

build=$(readlink -f "${1:-${OPENCLAW_BINARY_DIR:-$src/build/ci}}")
t0=$SECONDS
log() { printf '[fleet %3ds] %s\n' $((SECONDS - t0)) "$*"; }
exec {err_fd}>&2   # fail() reports there even when called from a condition whose output wait_until discards
fail() {
  printf '[fleet %3ds] FAIL: %s\n' $((SECONDS - t0)) "$*" >&"$err_fd"
  dump_logs >&"$err_fd"
  exit 1
}

((EUID == 0)) || { echo "fleet_test: needs root (network namespaces, user managers)" >&2; exit 2; }
for tool in ip nsenter unshare curl python3 prometheus prometheus-alertmanager; do
  command -v "$tool" >/dev/null || { echo "fleet_test: $tool not found (scripts/install-deps.sh)" >&2; exit 1; }
done
for f in "$build/exporter/openclaw-gateway-exporter" "$build/restart-hook/openclaw-restart-hook" \
         "$build/tests/fixture_gateway/openclaw-fixture-gateway"; do
  [[ -x $f ]] || { echo "fleet_test: $f not built" >&2; exit 1; }
done

run=$(mktemp -d /tmp/openclaw-fleet.XXXXXX) || exit 1
chmod 0755 "$run"
mkdir -p "$run/pids" "$run/core/logs"
: >"$run/namespaces"
id=${run##*.}
trap 'teardown "$run"' EXIT
trap 'exit 143' TERM; trap 'exit 130' INT; trap 'exit 129' HUP
mkfifo "$run/alive"
( setsid bash "$SELF" --watchdog "$run" <"$run/alive" >/dev/null 2>&1 & )
exec {alive_fd}>"$run/alive"

dump_logs() {
  local f
  for f in "$run"/*/logs/*.log; do
    [[ -s $f ]] || continue
    echo "---- ${f#"$run"/} (tail) ----"
    tail -n 15 "$f"
  done
}

# ---- helpers ----
declare -A ns=([core]="ocf-$id-core")
for h in "${hosts[@]}"; do ns[$h]="ocf-$id-$h"; done
# nsenter --net, not `ip netns exec`: that one also mounts a fresh /sys for the command, which hides the cgroup
# hierarchies a user manager needs (with-user-manager.sh: "no cgroup hierarchy is mounted").
in_ns() { local where=$1; shift; nsenter --net="/run/netns/${ns[$where]}" -- "$@"; }
spawn() {  # NAME WHERE LOG COMMAND...: started in that namespace, its pid recorded for the teardown
  local name=$1 where=$2 logfile=$3
  shift 3
  nsenter --net="/run/netns/${ns[$where]}" -- "$@" >>"$logfile" 2>&1 {alive_fd}>&- &
  echo $! >"$run/pids/$name"
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.25 s; fails the test when time is up
wait_until() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "not within ${limit}s: $what"
    sleep 0.25
  done
}

prom() {  # PATH [curl args]: Prometheus' HTTP API
  local path=$1
  shift
  in_ns core curl -fsS --max-time 5 "http://127.0.0.1:9090$path" "$@"
}
prom_query() {  # QUERY [UNIX_TIME]: the result vector as "labels-json<TAB>value" lines
  local args=(--data-urlencode "query=$1")
  [[ -n ${2:-} ]] && args+=(--data-urlencode "time=$2")
  prom /api/v1/query "${args[@]}" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["data"]["result"]:
    print(json.dumps(r["metric"], sort_keys=True) + "\t" + r["value"][1])'
}
prom_value() { prom_query "$@" | head -n1 | cut -f2; }  # the first sample's value, or nothing
prom_has() {  # QUERY [UNIX_TIME]: the result is not empty (polled: no Python)
  local args=(--data-urlencode "query=$1")
  [[ -n ${2:-} ]] && args+=(--data-urlencode "time=$2")
  prom /api/v1/query "${args[@]}" | grep -q '"result":\[{'
}
firing() { prom_has "ALERTS{alertname=\"$1\",host=\"$2\",alertstate=\"firing\"}"; }

unit_prop() {  # HOST PROPERTY: of the host's gateway unit, from its user manager
  XDG_RUNTIME_DIR=$(cat "$run/$1/xdg_runtime_dir") systemctl --user show -p "$2" --value openclaw-gateway.service
}
identity() { echo "$(unit_prop "$1" MainPID)/$(unit_prop "$1" InvocationID)"; }
fixture() {  # HOST CONTROL [JSON]: the fixture's control API, from the host's own loopback (it refuses others)
  in_ns "$1" curl -fsS --max-time 5 -X POST -d "${3:-{\}}" "http://127.0.0.1:18789/__fixture/$2" >/dev/null
}
hook_metrics() { in_ns core curl -fsS --max-time 5 -H "Authorization: Bearer $(cat "$run/$1/token")" "http://${address[$1]}:9788/metrics"; }
# audit HOST FILTER: how many audit records of HOST's hook match FILTER, a Python expression over `r` (a record)
audit() {
  python3 - "$run/$1/state/audit.log" "$2" <<'PY'
import json, sys
try:
    records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
except OSError:
    records = []
print(sum(1 for r in records if eval(sys.argv[2], {}, {"r": r})))
PY
}
delivery_latency() {  # HOST: seconds from the restart alert's startsAt (when it fired) to the hook's restart decision
  python3 - "$run/$1/state/audit.log" <<'PY'
import datetime, json, sys
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "decision" and r.get("decision") == "restart":
        print(f'{t(r["ts"]) - t(r["alert"]["starts_at"]):.1f}')
        break
PY
}
audit_is() { [[ $(audit "$1" "$2") == "$3" ]]; }
restart_after() {  # HOST UNIX_TIME: seconds from then to the end of HOST's first verified restart (its audit record)
  python3 - "$run/$1/state/audit.log" "$2" <<'PY'
import datetime, json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "restart" and r.get("result") == "success":
        print(f'{datetime.datetime.fromisoformat(r["ts"].replace("Z", "+00:00")).timestamp() - float(sys.argv[2]):.1f}')
        break
PY
}
decided_at() {  # HOST: unix time of HOST's hook's first restart decision
  python3 - "$run/$1/state/audit.log" <<'PY'
import datetime, json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "decision" and r.get("decision") == "restart":
        print(datetime.datetime.fromisoformat(r["ts"].replace("Z", "+00:00")).timestamp())
        break
PY
}
# restarted HOST N: HOST's hook has recorded N verified restarts (success, and a new main process). grep, not Python:
# it is polled, and a Python start costs more than a second on the loaded machine.
restarted() {
  [[ $(grep -F '"event":"restart"' "$run/$1/state/audit.log" 2>/dev/null | grep -F '"result":"success"' \
    | grep -cF '"main_pid_changed":true') == "$2" ]]
}
# person COUNT-FILTER: notifications the people receiver got whose alerts include one with these labels (k=v ...)
person() {
  python3 - "$run/core/people.jsonl" "$@" <<'PY'
import json, sys
want = dict(kv.split("=", 1) for kv in sys.argv[2:])
n = 0
try:
    lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
except OSError:
    lines = []
for l in lines:
    for a in l["body"]["alerts"]:
        labels = dict(a["labels"], status=a["status"])
        if all(labels.get(k) == v for k, v in want.items()):
            n += 1
print(n)
PY
}
person_is() { local n=$1; shift; [[ $(person "$@") == "$n" ]]; }
# heard ALERTNAME HOST: the person got a firing notification of that alert for that host (polled: grep; each
# notification holds one host's alerts of one name: group_by [alertname, host, gateway, instance])
heard() {
  grep -F "\"alertname\": \"$1\"" "$run/core/people.jsonl" 2>/dev/null | grep -F "\"host\": \"$2\"" \
    | grep -qF '"status": "firing"'
}

# =====================================================================================================================
# The network: a bridge in the central namespace, one veth per host (created inside our namespaces only)
# =====================================================================================================================
for where in core "${hosts[@]}"; do
  ip netns add "${ns[$where]}" || fail "ip netns add ${ns[$where]}"
  echo "${ns[$where]}" >>"$run/namespaces"
  ip -n "${ns[$where]}" link set lo up || fail "lo up in ${ns[$where]}"
done
ip -n "${ns[core]}" link add br0 type bridge && ip -n "${ns[core]}" addr add "${address[core]}/24" dev br0 \
  && ip -n "${ns[core]}" link set br0 up || fail "the bridge"
for h in "${hosts[@]}"; do
  ip -n "${ns[core]}" link add "v-$h" type veth peer name eth0 netns "${ns[$h]}" \
    && ip -n "${ns[core]}" link set "v-$h" master br0 up \
    && ip -n "${ns[$h]}" addr add "${address[$h]}/24" dev eth0 && ip -n "${ns[$h]}" link set eth0 up \
    || fail "the veth of $h"
done
log "network: bridge ${address[core]}/24 in ${ns[core]}; ${hosts[*]} at ${address[gw-a]}, ${address[gw-b]}, ${address[gw-c]}"

# The hosts start now (user manager, gateway, exporter); each starts its hook once its config is written below.
for h in "${hosts[@]}"; do
  mkdir -p "$run/$h/logs"
  spawn "host-$h" "$h" "$run/$h/logs/host.log" \
    "$src/tests/lib/with-user-manager.sh" bash "$HERE/fleet_host.sh" "$h" "${address[$h]}" "$run/$h" "$build"
done

# =====================================================================================================================
# The inventory and what the generator renders from it
# =====================================================================================================================
{
  echo "max_restarting_hosts: 3        # the fast profile's window is the whole day: all three share it"
  echo "hosts:"
  for h in "${hosts[@]}"; do
    mkdir -p "$run/$h"
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$run/$h/token"
    chmod 0600 "$run/$h/token"
    echo "  - {name: $h, exporter: '${address[$h]}:9789', hook_url: 'http://${address[$h]}:9788/alerts', hook_credentials_file: '$run/$h/token'}"
  done
} >"$run/fleet.yml"
spawn people core "$run/core/logs/people.log" python3 "$src/tests/alerts/webhook_sink.py" "$run/core/people.port" \
  "$run/core/people.jsonl"
wait_until 10 "the people sink writes its port" test -s "$run/core/people.port"
python3 "$src/alerts/generate.py" --fleet "$run/fleet.yml" \
  --overrides "$src/alerts/profiles/demo.yml" --overrides "$src/alerts/profiles/e2e.yml" \
  --set "hook_credentials_file=$run/gw-a/token" --set 'human_channels=[webhook]' \
  --set "human_webhook_url=http://127.0.0.1:$(cat "$run/core/people.port")/people" \
  --out-dir "$run/alerts" >"$run/core/logs/generate.log" 2>&1 || { cat "$run/core/logs/generate.log"; fail "alerts/generate.py --fleet"; }

# Each host's hook config: the generator's openclaw-restart-hook.NAME.yml with this run's token and state paths, and
# the fixture's CLI as the busy command (docs/fleet.md: copy it over the host's config).
python3 - "$run" "$build" "${hosts[@]}" <<'PY' || fail "the hooks' configs"
import os, sys, yaml
run, build, hosts = sys.argv[1], sys.argv[2], sys.argv[3:]
for host in hosts:
    c = yaml.safe_load(open(f"{run}/alerts/openclaw-restart-hook.{host}.yml"))
    c["auth"]["bearer_token_file"] = f"{run}/{host}/token"
    c["state_dir"] = f"{run}/{host}/state"
    c["policy"]["busy"]["command"] = [f"{build}/tests/fixture_gateway/openclaw-fixture-gateway", "gateway", "call",
                                      "gateway.restart.preflight", "--json"]
    yaml.safe_dump(c, open(f"{run}/{host}/hook.yml.tmp", "w"), sort_keys=False)
    os.rename(f"{run}/{host}/hook.yml.tmp", f"{run}/{host}/hook.yml")  # the host waits for it
PY

# Prometheus: deploy/prometheus.yml as docs/fleet.md edits it for a central machine (rules and file_sd files from
# the generator's output directory, the openclaw jobs' static targets emptied, one more hook job per token file),
# plus the test's intervals and addresses.
head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$run/core/default-hook.token"
python3 - "$src/deploy/prometheus.yml" "$run/alerts" "$run/fleet.yml" "${address[core]}" >"$run/core/prometheus.yml" <<'PY' \
  || fail "editing deploy/prometheus.yml"
import copy, glob, json, os, sys, yaml
shipped, out, inventory, core = sys.argv[1:]
p = yaml.safe_load(open(shipped))
p["global"].update(scrape_interval="1s", evaluation_interval="1s")
p["rule_files"] = [os.path.join(out, os.path.basename(f)) for f in p["rule_files"]]
ams = [f"{core}:9093", f"{core}:9095"]
p["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] = ams
token_of = {h["name"]: h["hook_credentials_file"] for h in yaml.safe_load(open(inventory))["hosts"]}
jobs = []
for job in p["scrape_configs"]:
    if "scrape_timeout" in job:
        job["scrape_timeout"] = "1s"  # may not exceed the interval
    for sd in job.get("file_sd_configs", []):
        sd["files"] = [os.path.join(out, os.path.basename(f)) for f in sd["files"]]
    name = job["job_name"]
    if name in ("openclaw-gateway-exporter", "openclaw-restart-hook"):
        del job["static_configs"]  # a central Prometheus watches no gateway of its own
    if name == "openclaw-restart-hook":
        # /etc/prometheus/openclaw-restart-hook.token on a real central machine; here no host uses that token (each
        # has its own), its file_sd file is empty, and a file of the run stands in for it.
        job["authorization"]["credentials_file"] = os.path.join(os.path.dirname(inventory), "core", "default-hook.token")
    elif name == "prometheus":
        job["static_configs"] = [{"targets": ["127.0.0.1:9090"]}]
    elif name == "alertmanager":
        job["static_configs"] = [{"targets": ams}]
    jobs.append(job)
    if name == "openclaw-restart-hook":  # docs/fleet.md, "Tokens": a copy of the job per openclaw-hooks-N file
        for path in sorted(glob.glob(os.path.join(out, "openclaw-hooks-*.targets.yml"))):
            entries = json.load(open(path))
            tokens = {token_of[e["labels"]["host"]] for e in entries}
            assert len(tokens) == 1, (path, tokens)
            extra = copy.deepcopy(job)
            extra["job_name"] = "openclaw-restart-hook-" + os.path.basename(path).split(".")[0].split("-")[-1]
            extra["file_sd_configs"] = [{"files": [path]}]
            extra["authorization"]["credentials_file"] = tokens.pop()
            extra["relabel_configs"] = [{"target_label": "job", "replacement": "openclaw-restart-hook"}]
            jobs.append(extra)
p["scrape_configs"] = jobs
yaml.safe_dump(p, sys.stdout, sort_keys=False)
PY
# The checks a user would run first; beside the start-up (their verdicts are read once everything is up).
promtool check config "$run/core/prometheus.yml" >"$run/core/logs/promtool.log" 2>&1 {alive_fd}>&- &
promtool_pid=$!
amtool check-config "$run/alerts/alertmanager.yml" >"$run/core/logs/amtool.log" 2>&1 {alive_fd}>&- &
amtool_pid=$!
log "rendered: alerts/generate.py --fleet (3 hosts, a token each), each host's hook config, deploy/prometheus.yml with 3 hook jobs"

# =====================================================================================================================
# Start everything: the three hosts and the central programs at once
# =====================================================================================================================
for i in 0 1; do
  web=$((9093 + 2 * i)) cluster=$((9094 + 2 * i)) peer=$((9094 + 2 * (1 - i)))
  mkdir -p "$run/core/am-$i"
  spawn "am-$i" core "$run/core/logs/alertmanager-$i.log" prometheus-alertmanager \
    --config.file="$run/alerts/alertmanager.yml" --storage.path="$run/core/am-$i" \
    --web.listen-address="${address[core]}:$web" --web.external-url="http://${address[core]}:$web" \
    --cluster.listen-address="${address[core]}:$cluster" --cluster.advertise-address="${address[core]}:$cluster" \
    --cluster.peer="${address[core]}:$peer" --cluster.peer-timeout=5s --cluster.gossip-interval=200ms \
    --cluster.reconnect-interval=1s
done
spawn prometheus core "$run/core/logs/prometheus.log" prometheus --config.file="$run/core/prometheus.yml" \
  --storage.tsdb.path="$run/core/prometheus" --web.listen-address=127.0.0.1:9090 \
  --web.external-url=http://127.0.0.1:9090

host_ready() { [[ -e $run/$1/ready ]] || { kill -0 "$(cat "$run/pids/host-$1")" 2>/dev/null || fail "host $1 ended: $(tail -n 20 "$run/$1/logs/host.log")"; return 1; }; }
for h in "${hosts[@]}"; do wait_until 90 "host $h ready (user manager, gateway, exporter, hook)" host_ready "$h"; done
am_ready() { in_ns core curl -fsS --max-time 2 "http://${address[core]}:$1/-/ready"; }
wait_until 90 "Alertmanager 0 ready" am_ready 9093
wait_until 90 "Alertmanager 1 ready" am_ready 9095
cluster_size() { [[ $(in_ns core curl -fsS --max-time 2 "http://${address[core]}:$1/api/v2/status" \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["cluster"]["peers"]))') == 2 ]]; }
wait_until 30 "the Alertmanagers see each other (2 peers)" cluster_size 9093
wait_until 90 "Prometheus ready" prom /-/ready
all_up() { [[ $(prom_value 'count(up{host=~"gw-.+"} == 1)') == 6 ]]; }
wait_until 60 "Prometheus scrapes the 3 exporters and the 3 hooks (file_sd, host labels)" all_up
wait "$promtool_pid" || { cat "$run/core/logs/promtool.log"; fail "promtool check config"; }
wait "$amtool_pid" || { cat "$run/core/logs/amtool.log"; fail "amtool check-config"; }
stack_up=$SECONDS
log "up: 3 hosts (user manager, gateway, exporter, hook each), Prometheus, 2 Alertmanagers clustered; 6 targets up; promtool check config, amtool check-config: ok"
declare -A before
for h in "${hosts[@]}"; do before[$h]=$(identity "$h"); done

# A sampler for the figures docs/fleet.md quotes (every 2 s): alert groups and alerts in each Alertmanager, the RSS of
# Prometheus and the Alertmanagers. Measurement only; nothing waits on it.
pid_in() {  # the pid of the program spawned as NAME (nsenter execs it: the recorded pid is the program's)
  cat "$run/pids/$1"
}
(
  while :; do
    line="$SECONDS"
    for i in 0 1; do
      m=$(in_ns core curl -fsS --max-time 2 "http://${address[core]}:$((9093 + 2 * i))/metrics" 2>/dev/null)
      groups=$(awk '/^alertmanager_dispatcher_aggregation_groups /{print $2}' <<<"$m")
      active=$(awk '/^alertmanager_alerts\{state="active"\} /{print $2}' <<<"$m")
      line+=" ${groups:--} ${active:--}"
    done
    for p in prometheus am-0 am-1; do
      line+=" $(awk '/^VmRSS:/{print $2}' "/proc/$(pid_in "$p")/status" 2>/dev/null || echo -)"
    done
    echo "$line"
    sleep 2
  done
) >"$run/core/samples.txt" 2>/dev/null {alive_fd}>&- &
sampler=$!
echo "$sampler" >"$run/pids/sampler"

# =====================================================================================================================
# 3. A forged alert naming gw-b, sent to gw-a's hook with gw-a's own valid token: refused (wrong_host)
# =====================================================================================================================
forged=$(python3 - <<'PY'
import json
print(json.dumps({"version": "4", "status": "firing", "receiver": "openclaw-restart-hook/gw-b", "groupKey": "forged",
  "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://forged", "truncatedAlerts": 0,
  "alerts": [{"status": "firing", "startsAt": "2026-01-01T00:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
              "fingerprint": "f0f0f0f0f0f0f0f0", "generatorURL": "http://forged", "annotations": {},
              "labels": {"alertname": "OpenClawGatewayDown", "action": "restart", "urgency": "immediate",
                         "severity": "critical", "host": "gw-b", "gateway": "default",
                         "instance": "10.77.0.12:9789", "job": "openclaw-gateway-exporter"}}]}))
PY
)
code=$(in_ns core curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $(cat "$run/gw-a/token")" \
  -H 'Content-Type: application/json' -d "$forged" "http://${address[gw-a]}:9788/alerts")
[[ $code == 2* ]] || fail "gw-a's hook answered $code to an authenticated webhook"
audit_is gw-a 'r.get("event") == "decision" and r.get("reason") == "wrong_host" and r["alert"]["labels"].get("host") == "gw-b"' 1 \
  || fail "gw-a's audit log has no wrong_host decision for the alert naming gw-b"
wrong_host_counted() {
  hook_metrics gw-a | grep -E '^openclaw_restart_hook_decisions_total\{' | grep 'reason="wrong_host"' | grep -Eq ' 1$' \
    && hook_metrics gw-a | grep -E '^openclaw_restart_hook_last_declined_timestamp_seconds\{' \
      | grep 'reason="wrong_host"' | grep -Evq ' 0$'
}
wrong_host_counted || { hook_metrics gw-a | grep -E 'wrong_host' >&2; fail "gw-a's hook metrics do not count the wrong_host refusal"; }
((  $(audit gw-a 'r.get("event") == "restart"') == 0 )) || fail "gw-a's hook restarted something"
[[ $(identity gw-a) == "${before[gw-a]}" ]] || fail "gw-a's gateway changed after the forged alert"
log "3. PASS: forged alert (host gw-b) to gw-a's hook with gw-a's token: HTTP $code, decision none/wrong_host (audit + decisions_total 1, last_declined_timestamp set), gw-a's MainPID/InvocationID unchanged"

# =====================================================================================================================
# 1. A fault on gw-b restarts gw-b only
# =====================================================================================================================
hang_b=$(date +%s.%N)
fixture gw-b hang || fail "POST /__fixture/hang to gw-b"
log "1. gw-b's gateway hangs (MainPID/InvocationID ${before[gw-b]})"
wait_until 90 "gw-b's hook restarts gw-b (audit: restart, success, new MainPID)" restarted gw-b 1
after_b=$(identity gw-b)
[[ $after_b != "${before[gw-b]}" ]] || fail "gw-b's MainPID/InvocationID did not change"
for h in gw-a gw-c; do
  [[ $(identity "$h") == "${before[$h]}" ]] || fail "$h's gateway changed: ${before[$h]} -> $(identity "$h")"
  (($(audit "$h" 'r.get("event") in ("restart", "gave_up")') == 0)) || fail "$h's hook restarted something"
  (($(audit "$h" 'r.get("event") == "decision" and r.get("reason") != "wrong_host"') == 0)) \
    || fail "$h's hook received a restart alert: $(tail -n 3 "$run/$h/state/audit.log")"
done
log "1. PASS: gw-b restarted by gw-b's hook $(restart_after gw-b "$hang_b")s after the fault (alert startsAt -> hook decision $(delivery_latency gw-b)s; MainPID/InvocationID ${before[gw-b]} -> $after_b); gw-a, gw-c unchanged, their hooks decided nothing"
# While both Alertmanagers run (4. checks at the end that it came once).
wait_until 30 "the person hears of gw-b's restart" heard OpenClawGatewayRestarted gw-b

# =====================================================================================================================
# 2. and 4., side by side (different hosts): Alertmanager 0 is stopped first; then gw-b loops and gw-c hangs at once;
# once gw-b's RestartLoop fires, gw-a hangs. From here on Alertmanager 1 alone delivers.
# =====================================================================================================================
am_sent() { in_ns core curl -fsS --max-time 2 "http://${address[core]}:$1/metrics" \
  | awk '/^alertmanager_notifications_total\{integration="webhook"\} /{print $2}'; }
am0_sent=$(am_sent 9093)
am0=$(pid_in am-0)
kill -TERM "$am0" 2>/dev/null
am0_gone() { ! alive "$am0"; }
wait_until 20 "Alertmanager 0 exits on SIGTERM" am0_gone
wait "$am0" 2>/dev/null
sent_before=$(am_sent 9095)
log "4. Alertmanager 0 stopped (pid $am0); Alertmanager 1 alone from now on"

# The loop: every new main process of gw-b's gateway exits with status 1 as soon as Prometheus has scraped its pid
# from the exporter (a process that exited before the exporter saw it would not count as a restart:
# openclaw_gateway_process_restarts_total counts the process identities the exporter sees); systemd restarts it 1 s
# later (Restart=always), again and again.
touch "$run/crash-loop"
nsenter --net="/run/netns/${ns[core]}" -- python3 - "$run/crash-loop" "${ns[gw-b]}" <<'PY' {alive_fd}>&- &
import json, os, subprocess, sys, time, urllib.parse, urllib.request
flag, netns = sys.argv[1:]
query = "http://127.0.0.1:9090/api/v1/query?" + urllib.parse.urlencode({"query": 'openclaw_gateway_pid{host="gw-b"}'})
last = None
while os.path.exists(flag):
    try:
        result = json.load(urllib.request.urlopen(query, timeout=2))["data"]["result"]
    except OSError:
        result = []
    pid = result[0]["value"][1] if result else None  # the main process the exporter saw last
    if pid and pid != last:
        exited = subprocess.run(["nsenter", f"--net=/run/netns/{netns}", "--", "curl", "-fsS", "--max-time", "2", "-X",
                                 "POST", "-d", '{"code":1}', "http://127.0.0.1:18789/__fixture/exit"],
                                capture_output=True).returncode == 0
        if exited:
            last = pid
    time.sleep(0.1)
PY
loop=$!
echo "$loop" >"$run/pids/crash-loop"
t2=$SECONDS
hang_c=$(date +%s.%N)
fixture gw-c hang || fail "POST /__fixture/hang to gw-c"
log "2. gw-b's gateway starts a restart loop; 4. gw-c's gateway hangs"
wait_until 60 "OpenClawGatewayRestartLoop fires for gw-b" firing OpenClawGatewayRestartLoop gw-b
am_has_loop() {
  in_ns core curl -fsS --max-time 2 "http://${address[core]}:9095/api/v2/alerts?filter=alertname%3D%22OpenClawGatewayRestartLoop%22&filter=host%3D%22gw-b%22" \
    | grep -q '"state":"active"'
}
wait_until 20 "Alertmanager holds gw-b's RestartLoop" am_has_loop
hang_a=$(date +%s.%N)
fixture gw-a hang || fail "POST /__fixture/hang to gw-a"
log "2. RestartLoop firing for gw-b after $((SECONDS - t2))s (NRestarts $(unit_prop gw-b NRestarts)); gw-a's gateway hangs now"

wait_until 90 "gw-c's hook restarts gw-c with one Alertmanager left" restarted gw-c 1
[[ $(identity gw-c) != "${before[gw-c]}" ]] || fail "gw-c's MainPID/InvocationID did not change"
(($(am_sent 9095) > sent_before)) || fail "Alertmanager 1 sent no webhook"
log "4. PASS: gw-c restarted $(restart_after gw-c "$hang_c")s after its fault (startsAt -> hook decision $(delivery_latency gw-c)s) through Alertmanager 1 alone"

wait_until 90 "gw-a's hook restarts gw-a while gw-b loops" restarted gw-a 1
# gw-b's loop alert was firing when gw-a's restart alert reached gw-a's hook (Prometheus, at that moment).
prom_has 'ALERTS{alertname="OpenClawGatewayRestartLoop",host="gw-b",alertstate="firing"}' "$(decided_at gw-a)" \
  || fail "gw-b's RestartLoop was not firing when gw-a's hook decided (the test proved nothing)"
[[ $(identity gw-a) != "${before[gw-a]}" ]] || fail "gw-a's MainPID/InvocationID did not change"
rm -f "$run/crash-loop"
wait "$loop" 2>/dev/null
log "2. PASS: gw-a restarted $(restart_after gw-a "$hang_a")s after its fault (startsAt -> hook decision $(delivery_latency gw-a)s) while gw-b's RestartLoop fired (checked at the hook's decision time); gw-b's loop stopped after $(unit_prop gw-b NRestarts) automatic restarts"
for h in "${hosts[@]}"; do
  wait_until 30 "the person hears of $h's restart" heard OpenClawGatewayRestarted "$h"
done
heard_all=$SECONDS
wait_until 30 "the person hears of gw-a's wrong_host refusal (OpenClawRestartHookDeclined)" \
  heard OpenClawRestartHookDeclined gw-a
log "4. the person heard of every restart, and of gw-a's wrong_host refusal"
wait_until 30 "gw-b's gateway answers again after the loop" in_ns gw-b curl -fsS --max-time 1 http://127.0.0.1:18789/readyz

# =====================================================================================================================
# Figures for docs/fleet.md
# =====================================================================================================================
elapsed=$((SECONDS - stack_up))
in_ns core python3 "$HERE/fleet_figures.py" "$run" "$elapsed" "${am0_sent:-0}" core="${address[core]}" \
  gw-a="${address[gw-a]}" gw-b="${address[gw-b]}" gw-c="${address[gw-c]}" || log "(fleet_figures.py failed: figures incomplete)"
# Exactly once each: the pair deduplicates (gossiped notification log, peer timeout 5 s) while both run, and the one
# left sends alone. A duplicate would come within the peer timeout + gossip of the first; the check is made at least
# 7 s after the last first message (the figures above usually took that long already).
while ((SECONDS < heard_all + 7)); do sleep 0.5; done
for h in "${hosts[@]}"; do
  person_is 1 alertname=OpenClawGatewayRestarted host="$h" status=firing \
    || fail "the person heard of $h's restart $(person alertname=OpenClawGatewayRestarted host="$h" status=firing) times, not once"
done
log "4. PASS: each host's OpenClawGatewayRestarted reached the person exactly once (both Alertmanagers for gw-b, Alertmanager 1 alone for gw-a and gw-c)"
log "PASS: all four properties hold; wall time $((SECONDS - t0)) s (stack up after $((stack_up - t0)) s)"

# Opt-in (not in ctest): the central programs with OPENCLAW_FLEET_SCALE_HOSTS more hosts at production intervals
# (tests/fleet/fleet_scale.py says how); the figures docs/fleet.md quotes for hundreds of hosts.
if [[ -n ${OPENCLAW_FLEET_SCALE_HOSTS:-} ]]; then
  n=$OPENCLAW_FLEET_SCALE_HOSTS
  python3 "$HERE/fleet_scale.py" render "$run" "$n" || fail "fleet_scale.py render"
  kill -HUP "$(pid_in prometheus)"
  scaled_up() { [[ $(prom_value "count(up{host=~\"v.+\"} == 1)") == $((2 * n)) ]]; }
  wait_until 300 "Prometheus scrapes the $n added hosts (file_sd, no restart)" scaled_up
  log "scale: Prometheus scrapes $n more hosts (2 targets each), picked up from the file_sd files"
  in_ns core python3 "$HERE/fleet_scale.py" measure "$run" "$n" "${OPENCLAW_FLEET_SCALE_SECONDS:-90}" \
    "$(pid_in prometheus)" "$(pid_in am-1)" "http://${address[core]}:9095" || fail "fleet_scale.py measure"
fi
