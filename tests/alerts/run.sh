#!/usr/bin/env bash
# One ctest entry per check of the alerting, dashboard and deployment files (tests/alerts/CMakeLists.txt).
#   bash tests/alerts/run.sh CHECK        CHECK: see the case below; OPENCLAW_SOURCE_DIR defaults to the repo root.
# A check that cannot fail proves nothing. Where the verdict comes from a checker of ours or from our reading of a
# tool's output (generated_up_to_date, generator_overrides, alert_contract, dashboards, systemd_units,
# hook_example_config), the same check, after passing the real files, also feeds that checker deliberately broken
# inputs (copies in the scratch dir, bad --set values) and fails unless each one is rejected; alert_contract,
# dashboards and systemd_units also require the expected reason in its output (`broken`, `rejects` below). The other
# checks relay the verdict of promtool, amtool or docker-compose on the real files; nothing of ours to break there.
# notification_channels and alertmanager_snippet also feed the generator and the merge broken settings; dashboards
# also shades a shifted window; alertmanager_delivery runs a real Alertmanager against a webhook sink it starts.
set -euo pipefail
src=${OPENCLAW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src"
python=/usr/bin/python3; [[ -x $python ]] || python=$(command -v python3 || true)
[[ -n $python ]] || { echo "python3 is required (Debian package python3)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

need() { command -v "$1" >/dev/null || { echo "$1 not found: install Debian package $2 (scripts/install-deps.sh)" >&2; exit 1; }; }

# --- negative cases -----------------------------------------------------------------------------------------------
# broken SRC DST SED-ARGS...: DST is SRC edited by sed; dies if the edit no longer changes anything (update the case).
broken() {
  local src=$1 dst=$2; shift 2
  sed "$@" "$src" >"$dst"
  if cmp -s "$src" "$dst"; then echo "negative case: sed $* no longer changes $src: update the case" >&2; exit 1; fi
}

# rejects REASON COMMAND...: COMMAND must exit non-zero and print REASON (a fixed string) on stdout or stderr.
rejects() {
  local reason=$1 out; shift
  if out=$("$@" 2>&1); then
    printf 'negative case NOT rejected (expected "%s"): %s\n%s\n' "$reason" "$*" "$out" >&2; exit 1
  fi
  if ! grep -qF -- "$reason" <<<"$out"; then
    printf 'negative case rejected, but not for "%s": %s\n%s\n' "$reason" "$*" "$out" >&2; exit 1
  fi
  echo "negative case rejected as expected: $reason"
}

# check_alert_contract.py on broken copies of the rules, the routing or the runbook directory: one case per rule it
# enforces (see its docstring).
contract() { CONTRACT_ROUTE_CACHE="$tmp/routes.json" "$python" tests/alerts/check_alert_contract.py "$@"; }
bad_rules() {  # REASON SED-ERE
  broken alerts/openclaw-gateway.rules.yml "$tmp/rules.yml" -E "$2"
  rejects "$1" contract "$tmp/rules.yml" alerts/alertmanager.yml docs/runbooks
}
bad_routing() {  # REASON SED-ERE
  broken alerts/alertmanager.yml "$tmp/alertmanager.yml" -E "$2"
  rejects "$1" contract alerts/openclaw-gateway.rules.yml "$tmp/alertmanager.yml" docs/runbooks
}
alert_contract_negative_cases() {
  bad_rules 'required alert OpenClawRestartHookDown is missing' 's/alert: OpenClawRestartHookDown$/alert: OpenClawHookDown/'
  bad_rules 'OpenClawGatewayEventLoopLag: severity must be critical, warning or info' \
    '/alert: OpenClawGatewayEventLoopLag$/,/annotations:/s/severity: warning/severity: page/'
  bad_rules 'OpenClawGatewaySlowResponse: an info alert tells people; it carries action only as a scheduled request' \
    '/alert: OpenClawGatewaySlowResponse$/,/annotations:/s/severity: critical/severity: info/'
  bad_rules 'OpenClawGatewayScheduledRestartDue: action must be restart with urgency immediate|scheduled' \
    '/alert: OpenClawGatewayScheduledRestartDue$/,/annotations:/s/urgency: scheduled/urgency: someday/'
  bad_rules 'OpenClawGatewayStillUnhealthy: pages a human and must never carry action' \
    '/alert: OpenClawGatewayStillUnhealthy$/,/annotations:/s/^( +)severity: critical$/&\n\1action: restart\n\1urgency: immediate/'
  bad_rules 'OpenClawGatewayUptimeHigh: pages a human and must never carry action' \
    '/alert: OpenClawGatewayUptimeHigh$/,/annotations:/s/^( +)severity: warning$/&\n\1action: restart\n\1urgency: scheduled/'
  bad_rules 'the record gateway:openclaw_gateway_unhealthy:down_condition must have exactly OpenClawGatewayDown' \
    '/record: gateway:openclaw_gateway_unhealthy:down_condition$/,/alert:/s/openclaw_gateway_draining == 1$/openclaw_gateway_draining == 0/'
  bad_rules 'required alert Watchdog is missing' 's/alert: Watchdog$/alert: WatchDog/'
  bad_rules 'OpenClawGatewayFdExhaustion: on (gateway, instance, job) must list host' \
    's|openclaw_gateway_open_fds / openclaw_gateway_max_fds > 0.8$|openclaw_gateway_open_fds / on (gateway, instance, job) openclaw_gateway_max_fds > 0.8|'
  bad_rules 'OpenClawGatewayDown: urgency without action' '/alert: OpenClawGatewayDown$/,/annotations:/{/action: restart/d}'
  bad_rules 'OpenClawGatewayRestartFailed: pages a human and must never carry action' \
    '/alert: OpenClawGatewayRestartFailed$/,/annotations:/s/^( +)severity: critical$/&\n\1action: restart\n\1urgency: immediate/'
  bad_rules 'OpenClawGatewayConfigError: pages a human and must never carry action' \
    '/alert: OpenClawGatewayConfigError$/,/annotations:/s/^( +)severity: critical$/&\n\1action: restart\n\1urgency: immediate/'
  bad_rules 'OpenClawExporterBlind: pages a human and must never carry action' \
    '/alert: OpenClawExporterBlind$/,/annotations:/s/^( +)severity: warning$/&\n\1action: restart\n\1urgency: immediate/'
  bad_rules "OpenClawGatewayMemoryLeak: unknown metric or word 'gateway:openclaw_gateway_tree_memory_byte'" \
    '/alert: OpenClawGatewayMemoryLeak$/,/for:/s/tree_memory_bytes:pss_else_rss\[10m\] offset 50m/tree_memory_byte[10m] offset 50m/'
  bad_rules 'OpenClawExporterDown: the summary must show {{ $value }}' \
    '/alert: OpenClawExporterDown$/,/runbook_url/s/ \(up = \{\{ \$value \}\}\)//'
  bad_rules 'OpenClawHostMemoryHigh: no description' '/alert: OpenClawHostMemoryHigh$/,/runbook_url/{/description:/d}'
  bad_rules 'OpenClawGatewayDown: runbook_url must end in /OpenClawGatewayDown.md' \
    '/runbook_url: "docs\/runbooks\/OpenClawGatewayDown\.md"/d'
  bad_rules "OpenClawGatewaySlowResponse: unknown metric or word 'openclaw_gateway_probe_duration_secs'" \
    's/openclaw_gateway_probe_duration_seconds > 5$/openclaw_gateway_probe_duration_secs > 5/'
  # Routing, as amtool resolves it: a restart alert that misses the hook, a human alert that reaches it.
  bad_routing "OpenClawGatewayDown: routed to 'people', expected 'openclaw-restart-hook'" \
    "s/'urgency=\"immediate\"'\]/'urgency=\"now\"']/"
  bad_routing "OpenClawGatewayRestartLoop: routed to 'openclaw-restart-hook', expected 'people'" \
    's/^  receiver: people$/  receiver: openclaw-restart-hook/'
  bad_routing "Watchdog: routed to 'people', expected 'deadman'" "s/'alertname=\"Watchdog\"'\]/'alertname=\"WatchDog\"']/"
  bad_routing "a restart alert with an unknown urgency routed to 'openclaw-restart-hook'" \
    "s/'urgency=\"scheduled\"'\]/'urgency!=\"immediate\"']/"
  bad_routing 'the urgency="scheduled" route must be restricted by active_time_intervals' \
    '/active_time_intervals: \[openclaw-low-traffic\]/d'
  bad_routing "inhibit rule names 'OpenClawGatewayProbeStal', which is no alert" \
    's/\|OpenClawGatewayProbeStale"$/|OpenClawGatewayProbeStal"/'
  bad_routing "receiver openclaw-restart-hook lacks 'send_resolved: true'" \
    '/- name: openclaw-restart-hook$/,/- name:/s/send_resolved: true/send_resolved: false/'
  # Runbooks, both ways.
  cp -r docs/runbooks "$tmp/runbooks"; touch "$tmp/runbooks/OpenClawNoSuchAlert.md"
  rejects 'runbook OpenClawNoSuchAlert.md has no alert' contract alerts/openclaw-gateway.rules.yml alerts/alertmanager.yml "$tmp/runbooks"
  rm "$tmp/runbooks/OpenClawNoSuchAlert.md" "$tmp/runbooks/OpenClawGatewayDown.md"
  rejects "OpenClawGatewayDown: runbook $tmp/runbooks/OpenClawGatewayDown.md is missing" \
    contract alerts/openclaw-gateway.rules.yml alerts/alertmanager.yml "$tmp/runbooks"
}

# check_dashboards.py on broken copies of dashboards/openclaw-gateway.json: one case per thing it checks.
# bad_dashboard REASON PYTHON: the copy is the dashboard after PYTHON, run with `d` the dashboard and `P` its panels by
# title; dies if PYTHON no longer changes anything.
bad_dashboard() {
  cp dashboards/restart-hook.json "$tmp/restart-hook.json"   # the copy's links must still find the other dashboard
  "$python" - dashboards/openclaw-gateway.json "$tmp/dashboard.json" "$2" <<'EOF' || exit 1
import copy, json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
orig = copy.deepcopy(d)
P = {p["title"]: p for p in d["panels"]}
exec(sys.argv[3])
if d == orig:
    sys.exit(f"negative case: {sys.argv[3]!r} no longer changes {sys.argv[1]}: update the case")
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), indent=2)
EOF
  rejects "$1" "$python" tests/alerts/check_dashboards.py "$tmp/dashboard.json"
}
dashboards_negative_cases() {
  broken dashboards/openclaw-gateway.json "$tmp/dashboard.json" '$d'   # the closing brace gone
  rejects 'not valid JSON' "$python" tests/alerts/check_dashboards.py "$tmp/dashboard.json"
  bad_dashboard "missing top-level key 'uid'" 'del d["uid"]'
  bad_dashboard 'schemaVersion must be an integer >= 36' 'd["schemaVersion"] = 30'
  bad_dashboard "panel 'Ready': duplicate id 2" 'P["Ready"]["id"] = P["Process found"]["id"] = 2'
  bad_dashboard "panel 'Firing alerts': gridPos" 'P["Firing alerts"]["gridPos"]["w"] = 5'
  bad_dashboard "panel 'Ready' overlaps panel 'Process found'" 'P["Ready"]["gridPos"]["x"] = 2'
  bad_dashboard "panel 'Ready': datasource must be" 'P["Ready"]["datasource"] = {"type": "prometheus", "uid": "prometheus"}'
  bad_dashboard "panel 'Ready' target A: datasource must be" \
    'P["Ready"]["targets"][0]["datasource"] = {"type": "prometheus", "uid": "prometheus"}'
  bad_dashboard "annotation 'Gateway process starts': datasource must be" \
    'd["annotations"]["list"][1]["datasource"] = {"type": "prometheus", "uid": "prometheus"}'
  bad_dashboard "panel 'Ready': no targets" 'P["Ready"]["targets"] = []'
  bad_dashboard "panel 'Memory vs limit': refIds missing or not unique" 'P["Memory vs limit"]["targets"][1]["refId"] = "A"'
  bad_dashboard 'references undefined variable $gatway' \
    'P["Ready"]["targets"][0]["expr"] = P["Ready"]["targets"][0]["expr"].replace("$gateway", "$gatway")'
  bad_dashboard "variable 'spare' is defined but never used" \
    'd["templating"]["list"].append(dict(d["templating"]["list"][1], name="spare"))'
  bad_dashboard "variable 'gateway': expected label_values(SELECTOR, LABEL)" \
    '[v for v in d["templating"]["list"] if v["name"] == "gateway"][0]["query"]["query"] = "openclaw_gateway_up"'
  bad_dashboard "templating needs a \`host\` variable" \
    'd["templating"]["list"] = [v for v in d["templating"]["list"] if v["name"] != "host"]; d["panels"] = []; d["annotations"]["list"] = []'
  bad_dashboard "panel 'Ready' A: unknown metric 'openclaw_gateway_readyy'" \
    'P["Ready"]["targets"][0]["expr"] = P["Ready"]["targets"][0]["expr"].replace("_ready", "_readyy")'
  bad_dashboard "annotation 'Gateway process starts': unknown metric 'openclaw_gateway_start_time_seconds'" \
    'd["annotations"]["list"][1]["expr"] = d["annotations"]["list"][1]["expr"].replace("_process_start", "_start")'
  bad_dashboard 'promtool cannot parse a dashboard expression' \
    'P["CPU (cores)"]["targets"][0]["expr"] = P["CPU (cores)"]["targets"][0]["expr"].replace("[$__rate_interval]", "")'
  bad_dashboard "annotation 'Gateway process starts': changes() over \$__interval misses a change" \
    'd["annotations"]["list"][1]["expr"] = "changes(openclaw_gateway_process_start_time_seconds[$__interval]) > 0"'
  bad_dashboard "annotation 'Hook restarts': a timestamp series is drawn at its value" \
    'd["annotations"]["list"][2]["useValueForTime"] = False'
  bad_dashboard "templating needs a \`instance\` variable" \
    'd["templating"]["list"] = [v for v in d["templating"]["list"] if v["name"] != "instance"]; d["panels"] = [p for p in d["panels"] if "instance" not in json.dumps(p)]; d["annotations"]["list"] = d["annotations"]["list"][:1]'
  bad_dashboard "no link to dashboard 'openclaw-restart-hook'" 'd["links"] = []'
  bad_dashboard "link 'OpenClaw Restart Hook' to '/d/openclaw-hook'" 'd["links"][0]["url"] = "/d/openclaw-hook"'
}

