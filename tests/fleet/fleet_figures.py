#!/usr/bin/env python3
"""The figures docs/fleet.md's scaling section quotes, from a finished run of tests/fleet/fleet_test.sh (run inside the
test's central network namespace, where Prometheus, the surviving Alertmanager and every host's hook are reachable):

    fleet_figures.py RUN_DIR ELAPSED_SECONDS AM0_WEBHOOK_NOTIFICATIONS HOST=ADDRESS...

Measurement only: it asserts nothing (the test's assertions are in fleet_test.sh).
"""
import json
import math
import sys
import urllib.parse
import urllib.request

PROMETHEUS = "http://127.0.0.1:9090"


def get(url, token=None):
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode()


def query(expr):
    body = json.loads(get(f"{PROMETHEUS}/api/v1/query?" + urllib.parse.urlencode({"query": expr})))
    return [(r["metric"], float(r["value"][1])) for r in body["data"]["result"]]


def scalar(expr):
    rows = query(expr)
    return rows[0][1] if rows else math.nan


def metric_sum(text, name, must_contain=""):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and line[len(name)] in "{ " and must_contain in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def audit(run, host):
    try:
        return [json.loads(line) for line in open(f"{run}/{host}/state/audit.log") if line.strip()]
    except OSError:
        return []


def main():
    run, elapsed, am0_sent = sys.argv[1], float(sys.argv[2]), float(sys.argv[3] or 0)
    hosts = dict(arg.split("=", 1) for arg in sys.argv[4:])
    print("fleet figures (for docs/fleet.md):")

    per = {}
    for m, v in query('count by (host, job) ({host=~"gw-.+", __name__!~"ALERTS.*"})'):
        per.setdefault(m["host"], {})[m["job"]] = int(v)
    own = {m["host"]: int(v) for m, v in query('count by (host) ({host=~"gw-.+", __name__=~"openclaw_.+"})')}
    kinds = {  # where a host's series come from
        "exporter's own": '{host=~"gw-.+", job="openclaw-gateway-exporter", __name__=~"openclaw_.+"}',
        "hook's own": '{host=~"gw-.+", job="openclaw-restart-hook", __name__=~"openclaw_.+"}',
        "Prometheus' per target": '{host=~"gw-.+", __name__=~"up|scrape_.+"}',
        "recording rules": '{host=~"gw-.+", __name__=~".+:.+"}',
    }
    breakdown = {kind: {m["host"]: int(v) for m, v in query(f"count by (host) ({selector})")}
                 for kind, selector in kinds.items()}
    for host in sorted(per):
        jobs = ", ".join(f"{job} {n}" for job, n in sorted(per[host].items()))
        parts = ", ".join(f"{kind} {breakdown[kind].get(host, 0)}" for kind in kinds)
        print(f"  series of {host}: {jobs}; total {sum(per[host].values())} (of which openclaw_*: {own.get(host)}; "
              f"{parts})")
    head = scalar("prometheus_tsdb_head_series")
    scraped = scalar('sum(scrape_samples_scraped{host=~"gw-.+"})')
    evaluation = scalar("sum(prometheus_rule_group_last_duration_seconds)")
    print(f"  Prometheus: head series {head:.0f}; samples per scrape of the 6 targets {scraped:.0f}; rule evaluation "
          f"{evaluation * 1000:.1f} ms per round (every rule group, 3 hosts)")
    cpu = query('rate(process_cpu_seconds_total{job=~"prometheus|alertmanager"}[1m])')
    print("  CPU over the last minute, share of one core: "
          + ", ".join(f"{m['job']} {m['instance']} {v * 100:.1f} %" for m, v in sorted(cpu, key=lambda r: r[0]["instance"])))

    # The sampler's lines: seconds, then per Alertmanager (groups, active alerts), then VmRSS (kB) of Prometheus,
    # Alertmanager 0 and 1 ("-" when not available).
    cols = [line.split() for line in open(f"{run}/core/samples.txt") if len(line.split()) == 8]

    def peak(i):
        values = [float(c[i]) for c in cols if c[i] != "-"]
        return max(values) if values else math.nan

    print(f"  Alertmanager aggregation groups, peak: am-0 {peak(1):.0f}, am-1 {peak(3):.0f}; active alerts, peak: "
          f"am-0 {peak(2):.0f}, am-1 {peak(4):.0f}")
    print(f"  peak RSS (sampled every 2 s): Prometheus {peak(5) / 1024:.0f} MiB, Alertmanager {peak(6) / 1024:.0f} and "
          f"{peak(7) / 1024:.0f} MiB")

    people = sum(1 for line in open(f"{run}/core/people.jsonl") if line.strip())
    am1 = metric_sum(get(f"http://{hosts.get('core', '10.77.0.1')}:9095/metrics"),
                     "alertmanager_notifications_total", 'integration="webhook"')
    hook_posts, deliveries = 0.0, []
    for host, address in sorted(hosts.items()):
        if host == "core":
            continue
        token = open(f"{run}/{host}/token").read().strip()
        hook_posts += metric_sum(get(f"http://{address}:9788/metrics", token), "openclaw_restart_hook_webhooks_total",
                                 'code="200"')
        per_alert = {}  # (fingerprint, startsAt): deliveries of that firing alert
        for r in audit(run, host):
            alert = r.get("alert", {})
            if (r.get("event") == "decision" and r.get("reason") != "wrong_host" and alert.get("status") == "firing"
                    and alert["labels"].get("alertname") == "OpenClawGatewayDown"):
                key = (alert.get("fingerprint"), alert.get("starts_at"))
                per_alert[key] = per_alert.get(key, 0) + 1
        deliveries.append(f"{host} {'+'.join(str(n) for n in per_alert.values()) or 0}")
    minutes = elapsed / 60
    print(f"  notifications in {elapsed:.0f} s: to the person {people} ({people / minutes:.1f}/min); webhooks the hooks "
          f"accepted {hook_posts:.0f} ({hook_posts / minutes:.1f}/min); webhook notifications of both Alertmanagers "
          f"{am0_sent + am1:.0f} ({(am0_sent + am1) / minutes:.1f}/min)")
    print("  deliveries of each firing OpenClawGatewayDown to its host's hook, per alert (1: the pair deduplicated): "
          + ", ".join(deliveries))


if __name__ == "__main__":
    main()
