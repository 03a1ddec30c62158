#!/usr/bin/env python3
"""The contract between the rules, the routing, the runbooks and the exporter's metric names.

    check_alert_contract.py RULES.yml ALERTMANAGER.yml RUNBOOK_DIR

- every alert has `severity` (critical, warning, or info for a notice); restart alerts carry action="restart" and urgency
  immediate|scheduled; an info alert never carries action except as a standing scheduled request (urgency
  scheduled: ScheduledRestartDue, delivered to the hook inside the windows only); the alerts that page about the
  remediation itself (RestartFailed, RestartLoop, StillUnhealthy, RestartHookDeclined), the notices (RestartPlanned,
  Restarted), the monitoring of the monitoring, and what a restart cannot fix or must not touch (ExporterBlind,
  ConfigError, Crashed, StuckSessions, UptimeHigh) never carry `action`;
- the recorded Down condition (gateway:openclaw_gateway_unhealthy:down_condition) is the text of Down's expression;
- runbook_url ends in /<AlertName>.md and docs/runbooks/<AlertName>.md exists; no runbook (a capitalised .md file)
  without an alert (lower-case pages such as maintenance.md are guides, not runbooks);
- every `on (...)` that lists labels lists `host` (a fleet tells hosts apart by it: docs/fleet.md);
- every metric name in the rules is a known one (tests/alerts/known_metrics.txt, or recorded by the rules file itself);
- every alertname in an inhibit rule is a real alert, and the scheduled route is restricted by active_time_intervals;
- routing, with `amtool config routes test` (its answer compared here): restart alerts -> openclaw-restart-hook, Watchdog
  -> deadman, everything else (and a restart alert with an unknown urgency) -> people.
The rules file is the generator's own output, so its fixed layout is parsed with regular expressions (stdlib only).
"""
import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HOOK, HUMAN, DEADMAN = "openclaw-restart-hook", "people", "deadman"
DOWN_RECORD = "gateway:openclaw_gateway_unhealthy:down_condition"
NEVER_RESTART = {"OpenClawGatewayRestartFailed", "OpenClawGatewayRestartLoop", "OpenClawExporterBlind",
                 "OpenClawGatewayConfigError", "OpenClawGatewayCrashed", "OpenClawGatewayStuckSessions",
                 "OpenClawGatewayStillUnhealthy", "OpenClawRestartHookDeclined", "OpenClawGatewayRestartPlanned",
                 "OpenClawGatewayRestarted", "OpenClawGatewayUptimeHigh", "Watchdog", "OpenClawNoHumanChannel",
                 "OpenClawAlertmanagerNotificationsFailing", "OpenClawExporterSourceFailing",
                 "OpenClawGatewayProbeStale"}
REQUIRED = {"OpenClawGatewayDown", "OpenClawGatewaySlowResponse", "OpenClawGatewayUptimeHigh", "OpenClawGatewayMemoryHigh",
            "OpenClawGatewayMemoryLeak", "OpenClawGatewayFdExhaustion", "OpenClawGatewayCloseWaitPileup",
            "OpenClawHostMemoryHigh", "OpenClawGatewayEventLoopLag", "OpenClawGatewayRestartFailed",
            "OpenClawGatewayRestartLoop", "OpenClawExporterDown", "OpenClawRestartHookDown", "OpenClawExporterBlind",
            "OpenClawGatewayMemoryPressure", "OpenClawGatewayChildProcessGrowth", "OpenClawGatewayStuckSessions",
            "OpenClawGatewayConfigError", "OpenClawGatewayCrashed", "OpenClawGatewayStillUnhealthy",
            "OpenClawGatewayScheduledRestartDue", "OpenClawRestartHookDeclined", "OpenClawGatewayRestartPlanned",
            "OpenClawGatewayRestarted", "Watchdog", "OpenClawAlertmanagerNotificationsFailing",
            "OpenClawExporterSourceFailing", "OpenClawGatewayProbeStale"}