# systemd_units: systemd-analyze verify of a unit file as a USER unit (that is what install.sh installs).
#   --user: the units' own manager and search path; a system-mode verify would also pull in the host's sysinit.target
#     tree, whose masked or missing units (common in containers) are none of ours. --user needs XDG_RUNTIME_DIR to be
#     a directory; there is no user session here (no systemd as PID 1), so it is a scratch one.
#   --generators=no: the host's user generators are not ours to verify; --man=no: no man page lookups.
# Failure: a non-zero exit (fatal load errors: no ExecStart=, a missing executable, a missing Requires= unit) OR any
# output. systemd 252 only WARNS, exit 0, about unknown keys and invalid values ("Unknown key ..., ignoring",
# "Failed to parse ..., ignoring", "Invalid memory limit ..., ignoring"): the exit status alone proves nothing.
# Known-harmless messages, filtered: none. With these options systemd 252 (Debian 12) prints nothing at all for the
# shipped units, here (root, no systemd as PID 1, no user session) and as an unprivileged user, and neither
# "Cannot add dependency job" nor ".slice" lines (which an earlier filter dropped) occur. Should some host print a
# harmless line, filter exactly that line here, with the reason; never a broad pattern (".slice" would hide a bad Slice=).
# A webhook sink (tests/alerts/webhook_sink.py) recording every delivery to $tmp/sink.jsonl; sets $sp (its port) and
# a bearer token in $tmp/token. start_alertmanager then runs a real Alertmanager on $tmp/am/alertmanager.yml; sets
# $url. Both are stopped on exit.
start_sink() {
  echo hook-secret >"$tmp/token"
  "$python" tests/alerts/webhook_sink.py "$tmp/sink.port" "$tmp/sink.jsonl" & sink=$!
  am=""
  trap 'kill $sink $am 2>/dev/null; wait $sink $am 2>/dev/null; rm -rf "$tmp"' EXIT
  for _ in $(seq 100); do [[ -s $tmp/sink.port ]] && break; sleep 0.05; done
  sp=$(cat "$tmp/sink.port")
}
start_alertmanager() {
  local amport
  amport=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  prometheus-alertmanager --config.file="$tmp/am/alertmanager.yml" --storage.path="$tmp/am-data" \
    --web.listen-address="127.0.0.1:$amport" --cluster.listen-address= --log.level=warn 2>"$tmp/am.log" & am=$!
  url="http://127.0.0.1:$amport"
  for _ in $(seq 200); do curl -sf "$url/-/ready" >/dev/null && break; sleep 0.05; done
}

