#!/usr/bin/env bash
# tests/deploy/deploy_test.sh BUILD_DIR
#
# docs/deploy.md, section 1 (systemd user units), executed step by step the way the docs say it, as root on a
# Debian 12 machine without systemd as PID 1:
#   - a NEW non-root gateway user (unique name) whose own `systemd --user` manager runs the units (its cgroup is
#     named user@<uid>.service and delegated to the user, as logind's user@.service would);
#   - the gateway unit shaped exactly as openclaw writes it (no MemoryMax=, node --max-old-space-size, Restart=always,
#     TimeoutStopSec=330, KillMode=mixed, RestartPreventExitStatus=78, ...), the fixture gateway behind a stand-in
#     `node` as its ExecStart;
#   - lingering, deploy/systemd/install.sh run as that user, Debian's prometheus and prometheus-alertmanager run as
#     user `prometheus` with /etc/default/* ARGS, /etc/prometheus/* from the shipped files, the token copy the docs
#     make for them; TLS on both of our programs as the docs describe it.
# Then: a real fault (the fixture hangs) -> OpenClawGatewayDown -> Alertmanager -> the installed hook restarts the
# gateway (its audit log says so, the MainPID changed); pidfd_getfd is the socket method under the shipped exporter
# unit; both programs serve TLS with the installed shim (mapped from ~/.local/lib/openclaw); the busy-check command
# works under the hook unit's hardening; every host path docker-compose.yml mounts exists; uninstall.sh --purge and
# the docs' removal steps leave nothing behind.
#
# Isolation: everything runs in a private mount namespace where /etc, /home, /var/lib, /var/log are overlays (the user, the
# linger file, /etc/prometheus, /etc/openclaw-restart-hook and Prometheus' data never reach the host), /run/user,
# /run/systemd and /tmp are fresh tmpfs, ports are picked at run time, and every process lives in a cgroup subtree of
# our own that the cleanup kills (a trap, plus a watchdog should this script be SIGKILLed). Needs root.
#
# Deviations from the docs, for speed only (each is printed): rules rendered with alerts/profiles/demo.yml (a 5 s
# `for:` instead of 2 m); scrape/evaluation interval 1 s instead of 15 s; the binaries come from BUILD_DIR
# (install.sh --build-dir) instead of build/release.
set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
src=${OPENCLAW_SOURCE_DIR:-$(cd "$(dirname "$SELF")/../.." && pwd)}
build=$(readlink -f "${1:-${OPENCLAW_BINARY_DIR:-$src/build/ci}}")
t0=$SECONDS

# shellcheck source=isolated_host.sh
source "$(dirname "$SELF")/isolated_host.sh"   # log, fail, wait_until, free_port, cgroup plumbing, cleanup

# ---- watchdog: waits for EOF on its stdin (this script's end, however it ends), then cleans up ----
if [[ ${1:-} == --watchdog ]]; then
  cat >/dev/null
  destroy_cgroup_tree "$3" "*/openclaw-deploy.*"
  remove_scratch "$2"
  exit 0
fi