KNOWN = {l.strip() for l in open(os.path.join(HERE, "known_metrics.txt"), encoding="utf-8")
         if l.strip() and not l.startswith("#")}
FUNCS_AND_KEYWORDS = {"and", "or", "unless", "on", "without", "by", "offset", "bool", "ignoring", "group_left",
                      "group_right", "sum", "max", "min", "count", "avg", "absent", "increase", "rate", "round", "time",
                      "predict_linear", "changes", "histogram_quantile", "vector", "min_over_time", "max_over_time",
                      "label_replace"}
# Label lists of on (...), without (...), group_left (...) etc. hold label names, not metrics: dropped before the check.
GROUPING_RE = re.compile(r"\b(on|ignoring|by|without|group_left|group_right)\s*\([^)]*\)")


def parse_rules(text):
    alerts = {}
    for block in re.split(r"\n(?=      - alert: )", text)[1:]:
        name = re.match(r"      - alert: (\S+)", block).group(1)
        expr = re.search(r"        expr: (\|\n((?:          .*\n)+)|.*)", block + "\n")
        expr = expr.group(2) if expr.group(2) else expr.group(1)
        labels = dict(re.findall(r"\n          ([a-z_]+): (\S+)", block.split("labels:")[1].split("annotations:")[0]))
        runbook = re.search(r'runbook_url: "([^"]*)"', block)
        summary = re.search(r'summary: "([^"]*)"', block)
        alerts[name] = {"expr": expr, "labels": labels, "runbook": runbook and runbook.group(1),
                        "summary": summary and summary.group(1), "description": "description:" in block}
    return alerts


# amtool's answers, keyed by the routing file's content and the labels: $CONTRACT_ROUTE_CACHE (a JSON file) lets
# run.sh's many broken copies of the rules reuse the answers for the unchanged routing file.
CACHE_PATH = os.environ.get("CONTRACT_ROUTE_CACHE")
CACHE = json.load(open(CACHE_PATH, encoding="utf-8")) if CACHE_PATH and os.path.isfile(CACHE_PATH) else {}


def route(am_config, labels):
    args = [f"{k}={v}" for k, v in sorted(labels.items())]
    key = hashlib.sha256(open(am_config, "rb").read() + "\0".join(args).encode()).hexdigest()
    if key not in CACHE:
        r = subprocess.run(["amtool", "config", "routes", "test", "--config.file", am_config] + args,
                           capture_output=True, text=True)
        CACHE[key] = r.stdout.strip()
    return CACHE[key]


def save_cache():
    if CACHE_PATH:
        with open(CACHE_PATH + ".tmp", "w", encoding="utf-8") as f:
            json.dump(CACHE, f)
        os.replace(CACHE_PATH + ".tmp", CACHE_PATH)