check_unit() {  # UNIT_FILE (ExecStart= pointing at an executable that exists)
  local out rc=0
  mkdir -p "$tmp/runtime"; chmod 700 "$tmp/runtime"
  out=$(XDG_RUNTIME_DIR=$tmp/runtime systemd-analyze verify --user --man=no --generators=no "$1" 2>&1) || rc=$?
  if (( rc != 0 )) || [[ -n $out ]]; then
    printf '%s: systemd-analyze verify --user exited %s:\n%s\n' "$1" "$rc" "$out" >&2; return 1
  fi
  grep -q '^WantedBy=default.target' "$1" || { echo "$1: a user unit needs WantedBy=default.target" >&2; return 1; }
}
bad_unit() {  # REASON SED-ERE: on the stubbed copy of openclaw-restart-hook.service
  mkdir -p "$tmp/bad"
  broken "$tmp/units/openclaw-restart-hook.service" "$tmp/bad/openclaw-restart-hook.service" -E "$2"
  rejects "$1" check_unit "$tmp/bad/openclaw-restart-hook.service"
}
systemd_units_negative_cases() {
  bad_unit "Unknown key 'RestartSecs' in section [Service]" 's/^RestartSec=/RestartSecs=/'
  bad_unit 'Failed to parse service restart specifier, ignoring: sometimes' 's/^Restart=on-failure$/Restart=sometimes/'
  bad_unit "Invalid memory limit 'lots'" 's/^RestartSec=.*/&\nMemoryMax=lots/'
  bad_unit 'Failed to parse boolean value, ignoring: perhaps' 's/^NoNewPrivileges=yes$/NoNewPrivileges=perhaps/'
  bad_unit 'Service has no ExecStart=' '/^ExecStart=/d'
  bad_unit 'is not executable: No such file or directory' "s|^ExecStart=$tmp/bin/stub|ExecStart=$tmp/bin/missing|"
  bad_unit 'Unit no-such-unit.service not found' 's/^After=network.target$/&\nRequires=no-such-unit.service/'
  bad_unit 'a user unit needs WantedBy=default.target' 's/^WantedBy=default.target$/WantedBy=multi-user.target/'
}

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
    broken alerts/thresholds.yml "$tmp/thresholds.yml" 's/^memory_ratio_max: 0.8 /memory_ratio_max: 0.7 /'
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
    cp dashboards/restart-hook.json "$tmp/demo/"   # the rendered dashboard links to it
    "$python" tests/alerts/check_dashboards.py "$tmp/demo/openclaw-gateway.json"
    grep -q 'for: 5s' "$tmp/demo/openclaw-gateway.rules.yml"
    grep -q 'openclaw_gateway_connections{state="close_wait"} > 3$' "$tmp/demo/openclaw-gateway.rules.yml"
    grep -q "credentials_file: $tmp/token" "$tmp/demo/alertmanager.yml"
    grep -q 'end_time: "24:00"' "$tmp/demo/alertmanager.yml"
    # One source for the windows: Alertmanager's time interval and the hook's low_traffic_windows, in the chosen zone.
    "$python" alerts/generate.py --set "hook_credentials_file=$tmp/token" --set scheduled_time_zone=Europe/Berlin \
      --set 'scheduled_windows=[03:00-04:00, 11:00-12:00, 19:00-20:00]' --out-dir "$tmp/tz" >/dev/null
    amtool check-config "$tmp/tz/alertmanager.yml" >/dev/null
    grep -q 'location: Europe/Berlin' "$tmp/tz/alertmanager.yml"
    grep -q 'start_time: "11:00", end_time: "12:00"' "$tmp/tz/alertmanager.yml"
    grep -q -- '- {start: "11:00", end: "12:00", location: Europe/Berlin}' "$tmp/tz/openclaw-restart-hook.yml"
    grep -q 'schedule_jitter: 15m' "$tmp/tz/openclaw-restart-hook.yml"
    grep -q -- '- {start: "00:00", end: "24:00", location: UTC}' "$tmp/demo/openclaw-restart-hook.yml"
    # Typos, malformed values and settings that contradict the escalation's derivation are errors.
    for bad in no_such_key=1 for_memory_high=5 memory_ratio_max=high scheduled_windows=25:00-26:00 \
               scheduled_time_zone=Mars/Olympus still_unhealthy_after=2m still_unhealthy_after=20m human_channels=pager; do
      if "$python" alerts/generate.py --set "$bad" --out-dir "$tmp/bad" >/dev/null 2>&1; then
        echo "generate.py accepted --set $bad" >&2; exit 1
      fi
    done
    echo "generator overrides: ok" ;;

  notification_channels)
    # Each human channel (webhook, telegram, discord, slack, email: all native to Alertmanager 0.25), rendered the
    # documented way with scratch secret files: amtool accepts it, it carries its integration with the shared message
    # template, a person's alert reaches `people`, a restart alert the hook and Watchdog the dead-man's switch.
    need amtool prometheus-alertmanager
    echo secret >"$tmp/token"; echo 123456:ABCDEF >"$tmp/tg"; echo https://discord.com/api/webhooks/1/abc >"$tmp/dc"
    echo https://hooks.slack.com/services/T/B/x >"$tmp/sl"; echo smtp-password >"$tmp/pw"
    common=(--set "hook_credentials_file=$tmp/token" --set deadman_url=http://127.0.0.1:1/ping)
    declare -A settings=(
      [webhook]="human_webhook_url=http://127.0.0.1:1/people human_webhook_credentials_file=$tmp/token"
      [telegram]="telegram_bot_token_file=$tmp/tg telegram_chat_id=-100123"
      [discord]="discord_webhook_url_file=$tmp/dc"
      [slack]="slack_api_url_file=$tmp/sl slack_channel=#openclaw"
      [email]="email_to=ops@example.org email_from=am@example.org email_smarthost=127.0.0.1:1 email_auth_username=am email_auth_password_file=$tmp/pw")
    routes_to() {  # CONFIG EXPECTED LABEL=VALUE...
      local config=$1 expected=$2 got; shift 2
      got=$(amtool config routes test --config.file "$config" "$@" 2>/dev/null)
      [[ $got == "$expected" ]] || { echo "$config: $* routed to '$got', expected '$expected'" >&2; exit 1; }
    }
    all=()
    for channel in webhook telegram discord slack email; do
      sets=(); for kv in ${settings[$channel]}; do sets+=(--set "$kv"); all+=(--set "$kv"); done
      "$python" alerts/generate.py "${common[@]}" --set "human_channels=$channel" "${sets[@]}" --out-dir "$tmp/$channel" >/dev/null
      amtool check-config "$tmp/$channel/alertmanager.yml" >/dev/null
      grep -q "^    ${channel}_configs:" "$tmp/$channel/alertmanager.yml" ||
        { echo "$channel: no ${channel}_configs in the people receiver" >&2; exit 1; }
      [[ $channel == webhook ]] || grep -q 'template "openclaw.text"' "$tmp/$channel/alertmanager.yml" ||
        { echo "$channel: the message template is not used" >&2; exit 1; }
      if grep -q OpenClawNoHumanChannel "$tmp/$channel/openclaw-gateway.rules.yml"; then
        echo "$channel: OpenClawNoHumanChannel rendered although a channel is configured" >&2; exit 1
      fi
      routes_to "$tmp/$channel/alertmanager.yml" people alertname=OpenClawGatewayStillUnhealthy severity=critical gateway=default
      routes_to "$tmp/$channel/alertmanager.yml" people alertname=OpenClawGatewayRestartPlanned severity=info gateway=default
      routes_to "$tmp/$channel/alertmanager.yml" openclaw-restart-hook alertname=OpenClawGatewayDown action=restart urgency=immediate
      routes_to "$tmp/$channel/alertmanager.yml" deadman alertname=Watchdog severity=info
      echo "channel $channel: ok"
    done
    # Secrets Alertmanager 0.25 cannot read from a file are written into the rendered file: only its owner may read it.
    for channel in telegram discord; do
      [[ $(stat -c %a "$tmp/$channel/alertmanager.yml") == 600 ]] || { echo "$channel: rendered file not 0600" >&2; exit 1; }
    done
    grep -q "bot_token: '123456:ABCDEF'" "$tmp/telegram/alertmanager.yml"
    # All five at once.
    "$python" alerts/generate.py "${common[@]}" --set human_channels=webhook,telegram,discord,slack,email "${all[@]}" \
      --out-dir "$tmp/all" >/dev/null
    amtool check-config "$tmp/all/alertmanager.yml" >/dev/null
    # The message a person reads: gateway, host, what happened with its value, what the hook did, the runbook.
    out=$(amtool template render --template.glob="$tmp/all/openclaw-notifications.tmpl" \
      --template.data=tests/alerts/notification_data.json --template.text='{{ template "openclaw.title" . }}|{{ template "openclaw.text" . }}')
    for want in '[FIRING:1] OpenClawGatewayRestartFailed gateway default on hook:9788' 'Gateway: default  Host: gw-a' 'Host: gw:9789' \
                'What: The restart hook failed to restart OpenClaw gateway default (last failed attempt at' \
                'Hook: no automatic action: a person decides' 'Runbook: docs/runbooks/OpenClawGatewayRestartFailed.md' \
                'RESOLVED OpenClawGatewayDown' 'Hook: restarts it now' 'resolved 2026-12-02 05:10:00 UTC'; do
      grep -qF -- "$want" <<<"$out" || { printf 'the message lacks "%s":\n%s\n' "$want" "$out" >&2; exit 1; }
    done
    # The shipped default is a deliberate, visible "nobody"; a listed channel with a missing setting is an error.
    grep -q '^    # no integration: human_channels is empty' alerts/alertmanager.yml
    grep -q 'alert: OpenClawNoHumanChannel$' alerts/openclaw-gateway.rules.yml
    rejects 'human_channels lists telegram, but telegram_chat_id is empty' \
      "$python" alerts/generate.py --set human_channels=telegram --set "telegram_bot_token_file=$tmp/tg" --out-dir "$tmp/bad"
    rejects 'human_channels lists webhook, but human_webhook_url is empty' \
      "$python" alerts/generate.py --set human_channels=webhook --out-dir "$tmp/bad"
    rejects "discord_webhook_url_file: $tmp/missing does not exist" \
      "$python" alerts/generate.py --set human_channels=discord --set "discord_webhook_url_file=$tmp/missing" --out-dir "$tmp/bad"
    rejects "human_channels: ['pager'] is not a valid channels" \
      "$python" alerts/generate.py --set human_channels=pager --out-dir "$tmp/bad"
    echo "notification channels: ok" ;;

  alertmanager_delivery)
    # A real Alertmanager 0.25 with the rendered config (demo timings, the generic webhook channel and the dead-man's
    # switch pointed at a sink this check starts): a person's alert reaches `people` with its labels and annotations,
    # the Watchdog reaches the switch, a restart alert reaches the hook's URL with the bearer token, and nothing else
    # goes anywhere else.
    need prometheus-alertmanager prometheus-alertmanager; need amtool prometheus-alertmanager
    start_sink
    "$python" alerts/generate.py --overrides alerts/profiles/demo.yml --set "hook_credentials_file=$tmp/token" \
      --set "hook_url=http://127.0.0.1:$sp/hook" --set human_channels=webhook \
      --set "human_webhook_url=http://127.0.0.1:$sp/people" --set "deadman_url=http://127.0.0.1:$sp/ping" \
      --out-dir "$tmp/am" 2>/dev/null >/dev/null
    start_alertmanager
    amtool --alertmanager.url="$url" alert add alertname=OpenClawGatewayStillUnhealthy severity=critical gateway=default \
      instance=gw:9789 --annotation=summary="still unhealthy (up/probe = 0)" --annotation=runbook_url=docs/runbooks/x.md
    amtool --alertmanager.url="$url" alert add alertname=Watchdog severity=info
    amtool --alertmanager.url="$url" alert add alertname=OpenClawGatewayDown severity=critical action=restart \
      urgency=immediate gateway=default instance=gw:9789
    got() { [[ -s $tmp/sink.jsonl ]] && "$python" - "$tmp/sink.jsonl" "$@" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
want = dict(a.split("=", 1) for a in sys.argv[3:])
ok = any(l["path"] == sys.argv[2] and any(all(x["labels"].get(k) == v for k, v in want.items()) for x in l["body"]["alerts"])
         for l in lines)
sys.exit(0 if ok else 1)
PY
    }
    for _ in $(seq 300); do
      got /people alertname=OpenClawGatewayStillUnhealthy && got /ping alertname=Watchdog &&
        got /hook alertname=OpenClawGatewayDown && break
      sleep 0.1
    done
    got /people alertname=OpenClawGatewayStillUnhealthy gateway=default ||
      { echo "the person's alert never reached the people webhook:"; cat "$tmp/sink.jsonl" "$tmp/am.log"; exit 1; } >&2
    got /ping alertname=Watchdog || { echo "Watchdog never reached the dead-man's switch" >&2; exit 1; }
    got /hook alertname=OpenClawGatewayDown || { echo "the restart alert never reached the hook URL" >&2; exit 1; }
    "$python" - "$tmp/sink.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
