#!/usr/bin/env python3
"""Opt-in scale measurement of tests/fleet/fleet_test.sh (OPENCLAW_FLEET_SCALE_HOSTS=N): the central Prometheus and
Alertmanager with N more hosts, at production intervals. Measurement only; asserts nothing.

    fleet_scale.py render RUN N      # rewrites prometheus.yml (15 s intervals) and the file_sd files: N more hosts
    fleet_scale.py measure RUN N SECONDS   # (in the central namespace) watches SECONDS, prints the figures

Each added host v000..v(N-1) is a copy of gw-a's, gw-b's or gw-c's two targets (round robin) with a `host` label of
its own: Prometheus scrapes, stores and evaluates it as one more host (the same series, under another host), so the
series count, scrape load, rule evaluation, memory and Alertmanager's groups are those of N + 3 hosts. The real
exporters and hooks answer several targets each.
"""
import glob
import json
import math
import os
import sys
import time
import urllib.parse
import urllib.request


def write_atomically(path, text):
    with open(path + ".tmp", "w", encoding="utf-8") as out:
        out.write(text)
    os.rename(path + ".tmp", path)


def render(run, n):
    import yaml
    config = f"{run}/core/prometheus.yml"
    p = yaml.safe_load(open(config))
    p["global"].update(scrape_interval="15s", evaluation_interval="15s")
    for job in p["scrape_configs"]:
        if "scrape_timeout" in job:
            job["scrape_timeout"] = "10s"  # as shipped
    write_atomically(config, yaml.safe_dump(p, sort_keys=False))
    out = f"{run}/alerts"
    exporters = json.load(open(f"{out}/openclaw-exporters.targets.yml"))
    real = sorted(e["labels"]["host"] for e in exporters)
    target = {e["labels"]["host"]: e["targets"][0] for e in exporters}
    virtual = [(f"v{i:03d}", real[i % len(real)]) for i in range(n)]
    exporters += [{"targets": [target[like]], "labels": {"host": name}} for name, like in virtual]
    write_atomically(f"{out}/openclaw-exporters.targets.yml", json.dumps(exporters, indent=1) + "\n")
    for path in glob.glob(f"{out}/openclaw-hooks-*.targets.yml"):  # one file per token: one real host each here
        hooks = json.load(open(path))
        hook_of = {h["labels"]["host"]: h["targets"][0] for h in hooks}
        hooks += [{"targets": [hook_of[like]], "labels": {"host": name}} for name, like in virtual if like in hook_of]
        write_atomically(path, json.dumps(hooks, indent=1) + "\n")


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def metrics(url):
    """{series text: value} of a /metrics page."""
    out = {}
    for line in get(url).splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def total(m, prefix):
    return sum(v for k, v in m.items() if k == prefix or k.startswith(prefix + "{"))


def query(expr):
    url = "http://127.0.0.1:9090/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    return [(r["metric"], float(r["value"][1])) for r in json.loads(get(url))["data"]["result"]]


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def measure(run, n, seconds, prometheus_pid, am_pid, am_url):
    prom, am = "http://127.0.0.1:9090/metrics", f"{am_url}/metrics"
    people = f"{run}/core/people.jsonl"
    count = lambda: sum(1 for line in open(people) if line.strip())
    p0, a0, people0, t0 = metrics(prom), metrics(am), count(), time.monotonic()
    peak_groups = peak_alerts = 0.0
    peak_prom_rss = peak_am_rss = 0.0
    evaluation = []
    while time.monotonic() - t0 < seconds:
        a = metrics(am)
        peak_groups = max(peak_groups, total(a, "alertmanager_dispatcher_aggregation_groups"))
        peak_alerts = max(peak_alerts, a.get('alertmanager_alerts{state="active"}', 0))
        peak_prom_rss, peak_am_rss = max(peak_prom_rss, rss_mib(prometheus_pid)), max(peak_am_rss, rss_mib(am_pid))
        evaluation.append(total(metrics(prom), "prometheus_rule_group_last_duration_seconds"))
        time.sleep(2)
    p1, a1, people1, elapsed = metrics(prom), metrics(am), count(), time.monotonic() - t0
    per_host = sorted(int(v) for _, v in query('count by (host) ({host=~".+", __name__!~"ALERTS.*"})'))
    scrape = query('sum(scrape_duration_seconds{host=~".+"})')
    scrape_seconds = scrape[0][1] if scrape else math.nan
    print(f"scale: {n + 3} hosts ({n} added to the 3 real ones), 15 s scrape and evaluation, measured over "
          f"{elapsed:.0f} s:")
    print(f"  series per host: {per_host[0]}-{per_host[-1]} ({len(per_host)} hosts); Prometheus head series "
          f"{p1.get('prometheus_tsdb_head_series', math.nan):.0f}; samples per round "
          f"{query('sum(scrape_samples_scraped)')[0][1]:.0f}")
    print(f"  Prometheus: RSS peak {peak_prom_rss:.0f} MiB; CPU "
          f"{(p1['process_cpu_seconds_total'] - p0['process_cpu_seconds_total']) / elapsed * 100:.1f} % of one core; "
          f"rule evaluation (all groups) {min(evaluation) * 1000:.0f}-{max(evaluation) * 1000:.0f} ms per round; "
          f"scrape time summed over targets {scrape_seconds:.1f} s per round")
    print(f"  Alertmanager (the one left): RSS peak {peak_am_rss:.0f} MiB; CPU "
          f"{(a1['process_cpu_seconds_total'] - a0['process_cpu_seconds_total']) / elapsed * 100:.1f} % of one core; "
          f"aggregation groups peak {peak_groups:.0f}; active alerts peak {peak_alerts:.0f}; notifications "
          f"{total(a1, 'alertmanager_notifications_total') - total(a0, 'alertmanager_notifications_total'):.0f} "
          f"(to the person {people1 - people0}) in {elapsed:.0f} s")


if __name__ == "__main__":
    if sys.argv[1] == "render":
        render(sys.argv[2], int(sys.argv[3]))
    else:
        measure(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7])