def main(rules_path, am_path, runbook_dir):
    problems = []
    bad = problems.append
    rules_text = open(rules_path, encoding="utf-8").read()
    alerts = parse_rules(rules_text)
    known = KNOWN | set(re.findall(r"\n      - record: (\S+)", rules_text))
    am = open(am_path, encoding="utf-8").read()

    for name in sorted(REQUIRED - set(alerts)):
        bad(f"required alert {name} is missing")
    for name, a in sorted(alerts.items()):
        labels = a["labels"]
        if labels.get("severity") not in ("critical", "warning", "info"):
            bad(f"{name}: severity must be critical, warning or info, got {labels.get('severity')!r}")
        if labels.get("severity") == "info" and "action" in labels and labels.get("urgency") != "scheduled":
            bad(f"{name}: an info alert tells people; it carries action only as a scheduled request")
        if "action" in labels:
            if labels["action"] != "restart" or labels.get("urgency") not in ("immediate", "scheduled"):
                bad(f"{name}: action must be restart with urgency immediate|scheduled, got {labels}")
        elif "urgency" in labels:
            bad(f"{name}: urgency without action")
        if name in NEVER_RESTART and "action" in labels:
            bad(f"{name}: pages a human and must never carry action")
        if not a["summary"] or "$value" not in a["summary"]:
            bad(f"{name}: the summary must show {{{{ $value }}}}")
        if not a["description"]:
            bad(f"{name}: no description")
        if not a["runbook"] or not a["runbook"].endswith(f"/{name}.md"):
            bad(f"{name}: runbook_url must end in /{name}.md, got {a['runbook']!r}")
        if not os.path.isfile(os.path.join(runbook_dir, f"{name}.md")):
            bad(f"{name}: runbook {runbook_dir}/{name}.md is missing")
        # A fleet tells hosts apart by `host` only (docs/fleet.md): a join that lists labels must list it, or a
        # division drops it from the alert (which then misses its host's hook) or matches another host's gateway.
        for listed in re.findall(r"\bon\s*\(([^)]*)\)", a["expr"]):
            if listed.strip() and "host" not in re.split(r"[\s,]+", listed):
                bad(f"{name}: on ({listed.strip()}) must list host (a fleet tells hosts apart by it)")
        stripped = GROUPING_RE.sub(r"\1", re.sub(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}', "", a["expr"]))
        for word in re.findall(r"\b([A-Za-z_][A-Za-z0-9_:]*)\b", stripped):
            if word in FUNCS_AND_KEYWORDS:
                continue
            if word not in known:
                bad(f"{name}: unknown metric or word {word!r} in expr (tests/alerts/known_metrics.txt)")


    # Routing, with amtool's own answer for each alert (in parallel: one amtool process per label set).
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        routed = {name: pool.submit(route, am_path, dict({"alertname": name, "gateway": "default",
                                                          "instance": "gw:9789"}, **a["labels"]))
                  for name, a in alerts.items()}
    for name, a in sorted(alerts.items()):
        expected = HOOK if a["labels"].get("action") == "restart" else DEADMAN if name == "Watchdog" else HUMAN
        got = routed[name].result()
        if got != expected:
            bad(f"{name}: routed to {got!r}, expected {expected!r}")

    down = alerts.get("OpenClawGatewayDown", {}).get("expr")
    record = re.search(r"\n      - record: " + re.escape(DOWN_RECORD) + r"\n        expr: \|\n((?:          .*\n)+)", rules_text)
    if not record or not down or record.group(1).strip() != down.strip():
        bad(f"the record {DOWN_RECORD} must have exactly OpenClawGatewayDown's expression")
    for path in sorted(os.listdir(runbook_dir)):
        if path.endswith(".md") and path[:1].isupper() and path[:-3] not in alerts:
            bad(f"runbook {path} has no alert")

    odd = route(am_path, {"alertname": "OpenClawGatewayDown", "action": "restart", "urgency": "someday", "gateway": "x"})
    if odd != HUMAN:
        bad(f"a restart alert with an unknown urgency routed to {odd!r}, expected {HUMAN!r}")

    for names in re.findall(r'alertname=~?"([^"]+)"', am.split("inhibit_rules:")[1].split("receivers:")[0]):
        for n in names.split("|"):
            if n not in alerts:
                bad(f"inhibit rule names {n!r}, which is no alert")
    sched = re.search(r"'urgency=\"scheduled\"'\].*?\n\n", am, re.S)
    if not sched or "active_time_intervals:" not in sched.group(0):
        bad("the urgency=\"scheduled\" route must be restricted by active_time_intervals")
    hook = am.split(f"- name: {HOOK}")[1].split("- name:")[0]
    for needle in ("send_resolved: true", "credentials_file:", "type: Bearer"):
        if needle not in hook:
            bad(f"receiver {HOOK} lacks {needle!r}")

    save_cache()
    for p in problems:
        print(p)
    print(f"check_alert_contract: {len(alerts)} alerts, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