where = {(l["path"], a["labels"]["alertname"]) for l in lines for a in l["body"]["alerts"]}
expected = {("/people", "OpenClawGatewayStillUnhealthy"), ("/ping", "Watchdog"), ("/hook", "OpenClawGatewayDown")}
assert where == expected, f"deliveries {sorted(where)} != {sorted(expected)}"
hook = [l for l in lines if l["path"] == "/hook"]
assert all(l["authorization"] == "Bearer hook-secret" for l in hook), [l["authorization"] for l in hook]
people = [a for l in lines if l["path"] == "/people" for a in l["body"]["alerts"]][0]
assert people["annotations"]["summary"] == "still unhealthy (up/probe = 0)", people
assert all(l["body"]["receiver"] == {"/people": "people", "/ping": "deadman", "/hook": "openclaw-restart-hook"}[l["path"]]
           for l in lines)
print(f"alertmanager delivery: {len(lines)} notifications, each where it belongs")
PY
    ;;

  alertmanager_snippet)
    # The snippet merged into a user's config that pages severity="critical" (tests/alerts/user-alertmanager.yml), as
    # docs/alerts.md tells: restart alerts still reach the hook, the escalations page through the user's pager,
    # Watchdog reaches the dead-man's switch, the rest the user's default receiver.
    need amtool prometheus-alertmanager
    echo secret >"$tmp/token"
    "$python" alerts/generate.py --set "hook_credentials_file=$tmp/token" --out-dir "$tmp/r" >/dev/null
    "$python" tests/alerts/merge_snippet.py "$tmp/r/alertmanager-snippet.yml" tests/alerts/user-alertmanager.yml "$tmp/r/merged.yml"
    amtool check-config "$tmp/r/merged.yml" >/dev/null
    check_route() {  # EXPECTED LABELS...
      local expected=$1 got; shift
      got=$(amtool config routes test --config.file "$tmp/r/merged.yml" "$@" 2>/dev/null)
      [[ $got == "$expected" ]] || { echo "merged config: $* routed to '$got', expected '$expected'" >&2; exit 1; }
    }
    check_route openclaw-restart-hook alertname=OpenClawGatewayDown severity=critical action=restart urgency=immediate gateway=default
    check_route openclaw-restart-hook alertname=OpenClawGatewayScheduledRestartDue severity=info action=restart urgency=scheduled
    check_route pager alertname=OpenClawGatewayStillUnhealthy severity=critical gateway=default
    check_route pager alertname=OpenClawGatewayRestartFailed severity=critical gateway=default
    check_route deadman alertname=Watchdog severity=info
    check_route team-chat alertname=OpenClawGatewayRestartPlanned severity=info gateway=default
    # With a channel chosen, the non-critical OpenClaw alerts go to it and the critical ones still page.
    echo https://hooks.slack.com/services/T/B/x >"$tmp/sl"
    "$python" alerts/generate.py --set "hook_credentials_file=$tmp/token" --set human_channels=slack \
      --set "slack_api_url_file=$tmp/sl" --set slack_channel=#ops --out-dir "$tmp/s" >/dev/null
    "$python" tests/alerts/merge_snippet.py "$tmp/s/alertmanager-snippet.yml" tests/alerts/user-alertmanager.yml "$tmp/r/merged.yml"
    amtool check-config "$tmp/r/merged.yml" >/dev/null
    check_route people alertname=OpenClawGatewayRestartPlanned severity=info gateway=default
    check_route pager alertname=OpenClawGatewayStillUnhealthy severity=critical gateway=default
    # The merge refuses a name clash instead of shadowing the user's receiver.
    sed 's/name: pager/name: deadman/; s/receiver: pager/receiver: deadman/' tests/alerts/user-alertmanager.yml >"$tmp/clash.yml"
    rejects "already has receivers named ['deadman']" \
      "$python" tests/alerts/merge_snippet.py "$tmp/r/alertmanager-snippet.yml" "$tmp/clash.yml" "$tmp/r/x.yml"
    echo "alertmanager snippet: ok" ;;

  fleet_routing)
    # The three-host sample inventory (tests/alerts/fleet-sample.yml), rendered: each host's restart alerts reach that
    # host's hook only, a restart alert naming a host outside the inventory (or none) reaches people, every inhibit
    # rule compares host and gateway (single-host files too), the file_sd targets carry the inventory's host, and each
    # host's hook config has the windows Alertmanager opens its scheduled route in.
    need amtool prometheus-alertmanager; need promtool prometheus
    "$python" alerts/generate.py --fleet tests/alerts/fleet-sample.yml \
      --set hook_credentials_file=/etc/prometheus/openclaw-restart-hook.token --out-dir "$tmp/f" >/dev/null 2>&1
    amtool check-config "$tmp/f/alertmanager.yml" >/dev/null
    routes_to() {  # EXPECTED LABEL=VALUE...
      local expected=$1 got; shift
      got=$(amtool config routes test --config.file "$tmp/f/alertmanager.yml" "$@" 2>/dev/null)
      [[ $got == "$expected" ]] || { echo "fleet: $* routed to '$got', expected '$expected'" >&2; exit 1; }
    }
    for h in gw-a gw-b gw-c; do
      routes_to "openclaw-restart-hook/$h" alertname=OpenClawGatewayDown action=restart urgency=immediate host=$h gateway=default
      routes_to "openclaw-restart-hook/$h" alertname=OpenClawGatewayScheduledRestartDue action=restart urgency=scheduled host=$h gateway=default
      routes_to people alertname=OpenClawGatewayRestartLoop severity=critical host=$h gateway=default
    done
    routes_to people alertname=OpenClawGatewayDown action=restart urgency=immediate host=gw-z gateway=default
    routes_to people alertname=OpenClawGatewayDown action=restart urgency=immediate gateway=default
    routes_to deadman alertname=Watchdog severity=info
    "$python" - "$tmp/f" alerts/alertmanager.yml alerts/alertmanager-snippet.yml <<'PY'