# =====================================================================================================================
# OUTER: scratch dir, cgroup subtree, cleanup; then the test itself in a private mount namespace.
# =====================================================================================================================
if [[ ${_OPENCLAW_DEPLOY_INNER:-} != 1 ]]; then
  ((EUID == 0)) || { echo "deploy_test: needs root (mount namespace, useradd, setpriv)" >&2; exit 2; }
  for tool in unshare setpriv useradd python3 curl openssl prometheus prometheus-alertmanager docker-compose; do
    command -v "$tool" >/dev/null || { echo "deploy_test: $tool not found (scripts/install-deps.sh)" >&2; exit 1; }
  done
  for f in "$build/exporter/openclaw-gateway-exporter" "$build/restart-hook/openclaw-restart-hook" \
           "$build/lib/libopenclaw-tls-shim.so" "$build/tests/fixture_gateway/openclaw-fixture-gateway"; do
    [[ -f $f ]] || { echo "deploy_test: $f not built" >&2; exit 1; }
  done
  scratch=$(mktemp -d /var/tmp/openclaw-deploy.XXXXXX) || exit 1
  chmod 0755 "$scratch"
  base=$(awk -F: '$2 == "name=systemd" { print $3 }' /proc/self/cgroup)
  [[ -n $base ]] || base=$(awk -F: '$1 == "0" && $2 == "" { print $3 }' /proc/self/cgroup)
  cgtop="${base%/}/$(basename "$scratch")"
  cleanup() {
    trap - TERM INT HUP
    destroy_cgroup_tree "$cgtop" "*/openclaw-deploy.*"
    remove_scratch "$scratch"
  }
  trap cleanup EXIT
  trap 'exit 143' TERM; trap 'exit 130' INT; trap 'exit 129' HUP
  mkfifo "$scratch/alive"
  ( setsid bash "$SELF" --watchdog "$scratch" "$cgtop" <"$scratch/alive" >/dev/null 2>&1 & )
  exec {alive_fd}>"$scratch/alive"
  mapfile -t procs < <(make_cgroup "$cgtop/test") && ((${#procs[@]})) || exit 1
  export _OPENCLAW_DEPLOY_INNER=1 DEPLOY_SCRATCH=$scratch DEPLOY_CGTOP=$cgtop DEPLOY_BUILD=$build
  bash -c 'for f in "${@:2}"; do echo $$ >"$f" || exit 1; done; exec unshare --mount --propagation private -- bash "$1"' \
    inner "$SELF" "${procs[@]}" {alive_fd}>&- &
  inner=$!
  status=0
  wait "$inner" || status=$?
  echo "deploy_test: wall time $((SECONDS - t0)) s, status $status"
  exit "$status"
fi

# =====================================================================================================================
# INNER (private mount namespace, our cgroup subtree)
# =====================================================================================================================
scratch=$DEPLOY_SCRATCH
cgtop=$DEPLOY_CGTOP
build=$DEPLOY_BUILD

# ---- a host of our own: overlays over /etc, /home and /var/lib; fresh /run/user, /run/systemd, /tmp ----
for d in etc home var/lib var/log; do  # var/log: useradd writes lastlog/faillog
  o=$scratch/overlay/${d//\//_}
  mkdir -p "$o/upper" "$o/work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$o/upper,workdir=$o/work" "/$d" || fail "overlay on /$d"
done
mount -t tmpfs -o mode=0755 tmpfs /run/systemd && mkdir -p /run/systemd/system || fail "tmpfs /run/systemd"
mkdir -p /run/user 2>/dev/null; mount -t tmpfs -o mode=0755 tmpfs /run/user || fail "tmpfs /run/user"
# A fresh /tmp (the gateway's log dir /tmp/openclaw is per host), with the source and build trees bound back in when
# they live under /tmp (a CI clone may).
mkdir -p "$scratch/host-tmp" && mount --bind /tmp "$scratch/host-tmp" || fail "bind /tmp"
mount -t tmpfs -o mode=1777 tmpfs /tmp || fail "tmpfs /tmp"
for tree in "$src" "$build"; do
  [[ $tree == /tmp/* ]] || continue
  mkdir -p "$tree" && mount --bind "$scratch/host-tmp/${tree#/tmp/}" "$tree" || fail "bind $tree back into /tmp"
done

gport=$(free_port) eport=$(free_port) hport=$(free_port) pport=$(free_port) aport=$(free_port)
log "ports: gateway $gport, exporter $eport, hook $hport, prometheus $pport, alertmanager $aport"


# ---- the gateway's user: new, unique, non-root ----
user=ocdeploy$(printf '%04x%04x' $RANDOM $RANDOM)
useradd --create-home --shell /bin/bash "$user" || fail "useradd $user"
uid=$(id -u "$user") gid=$(id -g "$user") home=$(getent passwd "$user" | cut -d: -f6)
install -d -m 0700 -o "$uid" -g "$gid" "/run/user/$uid"
log "gateway user $user (uid $uid), home $home"
as_user() {  # a login shell's environment for $user (what `su - $user` / an SSH login gives)
  setpriv --reuid="$uid" --regid="$gid" --init-groups env -i HOME="$home" USER="$user" LOGNAME="$user" \
    SHELL=/bin/bash PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="/run/user/$uid" "$@"
}
user_systemctl() { as_user systemctl --user "$@"; }
unit_prop() { user_systemctl show -p "$2" --value "$1"; }

# ---- the user's systemd manager (what logind starts as user@<uid>.service), in a delegated cgroup ----
manager_cg="$cgtop/user@$uid.service"
mapfile -t manager_procs < <(make_cgroup "$manager_cg" "$uid:$gid") && ((${#manager_procs[@]})) \
  || fail "cannot create the delegated cgroup $manager_cg"
(
  for f in "${manager_procs[@]}"; do echo "$BASHPID" >"$f" || exit 1; done
  exec setpriv --reuid="$uid" --regid="$gid" --init-groups env -i HOME="$home" USER="$user" LOGNAME="$user" \
    PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="/run/user/$uid" /lib/systemd/systemd --user
) >"$scratch/manager.log" 2>&1 &
manager_pid=$!
wait_until 30 "the user manager answers" user_systemctl show-environment

# ---- the gateway, as openclaw installs it: ~/.config/systemd/user/openclaw-gateway.service ----
# A stand-in for node + the openclaw package: `node --max-old-space-size=N .../openclaw.mjs gateway ARGS` runs the
# fixture gateway with ARGS; `... gateway call METHOD --json` is the fixture's CLI (the busy check's command).
oc=$home/.local/share/openclaw-fixture
as_user install -d "$oc/bin" "$oc/lib/node_modules/openclaw" "$home/.config/systemd/user"
as_user install -m 0755 "$build/tests/fixture_gateway/openclaw-fixture-gateway" "$oc/bin/openclaw-fixture-gateway"
as_user touch "$oc/lib/node_modules/openclaw/openclaw.mjs"
as_user tee "$oc/bin/node" >/dev/null <<EOF
#!/bin/sh
# Stands in for node running openclaw (tests/deploy/deploy_test.sh): skips node's flags and the entry script.
while [ "\${1#--}" != "\$1" ]; do shift; done
shift
if [ "\$1" = gateway ] && [ "\${2:-}" = call ]; then exec "$oc/bin/openclaw-fixture-gateway" "\$@"; fi
[ "\$1" = gateway ] && shift
exec "$oc/bin/openclaw-fixture-gateway" "\$@"
EOF
as_user chmod 0755 "$oc/bin/node"
# openclaw keeps the gateway's token in ~/.openclaw/gateway.systemd.env (the unit's EnvironmentFile=).
gateway_token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
as_user install -d -m 0700 "$home/.openclaw"
echo "OPENCLAW_GATEWAY_TOKEN=$gateway_token" | as_user tee "$home/.openclaw/gateway.systemd.env" >/dev/null
as_user tee "$home/.config/systemd/user/openclaw-gateway.service" >/dev/null <<EOF
[Unit]
Description=OpenClaw Gateway (v2026.9.6)
After=network-online.target
Wants=network-online.target
StartLimitBurst=10
StartLimitIntervalSec=300

[Service]
ExecStart=$oc/bin/node --max-old-space-size=2048 $oc/lib/node_modules/openclaw/openclaw.mjs gateway --port $gport
Restart=always
RestartSec=5
RestartPreventExitStatus=78
TimeoutStopSec=330
TimeoutStartSec=30
SuccessExitStatus=0 143
OOMPolicy=continue
KillMode=mixed
EnvironmentFile=-%h/.openclaw/gateway.systemd.env
Environment=HOME=$home
Environment=NODE_OPTIONS=
Environment=OPENCLAW_GATEWAY_PORT=$gport
Environment=OPENCLAW_SYSTEMD_UNIT=openclaw-gateway.service
Environment=OPENCLAW_SERVICE_MARKER=openclaw
Environment=OPENCLAW_SERVICE_KIND=gateway

[Install]
WantedBy=default.target
EOF
user_systemctl daemon-reload && user_systemctl enable --now openclaw-gateway.service >/dev/null 2>&1 \
  || fail "the gateway unit does not start"
wait_until 30 "the gateway's /readyz answers 200" curl -fsS "http://127.0.0.1:$gport/readyz"
log "gateway unit active, MainPID $(unit_prop openclaw-gateway.service MainPID), /readyz 200"

# =====================================================================================================================
# docs/deploy.md, section 1, step by step
# =====================================================================================================================
cd "$src" || fail "cd $src"
log "docs: (as root) the token's directory and file, owned by the gateway's user"
install -d -m 0755 /etc/openclaw-restart-hook
install -m 0600 -o "$user" /dev/null /etc/openclaw-restart-hook/token

log "docs: (as the gateway's user) deploy/systemd/install.sh --build-dir $build   [lingering still off]"
as_user bash -c "cd '$src' && deploy/systemd/install.sh --build-dir '$build'" >"$scratch/install1.out" 2>&1 \
  || { cat "$scratch/install1.out"; fail "install.sh (first run) failed"; }
grep -q "WARNING: lingering is OFF for $user" "$scratch/install1.out" \
  || { cat "$scratch/install1.out"; fail "install.sh did not warn that lingering is off"; }

log "docs: (as root) loginctl enable-linger $user   [no logind here: its effect, /var/lib/systemd/linger/$user]"
if ! loginctl enable-linger "$user" 2>/dev/null; then
  install -d -m 0755 /var/lib/systemd/linger && touch "/var/lib/systemd/linger/$user"
fi
log "docs: install.sh again (idempotent): no lingering warning now"
as_user bash -c "cd '$src' && deploy/systemd/install.sh --build-dir '$build'" >"$scratch/install2.out" 2>&1 \
  || { cat "$scratch/install2.out"; fail "install.sh (second run) failed"; }
grep -q "lingering is OFF" "$scratch/install2.out" && { cat "$scratch/install2.out"; fail "linger warning with linger on"; }
grep -q "kept existing $home/.config/openclaw-restart-hook/config.yml" "$scratch/install2.out" \
  || fail "install.sh overwrote the hook's config on a re-run"

state_dir=$home/.local/state/openclaw-restart-hook
exporter_flags=$home/.config/openclaw-gateway-exporter/flags.env
hook_flags=$home/.config/openclaw-restart-hook/flags.env
hook_config=$home/.config/openclaw-restart-hook/config.yml
grep -q -- "--gateway.url=http://127.0.0.1:$gport " "$exporter_flags" \
  || { cat "$exporter_flags"; fail "install.sh did not take the gateway's port from its unit"; }
grep -q "health_url: http://127.0.0.1:$gport/readyz" "$hook_config" || fail "hook config: health_url not on port $gport"
grep -q "command: \[$oc/bin/node, $oc/lib/node_modules/openclaw/openclaw.mjs, gateway, call" "$hook_config" \
  || { grep command: "$hook_config"; fail "hook config: busy command is not the gateway unit's node + entry"; }
grep -Eq "^state_dir: $state_dir( |$)" "$hook_config" || fail "hook config: state_dir is not $state_dir"
grep -q "^ReadWritePaths=$state_dir$" "$home/.config/systemd/user/openclaw-restart-hook.service" \
  || fail "hook unit: ReadWritePaths is not the config's state_dir"
[[ -s /etc/openclaw-restart-hook/token && $(stat -c '%U %a' /etc/openclaw-restart-hook/token) == "$user 600" ]] \
  || fail "the token is not a filled 0600 file of $user"

log "install.sh refuses a hook config that fails --check-config, and leaves the running hook alone"
hook_pid=$(unit_prop openclaw-restart-hook.service MainPID)
touch -d '1 hour ago' "$home/.local/bin/openclaw-restart-hook" "$home/.config/systemd/user/openclaw-restart-hook.service"
as_user cp -p "$hook_config" "$hook_config.good"
echo "no_such_key: 1" | as_user tee -a "$hook_config" >/dev/null
if as_user bash -c "cd '$src' && deploy/systemd/install.sh --build-dir '$build'" >"$scratch/install3.out" 2>&1; then
  fail "install.sh accepted a hook config that --check-config rejects"
fi
grep -q "config.yml is invalid" "$scratch/install3.out" || { cat "$scratch/install3.out"; fail "install.sh: no reason given"; }
[[ $(unit_prop openclaw-restart-hook.service MainPID) == "$hook_pid" ]] || fail "install.sh restarted the hook anyway"
[[ -z $(find "$home/.local/bin/openclaw-restart-hook" "$home/.config/systemd/user/openclaw-restart-hook.service" -mmin -30) ]] \
  || fail "install.sh replaced the binary or the unit although the config is invalid"
as_user mv "$hook_config.good" "$hook_config"

log "docs: a port other than the default: edit the two flags.env files, restart the units"
as_user sed -i "s/127.0.0.1:9789/127.0.0.1:$eport/" "$exporter_flags"
as_user sed -i "s/127.0.0.1:9788/127.0.0.1:$hport/" "$hook_flags"

log "docs (TLS): a certificate for 127.0.0.1, the exporter's --web.config.file, the hook's tls: section"
tls=$home/.config/openclaw-tls
as_user install -d -m 0700 "$tls"
as_user openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$tls/key.pem" -out "$tls/cert.pem" >/dev/null 2>&1 \
  || fail "openssl req"
as_user tee "$home/.config/openclaw-gateway-exporter/web-config.yml" >/dev/null <<EOF
tls_server_config:
  cert_file: $tls/cert.pem
  key_file: $tls/key.pem
EOF
as_user sed -i "s|^OPENCLAW_EXPORTER_FLAGS=\"|&--web.config.file=$home/.config/openclaw-gateway-exporter/web-config.yml |" \
  "$exporter_flags"
as_user tee -a "$hook_config" >/dev/null <<EOF
tls: {cert_file: $tls/cert.pem, key_file: $tls/key.pem}
EOF
as_user "$home/.local/bin/openclaw-restart-hook" --check-config --config.file="$hook_config" >/dev/null \
  || fail "the hook's config with tls: does not pass --check-config"
user_systemctl restart openclaw-gateway-exporter.service openclaw-restart-hook.service || fail "restart after edits"

log "docs: (as root) Prometheus' and Alertmanager's own copy of the token, group prometheus, 0640"
install -m 0640 -o root -g prometheus /etc/openclaw-restart-hook/token /etc/prometheus/openclaw-restart-hook.token
install -m 0644 "$tls/cert.pem" /etc/prometheus/openclaw-ca.pem
log "the person's Slack channel: a stand-in that records what Alertmanager sends it (scripts/demo/person_sink.py)"
python3 scripts/demo/person_sink.py "$scratch/person.port" "$scratch/person.txt" >/dev/null 2>&1 &
sink_pid=$!
wait_until 10 "the person's sink" test -s "$scratch/person.port"
log "docs: (as root) the person's channel secret in a file for group prometheus"
install -m 0640 -o root -g prometheus /dev/null /etc/prometheus/openclaw-slack-url
echo "http://127.0.0.1:$(cat "$scratch/person.port")/slack" >/etc/prometheus/openclaw-slack-url
log "docs: alerts/generate.py --set hook_credentials_file=... --set human_channels=[slack] ... --out-dir /etc/prometheus/openclaw  [+ demo profile, hook_url: test speed/ports]"
python3 alerts/generate.py --overrides alerts/profiles/demo.yml \
  --set hook_credentials_file=/etc/prometheus/openclaw-restart-hook.token \
  --set 'human_channels=[slack]' --set slack_api_url_file=/etc/prometheus/openclaw-slack-url \
  --set 'slack_channel=#openclaw' \
  --set "hook_url=https://127.0.0.1:$hport/alerts" --out-dir /etc/prometheus/openclaw >/dev/null \
  || fail "alerts/generate.py"
log "docs: /etc/prometheus/prometheus.yml and alertmanager.yml from the shipped files (rules path, ports, TLS edits)"
sed 's|\.\./alerts/openclaw-gateway\.rules\.yml|openclaw/openclaw-gateway.rules.yml|' deploy/prometheus.yml \
  >/etc/prometheus/prometheus.yml
cp /etc/prometheus/openclaw/alertmanager.yml /etc/prometheus/openclaw/openclaw-notifications.tmpl /etc/prometheus/   # the template sits next to the config
# The user's edits: ports, https + the CA for our two jobs and the hook's webhook, and (test speed) 1 s intervals.
python3 - "$eport" "$hport" "$pport" "$aport" <<'PY' || fail "editing the Prometheus/Alertmanager configuration"
import sys, yaml
eport, hport, pport, aport = sys.argv[1:]
p = yaml.safe_load(open("/etc/prometheus/prometheus.yml"))
p["global"]["scrape_interval"] = p["global"]["evaluation_interval"] = "1s"
p["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] = [f"127.0.0.1:{aport}"]
ports = {"openclaw-gateway-exporter": eport, "openclaw-restart-hook": hport, "prometheus": pport,
         "alertmanager": aport}
for job in p["scrape_configs"]:
    job["static_configs"][0]["targets"] = [f"127.0.0.1:{ports[job['job_name']]}"]
    if "scrape_timeout" in job:
        job["scrape_timeout"] = "1s"  # may not exceed the (test-speed) interval
    if job["job_name"] in ("openclaw-gateway-exporter", "openclaw-restart-hook"):
        job["scheme"] = "https"
        job["tls_config"] = {"ca_file": "/etc/prometheus/openclaw-ca.pem"}
yaml.safe_dump(p, open("/etc/prometheus/prometheus.yml", "w"), sort_keys=False)
a = yaml.safe_load(open("/etc/prometheus/alertmanager.yml"))
for receiver in a["receivers"]:
    for hook in receiver.get("webhook_configs", []):
        if hook["url"].startswith("https://"):
            hook["http_config"]["tls_config"] = {"ca_file": "/etc/prometheus/openclaw-ca.pem"}
yaml.safe_dump(a, open("/etc/prometheus/alertmanager.yml", "w"), sort_keys=False)
PY
grep -q "credentials_file: /etc/prometheus/openclaw-restart-hook.token" /etc/prometheus/prometheus.yml \
  || fail "deploy/prometheus.yml does not read Prometheus' own copy of the token"
promtool check config /etc/prometheus/prometheus.yml >/dev/null || fail "promtool check config"
amtool check-config /etc/prometheus/alertmanager.yml >/dev/null || fail "amtool check-config"
echo "ARGS=\"--web.listen-address=127.0.0.1:$pport\"" >/etc/default/prometheus
echo "ARGS=\"--web.listen-address=127.0.0.1:$aport --cluster.listen-address=\"" >/etc/default/prometheus-alertmanager

log "docs: systemctl restart prometheus prometheus-alertmanager   [no systemd here: their units' ExecStart as user prometheus]"
run_debian_service() {  # NAME BINARY: what /lib/systemd/system/NAME.service runs (User=prometheus, $ARGS)
  local ARGS
  eval "$(grep '^ARGS=' "/etc/default/$1")"
  # shellcheck disable=SC2086  # $ARGS is split like systemd splits it
  setpriv --reuid=prometheus --regid=prometheus --init-groups "$2" $ARGS >"$scratch/$1.log" 2>&1 &
  service_pids+=($!)
}
service_pids=()
run_debian_service prometheus /usr/bin/prometheus
run_debian_service prometheus-alertmanager /usr/bin/prometheus-alertmanager
wait_until 30 "Prometheus ready" curl -fsS "http://127.0.0.1:$pport/-/ready"
wait_until 30 "Alertmanager ready" curl -fsS "http://127.0.0.1:$aport/-/ready"

# =====================================================================================================================
# What the deployment must do
# =====================================================================================================================
prom_query() {  # QUERY: prints the first sample's value, or nothing
  curl -fsS "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
prom_is() { [[ $(prom_query "$1") == "$2" ]]; }
log "check: Prometheus (user prometheus) scrapes both programs over TLS, the hook with the token copy"
wait_until 40 'up{job="openclaw-gateway-exporter"} == 1' prom_is 'up{job="openclaw-gateway-exporter"}' 1
wait_until 20 'up{job="openclaw-restart-hook"} == 1 (token readable by prometheus, TLS)' \
  prom_is 'up{job="openclaw-restart-hook"}' 1

for unit in openclaw-gateway-exporter openclaw-restart-hook; do
  pid=$(unit_prop "$unit.service" MainPID)
  grep -q " $home/.local/lib/openclaw/libopenclaw-tls-shim.so$" "/proc/$pid/maps" \
    || fail "$unit (pid $pid) did not load the installed shim $home/.local/lib/openclaw/libopenclaw-tls-shim.so"
done
log "check: both programs serve TLS with the shim installed in ~/.local/lib/openclaw (mapped in each process)"
curl -fsS "http://127.0.0.1:$eport/metrics" >/dev/null 2>&1 && fail "the exporter still answers plain HTTP"

metrics=$(curl -fsS --cacert "$tls/cert.pem" "https://127.0.0.1:$eport/metrics") || fail "exporter scrape over TLS"
grep -Eq '^openclaw_exporter_socket_method\{[^}]*method="pidfd_getfd"[^}]*\} 1$' <<<"$metrics" \
  || { grep openclaw_exporter_socket_method <<<"$metrics"; fail 'openclaw_exporter_socket_method{method="pidfd_getfd"} is not 1 under the shipped unit'; }
log 'check: openclaw_exporter_socket_method{method="pidfd_getfd"} 1 under the shipped exporter unit'

# The busy check (policy.busy.command) under the hook unit's own sandbox: every [Service] setting of the installed
# unit but how it is started, on a transient unit that runs the configured command.
props=()
while IFS= read -r line; do props+=(-p "${line//%h/$home}"); done < <(  # a transient unit takes no specifiers
  sed -n '/^\[Service\]/,/^\[/p' "$home/.config/systemd/user/openclaw-restart-hook.service" \
    | grep -E '^[A-Za-z]+=' | grep -Ev '^(Type|ExecStart|EnvironmentFile|Restart|RestartSec|TimeoutStopSec)=')
busy_cmd=$(python3 -c 'import sys,yaml; print(" ".join(yaml.safe_load(open(sys.argv[1]))["policy"]["busy"]["command"]))' "$hook_config")
# shellcheck disable=SC2086
busy=$(as_user systemd-run --user --wait --pipe --quiet "${props[@]}" -E "OPENCLAW_GATEWAY_PORT=$gport" \
  -E "OPENCLAW_GATEWAY_TOKEN=$gateway_token" $busy_cmd 2>&1) \
  || fail "the busy command under the hook's hardening failed: $busy"
python3 -c 'import json,sys; assert json.loads(sys.argv[1])["counts"]["totalActive"] == 0' "$busy" \
  || fail "the busy command's answer under the hook's hardening: $busy"
log "check: the busy command ($busy_cmd) answers under the hook unit's hardening: totalActive 0"
node_bin=${OPENCLAW_NODE:-$src/.cache/openclaw/node/bin/node}
if [[ -x $node_bin ]]; then
  install -m 0755 "$node_bin" "$scratch/node"
  out=$(as_user systemd-run --user --wait --pipe --quiet "${props[@]}" "$scratch/node" -e \
    'let s = 0; for (let i = 0; i < 3e6; i++) s += i; require("child_process").execFileSync("/bin/true"); console.log(s)' 2>&1) \
    || fail "node ($node_bin) does not run under the hook unit's hardening: $out"
  log "check: the real node ($("$node_bin" --version)) runs JIT-compiled code and spawns under the hook's hardening"
else
  log "note: no node at $node_bin (scripts/fetch-openclaw.sh): Node under the hook's hardening not re-checked"
fi

# ---- a real fault: the gateway hangs -> OpenClawGatewayDown -> Alertmanager -> the installed hook restarts it ----
pid_before=$(unit_prop openclaw-gateway.service MainPID)
log "fault: the gateway (MainPID $pid_before) hangs: every HTTP request waits forever"
curl -fsS -X POST -d '{}' "http://127.0.0.1:$gport/__fixture/hang" >/dev/null || fail "POST /__fixture/hang"
restart_recorded() {
  [[ -f $state_dir/audit.log ]] && python3 - "$state_dir/audit.log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "restart" and r.get("rule") == "down" and r.get("result") == "success":
        sys.exit(0)
sys.exit(1)
PY
}
wait_until 120 "the hook's audit log records a successful restart by rule 'down'" restart_recorded
pid_after=$(unit_prop openclaw-gateway.service MainPID)
[[ $pid_after != "$pid_before" && $pid_after != 0 ]] || fail "MainPID did not change ($pid_before -> $pid_after)"
curl -fsS --max-time 5 "http://127.0.0.1:$gport/readyz" >/dev/null || fail "the restarted gateway is not ready"
log "check: restarted by the installed hook (audit log: event restart, rule down, result success); MainPID $pid_before -> $pid_after"
grep '"event":"restart"' "$state_dir/audit.log" | tail -n1 | cut -c1-600

# ---- HOOK POINT for the lead (alerts/ human notifications): assert the person's sink received the message ----
person_notified() {  # the restart above reaches the person as OpenClawGatewayRestarted, with its downtime
  wait_until 60 "the person's message about the restart" \
    grep -q 'OpenClawGatewayRestarted gateway default' "$scratch/person.txt" || return 1
  grep -q 'What: The restart hook restarted OpenClaw gateway default: downtime' "$scratch/person.txt"
}
person_notified || fail "the person's notification sink did not receive the restart"

# ---- docker-compose.yml: every host path it mounts exists on a host prepared as docs/deploy.md section 2 says ----
log "docs section 2: prepare the host for docker-compose (as root), then check every host path it mounts"
install -d /etc/openclaw-restart-hook /var/lib/openclaw-restart-hook /var/lib/openclaw-prometheus
chown "$user" /var/lib/openclaw-restart-hook /var/lib/openclaw-prometheus
compose=$(OPENCLAW_UID=$uid OPENCLAW_GID=$gid docker-compose -f docker-compose.yml config 2>&1) \
  || fail "docker-compose config: $compose"
missing=$(python3 - <<'PY' "$compose"
import sys, yaml
for name, service in yaml.safe_load(sys.argv[1])["services"].items():
    for volume in service.get("volumes", []):
        source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
        kind = volume.get("type", "bind") if isinstance(volume, dict) else "bind"
        if kind == "bind" and source.startswith("/"):
            import os
            if not os.path.exists(source):
                print(f"{name}: {source}")
PY
)
[[ -z $missing ]] || fail "docker-compose.yml mounts host paths that do not exist: $missing"
log "check: every host path docker-compose.yml mounts exists"

# ---- uninstall: nothing left ----
log "docs: deploy/systemd/uninstall.sh --purge (as the user), then the root steps: the token and Prometheus' copy"
as_user bash -c "cd '$src' && deploy/systemd/uninstall.sh --purge" >"$scratch/uninstall.out" 2>&1 \
  || { cat "$scratch/uninstall.out"; fail "uninstall.sh failed"; }
rm -f /etc/openclaw-restart-hook/token /etc/prometheus/openclaw-restart-hook.token
rmdir /etc/openclaw-restart-hook 2>/dev/null
# Everything under $home named like ours, but the gateway's own files (its install, unit, state) and the certificate.
left=$(cd "$home" && find . \( -path ./.local/share/openclaw-fixture -o -path ./.openclaw -o -path ./.config/openclaw-tls \
  -o -path ./.config/systemd/user/openclaw-gateway.service \
  -o -path ./.config/systemd/user/default.target.wants/openclaw-gateway.service \) -prune \
  -o \( -iname '*openclaw*' -o -name 'flags.env' -o -name 'audit.log' \) -print)
[[ -z $left ]] || fail "uninstall.sh left in $home: $left"
for unit in openclaw-gateway-exporter.service openclaw-restart-hook.service; do
  [[ $(unit_prop "$unit" LoadState) == not-found ]] || fail "$unit is still known to the user manager"
done
[[ ! -e /etc/openclaw-restart-hook/token && ! -e /etc/prometheus/openclaw-restart-hook.token ]] || fail "token left"
for port in "$eport" "$hport"; do
  curl -ksS --max-time 2 "https://127.0.0.1:$port/" >/dev/null 2>&1 && fail "something still listens on $port"
done
log "check: uninstall.sh --purge left no file, unit or listener of ours"

user_systemctl disable --now openclaw-gateway.service >/dev/null 2>&1
kill -TERM "${service_pids[@]}" "$sink_pid" "$manager_pid" 2>/dev/null
wait "${service_pids[@]}" "$sink_pid" "$manager_pid" 2>/dev/null
userdel -r "$user" 2>/dev/null
id "$user" >/dev/null 2>&1 && fail "userdel $user"
log "PASS (user $user deleted; the overlays, tmpfs and cgroups go with the namespace)"