import json, sys, yaml
d = sys.argv[1]
for path in [f"{d}/alertmanager.yml", f"{d}/alertmanager-snippet.yml"] + sys.argv[2:]:
    for rule in yaml.safe_load(open(path))["inhibit_rules"]:
        assert {"host", "gateway"} <= set(rule["equal"]), f"{path}: inhibit rule {rule} does not compare host and gateway"
am = yaml.safe_load(open(f"{d}/alertmanager.yml"))
hooks = {r["name"]: r["webhook_configs"][0] for r in am["receivers"] if r["name"].startswith("openclaw-restart-hook")}
assert {n: (h["url"], h["http_config"]["authorization"]["credentials_file"]) for n, h in hooks.items()} == {
    "openclaw-restart-hook/gw-a": ("http://10.0.0.1:9788/alerts", "/etc/prometheus/openclaw-restart-hook.token"),
    "openclaw-restart-hook/gw-b": ("https://10.0.0.2:9788/alerts", "/etc/prometheus/openclaw-restart-hook.token"),
    "openclaw-restart-hook/gw-c": ("http://gw-c.example.org:9788/alerts", "/etc/prometheus/openclaw-hooks/gw-c.token"),
}, hooks
load = lambda name: yaml.safe_load(open(f"{d}/{name}"))
assert load("openclaw-exporters.targets.yml") == [
    {"targets": ["10.0.0.1:9789"], "labels": {"host": "gw-a"}},
    {"targets": ["10.0.0.2:9789"], "labels": {"host": "gw-b", "__scheme__": "https"}},
    {"targets": ["gw-c.example.org:9789"], "labels": {"host": "gw-c"}}], load("openclaw-exporters.targets.yml")
assert load("openclaw-hooks.targets.yml") == [
    {"targets": ["10.0.0.1:9788"], "labels": {"host": "gw-a"}},
    {"targets": ["10.0.0.2:9788"], "labels": {"host": "gw-b", "__scheme__": "https"}}], load("openclaw-hooks.targets.yml")
assert load("openclaw-hooks-1.targets.yml") == [{"targets": ["gw-c.example.org:9788"], "labels": {"host": "gw-c"}}]
for h in ("gw-a", "gw-b", "gw-c"):
    text = open(f"{d}/openclaw-restart-hook.{h}.yml").read()
    assert f"--host {h}" in text and "bearer_token_file: /etc/openclaw-restart-hook/token" in text, h
print("fleet files: inhibitions compare host, receivers, targets and hook configs as the inventory says")
PY
    "$python" tests/alerts/check_fleet_windows.py "$tmp/f/alertmanager.yml" 1 8 "$tmp/f"
    # The fleet's snippet merged into a user's Alertmanager (docs/alerts.md): the same per-host routes come first; an
    # unknown host's restart alert goes on to the user's routes (their pager), never to a hook.
    "$python" tests/alerts/merge_snippet.py "$tmp/f/alertmanager-snippet.yml" tests/alerts/user-alertmanager.yml "$tmp/f/merged.yml"
    amtool check-config "$tmp/f/merged.yml" >/dev/null
    for h in gw-a gw-b gw-c; do
      got=$(amtool config routes test --config.file "$tmp/f/merged.yml" alertname=OpenClawGatewayDown severity=critical action=restart urgency=immediate host=$h gateway=default)
      [[ $got == "openclaw-restart-hook/$h" ]] || { echo "merged fleet snippet: $h's restart alert routed to '$got'" >&2; exit 1; }
    done
    got=$(amtool config routes test --config.file "$tmp/f/merged.yml" alertname=OpenClawGatewayDown severity=critical action=restart urgency=immediate host=gw-z gateway=default)
    [[ $got == pager ]] || { echo "merged fleet snippet: an unknown host's restart alert routed to '$got', expected pager" >&2; exit 1; }
    # The shipped Prometheus config with the fleet's file_sd files in place of the committed (empty) ones.
    echo token >"$tmp/token"
    sed -e "s#/etc/prometheus/openclaw-restart-hook.token#$tmp/token#" -e "s#\.\./alerts/openclaw-gateway#$PWD/alerts/openclaw-gateway#" \
      -e "s#\.\./alerts/openclaw-\([a-z]*\).targets.yml#$tmp/f/openclaw-\1.targets.yml#" deploy/prometheus.yml >"$tmp/prometheus.yml"
    out=$(promtool check config "$tmp/prometheus.yml" 2>&1) || { echo "$out" >&2; exit 1; }
    if grep -q WARNING <<<"$out"; then echo "$out" >&2; exit 1; fi
    grep -q "$tmp/f/openclaw-hooks.targets.yml" "$tmp/prometheus.yml"
    # The token Prometheus' hook job reads is the one the generator sorts hooks by.
    grep -q "credentials_file: $("$python" -c 'import sys; sys.path.insert(0, "alerts"); import fleet; print(fleet.PROMETHEUS_HOOK_TOKEN)')$" deploy/prometheus.yml
    # Inventories the generator must refuse.
    bad_fleet() {  # REASON YAML
      printf '%s\n' "$2" >"$tmp/bad-fleet.yml"
      rejects "$1" "$python" alerts/generate.py --fleet "$tmp/bad-fleet.yml" --out-dir "$tmp/bad"
    }
    bad_fleet "host 'gw-a' is listed twice" 'hosts: [{name: gw-a, exporter: "a:1", hook_url: "http://a:2/alerts"}, {name: gw-a, exporter: "b:1", hook_url: "http://b:2/alerts"}]'
    bad_fleet "unknown key 'hookurl'" 'hosts: [{name: gw-a, exporter: "a:1", hookurl: "http://a:2/alerts"}]'
    bad_fleet "exporter 'a' is not host:port" 'hosts: [{name: gw-a, exporter: "a", hook_url: "http://a:2/alerts"}]'
    bad_fleet "Mars/Olympus" 'hosts: [{name: gw-a, exporter: "a:1", hook_url: "http://a:2/alerts", time_zone: Mars/Olympus}]'
    bad_fleet "2 hosts' windows are open at 04:00 UTC (gw-a, gw-b), more than max_restarting_hosts (1)" \
      'hosts: [{name: gw-a, exporter: "a:1", hook_url: "http://a:2/alerts"}, {name: gw-b, exporter: "b:1", hook_url: "http://b:2/alerts", windows: [04:00-04:30, 12:00-12:30, 20:00-20:30]}]'
    echo "fleet routing: ok" ;;

  fleet_stagger)
    # Ten hosts, at most three restarting at once: the generator staggers them into slots, and the rendered windows
    # (read back from the files alone) never have more than three open in any minute, each host one every 8 h.
    need amtool prometheus-alertmanager
    { echo "max_restarting_hosts: 3"; echo "hosts:"
      for i in $(seq 0 9); do echo "  - {name: gw-$i, exporter: '10.0.1.$i:9789', hook_url: 'http://10.0.1.$i:9788/alerts'}"; done
    } >"$tmp/ten.yml"
    "$python" alerts/generate.py --fleet "$tmp/ten.yml" --out-dir "$tmp/ten" >/dev/null 2>&1
    amtool check-config "$tmp/ten/alertmanager.yml" >/dev/null
    "$python" tests/alerts/check_fleet_windows.py "$tmp/ten/alertmanager.yml" 3 8 "$tmp/ten"
    # The checker can fail: the same files against a limit of 2, and a window moved onto another slot.
    rejects "3 hosts' windows open at 2027-01-15 04:00 UTC (gw-0, gw-1, gw-2): more than 2" \
      "$python" tests/alerts/check_fleet_windows.py "$tmp/ten/alertmanager.yml" 2 8 "$tmp/ten"
    broken "$tmp/ten/openclaw-restart-hook.gw-9.yml" "$tmp/hook9.yml" 's/start: "05:30"/start: "05:00"/'
    cp "$tmp/hook9.yml" "$tmp/ten/openclaw-restart-hook.gw-9.yml"
    rejects "openclaw-restart-hook.gw-9.yml: low_traffic_windows" \
      "$python" tests/alerts/check_fleet_windows.py "$tmp/ten/alertmanager.yml" 3 8 "$tmp/ten"
    # Sixty hosts need 20 slots of 30 min: more than fit between two windows 8 h apart; the generator says so.
    { echo "max_restarting_hosts: 3"; echo "hosts:"
      for i in $(seq 0 59); do echo "  - {name: gw-$i, exporter: '10.0.2.$i:9789', hook_url: 'http://10.0.2.$i:9788/alerts'}"; done
    } >"$tmp/sixty.yml"
    rejects "more than max_restarting_hosts (3)" "$python" alerts/generate.py --fleet "$tmp/sixty.yml" --out-dir "$tmp/bad"
    echo "fleet stagger: ok" ;;

  fleet_inhibition)
    # A real Alertmanager with the sample fleet's routing (demo timings, every hook URL and people pointed at a sink
    # this check starts): a restart loop on gw-b suppresses gw-b's restart alert and not gw-a's, which reaches gw-a's
    # hook (and no other); a restart alert of a host outside the inventory reaches people.
    need prometheus-alertmanager prometheus-alertmanager; need amtool prometheus-alertmanager
    start_sink
    sed -e "s#http://10.0.0.1:9788/alerts#http://127.0.0.1:$sp/hook-a#" -e "s#https://10.0.0.2:9788/alerts#http://127.0.0.1:$sp/hook-b#" \
      -e "s#http://gw-c.example.org:9788/alerts#http://127.0.0.1:$sp/hook-c#" -e "s#hook_credentials_file: .*#hook_credentials_file: $tmp/token#" \
      -e 's/^max_restarting_hosts: 1$/max_restarting_hosts: 3/' tests/alerts/fleet-sample.yml >"$tmp/fleet.yml"
    # (the demo profile's window is the whole day: three hosts in it at once need max_restarting_hosts 3)
    "$python" alerts/generate.py --fleet "$tmp/fleet.yml" --overrides alerts/profiles/demo.yml --set "hook_credentials_file=$tmp/token" \
      --set human_channels=webhook --set "human_webhook_url=http://127.0.0.1:$sp/people" --out-dir "$tmp/am" >/dev/null 2>&1
    start_alertmanager
    add() { amtool --alertmanager.url="$url" alert add "$@"; }
    add alertname=OpenClawGatewayRestartLoop severity=critical host=gw-b gateway=default instance=10.0.0.2:9788
    add alertname=OpenClawGatewayDown severity=critical action=restart urgency=immediate host=gw-b gateway=default instance=10.0.0.2:9789
    add alertname=OpenClawGatewayDown severity=critical action=restart urgency=immediate host=gw-a gateway=default instance=10.0.0.1:9789
    add alertname=OpenClawGatewayDown severity=critical action=restart urgency=immediate host=gw-z gateway=default instance=10.9.9.9:9789
    # Alertmanager's own view: which alerts are suppressed, and by what (polled until all four are known).
    state() { curl -sf "$url/api/v2/alerts" | "$python" -c '
import json, sys
print(" ".join(sorted("%s@%s=%s" % (a["labels"]["alertname"], a["labels"]["host"], a["status"]["state"])
                      for a in json.load(sys.stdin))))'; }
    want="OpenClawGatewayDown@gw-a=active OpenClawGatewayDown@gw-b=suppressed OpenClawGatewayDown@gw-z=active OpenClawGatewayRestartLoop@gw-b=active"
    for _ in $(seq 100); do [[ $(state) == "$want" ]] && break; sleep 0.1; done
    [[ $(state) == "$want" ]] || { echo "alert states: $(state), expected $want" >&2; cat "$tmp/am.log" >&2; exit 1; }
    delivered() { [[ -s $tmp/sink.jsonl ]] && "$python" - "$tmp/sink.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join(sorted({f"{l['path']}:{a['labels']['alertname']}@{a['labels'].get('host')}" for l in lines for a in l["body"]["alerts"]})))
PY
    }
    want="/hook-a:OpenClawGatewayDown@gw-a /people:OpenClawGatewayDown@gw-z /people:OpenClawGatewayRestartLoop@gw-b"
    for _ in $(seq 300); do [[ $(delivered) == "$want" ]] && break; sleep 0.1; done
    [[ $(delivered) == "$want" ]] || { echo "deliveries: $(delivered), expected $want" >&2; exit 1; }
    grep -q '"authorization": "Bearer hook-secret"' "$tmp/sink.jsonl"
    echo "fleet inhibition: gw-b's loop suppresses gw-b's restart only; deliveries: $want" ;;

  fleet_prometheus)
    # A real Prometheus with deploy/prometheus.yml and a fleet's file_sd files: three stand-in targets serve the
    # `host` label the programs export (gw-b's wrongly says gw-x). The inventory's host wins on every series;
    # exported_host is dropped except on build_info, where gw-b's mismatch stays visible; `up` carries the host too.
    # Then a fourth host is added to the inventory and rendered again: Prometheus (the same process) scrapes it.
    need prometheus prometheus
    "$python" - "$tmp/stub.ports" <<'PY' & stub=$!
import sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer
claims = ["gw-a", "gw-x", "gw-c", "gw-d"]          # what each target's program says its host is
servers = []
for claim in claims:
    class H(BaseHTTPRequestHandler):
        body = (f'openclaw_exporter_build_info{{host="{claim}",version="1",revision="r"}} 1\n'
                f'openclaw_gateway_up{{gateway="default",host="{claim}"}} 1\n').encode()
        def do_GET(self):
            self.send_response(200); self.send_header("Content-Type", "text/plain; version=0.0.4"); self.end_headers()
            self.wfile.write(self.body)
        def log_message(self, *a): pass
    servers.append(HTTPServer(("127.0.0.1", 0), H))
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
open(sys.argv[1] + ".tmp", "w").write(" ".join(str(s.server_address[1]) for s in servers) + "\n")
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
threading.Event().wait()
PY
    prom=""
    trap 'kill $stub $prom 2>/dev/null; wait $stub $prom 2>/dev/null; rm -rf "$tmp"' EXIT
    for _ in $(seq 100); do [[ -s $tmp/stub.ports ]] && break; sleep 0.05; done
    read -r pa pb pc pd <"$tmp/stub.ports"
    inventory() {  # HOSTS...: name:port
      echo "max_restarting_hosts: 4"; echo "hosts:"
      for h in "$@"; do echo "  - {name: ${h%%:*}, exporter: '127.0.0.1:${h##*:}', hook_url: 'http://127.0.0.1:1/alerts'}"; done
    }
    inventory gw-a:$pa gw-b:$pb gw-c:$pc >"$tmp/fleet.yml"
    "$python" alerts/generate.py --fleet "$tmp/fleet.yml" --out-dir "$tmp/r" >/dev/null 2>&1
    echo token >"$tmp/token"
    pport=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$python" - "$tmp" "$pport" <<'PY'
import sys, yaml
tmp, port = sys.argv[1:]
text = open("deploy/prometheus.yml").read().replace("../alerts/", tmp + "/r/")
p = yaml.safe_load(text.replace("/etc/prometheus/openclaw-restart-hook.token", tmp + "/token"))
p["global"]["scrape_interval"] = p["global"]["evaluation_interval"] = "1s"
p.pop("alerting"); p.pop("rule_files")
for job in p["scrape_configs"]:
    job["static_configs"][0]["targets"] = [] if job["job_name"].startswith("openclaw") else [f"127.0.0.1:{port}"]
    job.pop("scrape_timeout", None)
yaml.safe_dump(p, open(tmp + "/prometheus.yml", "w"), sort_keys=False)
PY
    prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" --web.listen-address="127.0.0.1:$pport" \
      --log.level=warn 2>"$tmp/prom.log" & prom=$!
    q() {  # QUERY: the result as sorted "label=value,..." lines (without __name__ and job)
      curl -sfG "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" | "$python" -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(" ".join(sorted(",".join(f"{k}={v}" for k, v in sorted(x["metric"].items()) if k not in ("__name__", "job", "revision", "version"))
                      for x in r)))'
    }
    until_eq() {  # QUERY EXPECTED
      local got; for _ in $(seq 150); do got=$(q "$1" 2>/dev/null) && [[ $got == "$2" ]] && return 0; sleep 0.1; done
      printf '%s:\n  got      %s\n  expected %s\n' "$1" "$got" "$2" >&2; cat "$tmp/prom.log" >&2; exit 1
    }
    until_eq 'openclaw_gateway_up' "gateway=default,host=gw-a,instance=127.0.0.1:$pa gateway=default,host=gw-b,instance=127.0.0.1:$pb gateway=default,host=gw-c,instance=127.0.0.1:$pc"
    until_eq 'up{job="openclaw-gateway-exporter"}' "host=gw-a,instance=127.0.0.1:$pa host=gw-b,instance=127.0.0.1:$pb host=gw-c,instance=127.0.0.1:$pc"
    until_eq 'openclaw_exporter_build_info' "exported_host=gw-a,host=gw-a,instance=127.0.0.1:$pa exported_host=gw-c,host=gw-c,instance=127.0.0.1:$pc exported_host=gw-x,host=gw-b,instance=127.0.0.1:$pb"
    # The mismatch, as a query can find it: build_info whose program says another host than the inventory.
    # The query docs/fleet.md gives for it.
    until_eq '{__name__=~"openclaw_(exporter|restart_hook)_build_info", exported_host!=""} unless on (instance, job, exported_host) label_replace({__name__=~"openclaw_(exporter|restart_hook)_build_info"}, "exported_host", "$1", "host", "(.*)")' \
      "exported_host=gw-x,host=gw-b,instance=127.0.0.1:$pb"
    pid_before=$prom
    inventory gw-a:$pa gw-b:$pb gw-c:$pc gw-d:$pd >"$tmp/fleet.yml"
    "$python" alerts/generate.py --fleet "$tmp/fleet.yml" --out-dir "$tmp/r" >/dev/null 2>&1
    until_eq 'up{job="openclaw-gateway-exporter", host="gw-d"}' "host=gw-d,instance=127.0.0.1:$pd"
    kill -0 "$pid_before" && [[ $prom == "$pid_before" ]]
    echo "fleet prometheus: the inventory's host on every series, gw-b's mismatch visible on build_info only, gw-d picked up without a restart" ;;

  check_alertmanager)
    need amtool prometheus-alertmanager
    amtool check-config alerts/alertmanager.yml ;;

  alert_contract)
    need amtool prometheus-alertmanager
    contract alerts/openclaw-gateway.rules.yml alerts/alertmanager.yml docs/runbooks
    alert_contract_negative_cases ;;

  check_prometheus_config)
    need promtool prometheus
    # promtool insists that the hook's token file exists: check a copy whose token path points at a scratch file.
    echo token >"$tmp/token"
    sed -e "s#/etc/prometheus/openclaw-restart-hook.token#$tmp/token#" -e "s#\.\./alerts/#$PWD/alerts/#" \
      deploy/prometheus.yml >"$tmp/prometheus.yml"
    grep -q "credentials_file: $tmp/token" "$tmp/prometheus.yml"
    promtool check config "$tmp/prometheus.yml" ;;

  dashboards)
    need promtool prometheus
    "$python" tests/alerts/check_dashboards.py dashboards/*.json
    # The low-traffic windows shaded where they are, in UTC and in a zone with DST; a shifted window is noticed.
    "$python" tests/alerts/check_window_shading.py dashboards/openclaw-gateway.json UTC
    echo secret >"$tmp/token"
    "$python" alerts/generate.py --set "hook_credentials_file=$tmp/token" --set scheduled_time_zone=Europe/Berlin \
      --out-dir "$tmp/berlin" 2>/dev/null >/dev/null
    "$python" tests/alerts/check_window_shading.py "$tmp/berlin/openclaw-gateway.json" Europe/Berlin
    "$python" alerts/generate.py --set "hook_credentials_file=$tmp/token" \
      --set 'scheduled_windows=[04:30-05:00, 12:00-12:30, 20:00-20:30]' --out-dir "$tmp/shifted" 2>/dev/null >/dev/null
    rejects 'the shading is not the windows' "$python" tests/alerts/check_window_shading.py "$tmp/shifted/openclaw-gateway.json" UTC
    # Every provisioned dashboard file is one of ours, and the provisioning files name the paths compose mounts.
    grep -q 'path: /var/lib/grafana/dashboards/openclaw' dashboards/provisioning/dashboards/openclaw.yml
    grep -q 'url: http://127.0.0.1:9090' dashboards/provisioning/datasources/prometheus.yml
    dashboards_negative_cases ;;

  compose_config)
    need docker-compose docker-compose
    docker-compose -f docker-compose.yml config -q
    # every file the compose file mounts from the repository exists
    grep -oE '^\s+- \./[^:]+' docker-compose.yml | sed 's/^ *- //' | while read -r p; do
      [[ -e $p ]] || { echo "docker-compose.yml mounts $p, which does not exist" >&2; exit 1; }
    done ;;

  systemd_units)
    need systemd-analyze systemd
    # Offline verification of the unit files (check_unit above). systemd-analyze checks that ExecStart's executable
    # exists, so the copies point ExecStart at a stand-in.
    mkdir -p "$tmp/bin" "$tmp/units"; printf '#!/bin/sh\n' >"$tmp/bin/stub"; chmod +x "$tmp/bin/stub"
    for unit in deploy/systemd/*.service; do
      broken "$unit" "$tmp/units/$(basename "$unit")" -E "s|^ExecStart=[^ ]+|ExecStart=$tmp/bin/stub|"
      check_unit "$tmp/units/$(basename "$unit")" || { echo "(a copy of $unit with ExecStart stubbed)" >&2; exit 1; }
    done
    bash -n deploy/systemd/install.sh
    bash -n deploy/systemd/uninstall.sh
    systemd_units_negative_cases
    echo "systemd units: ok" ;;

  hook_example_config)
    # deploy/openclaw-restart-hook.yml passes the hook's own validation (with a token file that exists here).
    hook=${2:?usage: run.sh hook_example_config PATH_TO_openclaw-restart-hook}
    echo secret >"$tmp/token"; chmod 600 "$tmp/token"; mkdir -p "$tmp/state"
    sed -e "s|/etc/openclaw-restart-hook/token|$tmp/token|" -e "s|^state_dir: [^ ]*|state_dir: $tmp/state|" \
      deploy/openclaw-restart-hook.yml >"$tmp/config.yml"
    "$hook" --check-config --config.file "$tmp/config.yml"
    broken "$tmp/config.yml" "$tmp/bad.yml" 's/action: systemctl/action: reboot/'
    if "$hook" --check-config --config.file "$tmp/bad.yml" >/dev/null 2>&1; then
      echo "the hook accepted an invalid action: its --check-config proves nothing" >&2; exit 1
    fi
    # Each host's config of a fleet (its staggered windows, its zone), as install.sh would install it; a window the
    # stagger moved across midnight (slot 1 of 23:20-23:50) is one window for the hook (end < start), which it accepts.
    sed 's|time_zone: Asia/Kolkata|time_zone: UTC|' tests/alerts/fleet-sample.yml >"$tmp/fleet.yml"
    "$python" alerts/generate.py --fleet "$tmp/fleet.yml" --set 'scheduled_windows=[07:20-07:50, 15:20-15:50, 23:20-23:50]' \
      --out-dir "$tmp/fleet" >/dev/null 2>&1
    grep -q -- '- {start: "23:50", end: "00:20", location: UTC}' "$tmp/fleet/openclaw-restart-hook.gw-b.yml"
    "$python" tests/alerts/check_fleet_windows.py "$tmp/fleet/alertmanager.yml" 1 8 "$tmp/fleet"
    for f in "$tmp"/fleet/openclaw-restart-hook.*.yml; do
      sed -e "s|/etc/openclaw-restart-hook/token|$tmp/token|" -e "s|^state_dir: [^ ]*|state_dir: $tmp/state|" "$f" >"$tmp/host.yml"
      "$hook" --check-config --config.file "$tmp/host.yml" >/dev/null || { echo "$f: refused by the hook" >&2; exit 1; }
      echo "fleet hook config $(basename "$f"): accepted"
    done ;;

  *) echo "unknown check $1" >&2; exit 2 ;;
esac
