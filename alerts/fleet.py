"""The fleet inventory (alerts/fleet.yml) for alerts/generate.py: loading, the staggered windows, and what is rendered
from it (Alertmanager routes, receivers and time intervals per host; Prometheus file_sd target files; one restart hook
config per host). An empty inventory renders nothing here: the single-host files stay exactly as thresholds.yml
renders them. docs/fleet.md explains the rules this file implements.
"""

import datetime
import json
import os
import re
import sys
import zoneinfo

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")  # a host name as the `host` label carries it
TARGET_RE = re.compile(r"^(https?://)?([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})$")
HOOK_URL_RE = re.compile(r"^(https?)://([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})(/[^\s\"'@]*)?$")
HOST_KEYS = {"name", "exporter", "hook_url", "hook_credentials_file", "time_zone", "windows"}
TOP_KEYS = {"max_restarting_hosts", "hosts"}
# Where the zone offsets are sampled for the concurrency check (a fixed span: the verdict does not depend on the day).
CHECK_SPAN = (datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
              datetime.datetime(2028, 1, 1, tzinfo=datetime.timezone.utc))


def fail(msg):
    sys.exit(msg)


def load(path, values, validate, window_minutes):
    """The inventory as {"k": int, "hosts": [ {name, exporter, exporter_scheme, hook_target, hook_scheme, hook_url,
    hook_credentials_file, time_zone, windows, slot} ]}; every host's windows already staggered."""
    import yaml
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as e:
        fail(f"{path}: {e}")
    if not isinstance(data, dict):
        fail(f"{path}: expected a mapping with `hosts:` (a list) and `max_restarting_hosts:`")
    unknown = set(data) - TOP_KEYS
    if unknown:
        fail(f"{path}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(TOP_KEYS))})")
    k = data.get("max_restarting_hosts", 1)
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        fail(f"{path}: max_restarting_hosts: {k!r} is not a whole number >= 1")
    raw = data.get("hosts") or []
    if not isinstance(raw, list):
        fail(f"{path}: hosts: expected a list of hosts")
    hosts, seen = [], set()
    for i, h in enumerate(raw):
        where = f"{path}: hosts[{i}]"
        if not isinstance(h, dict):
            fail(f"{where}: expected a mapping (name, exporter, hook_url, ...)")
        unknown = set(h) - HOST_KEYS
        if unknown:
            fail(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(HOST_KEYS))})")
        for key in ("name", "exporter", "hook_url"):
            if not isinstance(h.get(key), str) or not h[key]:
                fail(f"{where}: {key} is required")
        name = h["name"]
        if not NAME_RE.match(name):
            fail(f"{where}: name {name!r} is not a host name (letters, digits, '.', '_', '-')")
        if name in seen:
            fail(f"{where}: host {name!r} is listed twice")
        seen.add(name)
        m = TARGET_RE.match(h["exporter"])
        if not m:
            fail(f"{where}: exporter {h['exporter']!r} is not host:port (or http(s)://host:port)")
        hm = HOOK_URL_RE.match(h["hook_url"])
        if not hm:
            fail(f"{where}: hook_url {h['hook_url']!r} is not http(s)://host:port/path")
        zone = str(h.get("time_zone", values["scheduled_time_zone"]))
        validate("scheduled_time_zone", zone, f"{where}: time_zone")
        windows = h.get("windows")
        if windows is not None:
            if isinstance(windows, str):
                windows = [w for w in re.split(r"[\s,]+", windows) if w]
            windows = [str(w) for w in windows]
            validate("scheduled_windows", windows, f"{where}: windows")
            if any(window_minutes(w)[1] <= window_minutes(w)[0] for w in windows):
                fail(f"{where}: windows: a window must end after it starts (split one that crosses midnight)")
        credentials = str(h.get("hook_credentials_file", values["hook_credentials_file"]))
        validate("hook_credentials_file", credentials, f"{where}: hook_credentials_file")
        hosts.append({
            "name": name,
            "exporter": f"{m.group(2)}:{m.group(3)}", "exporter_scheme": (m.group(1) or "http://")[:-3],
            "hook_url": h["hook_url"], "hook_target": f"{hm.group(2)}:{hm.group(3)}", "hook_scheme": hm.group(1),
            "hook_credentials_file": credentials, "time_zone": zone, "windows": windows, "explicit": windows is not None,
        })
    fleet = {"k": k, "hosts": hosts, "path": os.path.relpath(path)}
    stagger(fleet, values["scheduled_windows"], window_minutes)
    return fleet


def fmt_minute(m):
    return f"{m // 60:02d}:{m % 60:02d}"


def shifted(windows, shift, window_minutes):
    """Windows moved `shift` minutes later, split where they cross midnight, as sorted "HH:MM-HH:MM"."""
    out = []
    for w in windows:
        a, b = window_minutes(w)
        if b - a >= 1440:
            return ["00:00-24:00"]
        a, b = (a + shift) % 1440, (b + shift) % 1440 or 1440
        out += [(a, b)] if a < b else [(a, 1440), (0, b)]
    return [f"{fmt_minute(a)}-{fmt_minute(b) if b < 1440 else '24:00'}" for a, b in sorted(out)]


def joined_at_midnight(windows):
    """For the hook, whose windows may cross midnight (end < start): "23:50-24:00" + "00:00-00:20" -> "23:50-00:20",
    one window, so its per-host jitter spreads over the whole window, not over each piece."""
    ends = [w for w in windows if w.endswith("-24:00") and not w.startswith("00:00")]
    starts = [w for w in windows if w.startswith("00:00-") and not w.endswith("24:00")]
    if len(ends) != 1 or len(starts) != 1:
        return list(windows)
    rest = [w for w in windows if w not in (ends[0], starts[0])]
    return [f"{ends[0][:5]}-{starts[0][6:]}"] + rest


def stagger(fleet, base_windows, window_minutes):
    """The documented rule (docs/fleet.md, "Staggered restarts"): the hosts that take the default windows, in
    inventory order, fill slots of max_restarting_hosts hosts each; slot s gets the default windows moved s times the
    shortest default window's length later. A host with its own `windows` keeps them (and counts in the check)."""
    length = min(window_minutes(w)[1] - window_minutes(w)[0] for w in base_windows)
    j = 0
    for h in fleet["hosts"]:
        if h["explicit"]:
            h["slot"] = None
            continue
        h["slot"] = j // fleet["k"]
        h["windows"] = shifted(base_windows, h["slot"] * length, window_minutes) if length < 1440 else list(base_windows)
        j += 1


def utc_ranges(windows, offset, window_minutes):
    out = []
    for w in windows:
        a, b = window_minutes(w)
        if b - a >= 1440:
            return [(0, 1440)]
        a, b = (a - offset) % 1440, (b - offset) % 1440 or 1440
        out += [(a, b)] if a < b else [(a, 1440), (0, b)]
    return out


def offset_combinations(zones):
    """Every combination of the zones' UTC offsets (minutes) that occurs in CHECK_SPAN, sampled hourly."""
    if len(zones) == 1:
        return [{zones[0]: 0}]  # one zone: shifting every host alike changes nothing about overlaps
    tzs = {z: zoneinfo.ZoneInfo("UTC" if z == "Local" else z) for z in zones}
    combos, t = set(), CHECK_SPAN[0]
    while t < CHECK_SPAN[1]:
        combos.add(tuple(int(t.astimezone(tzs[z]).utcoffset().total_seconds() // 60) for z in zones))
        t += datetime.timedelta(hours=1)
    return [dict(zip(zones, c)) for c in sorted(combos)]


def max_open(hosts, window_minutes):
    """(most hosts whose windows are open in the same minute, that minute in UTC, their names), over every
    combination of zone offsets: the concurrency check, independent of how the windows were assigned."""
    zones = sorted({h["time_zone"] for h in hosts})
    best = (0, None, [])
    for offsets in offset_combinations(zones):
        counts = [[] for _ in range(1440)]
        for h in hosts:
            for a, b in utc_ranges(h["windows"], offsets[h["time_zone"]], window_minutes):
                for minute in range(a, b):
                    counts[minute].append(h["name"])
        for minute, names in enumerate(counts):
            if len(names) > best[0]:
                best = (len(names), minute, names)
    return best


def check(fleet, values, window_minutes, duration_seconds):
    """(problems, warnings) of the inventory as a whole."""
    problems, warnings = [], []
    hosts = fleet["hosts"]
    if not hosts:
        return problems, warnings
    most, minute, names = max_open(hosts, window_minutes)
    if most > fleet["k"]:
        problems.append(
            f"{fleet['path']}: {most} hosts' windows are open at {fmt_minute(minute)} UTC ({', '.join(names)}), more "
            f"than max_restarting_hosts ({fleet['k']}): raise it, shorten scheduled_windows (more slots fit between "
            "two windows), or change the hosts' own windows (docs/fleet.md, \"Staggered restarts\")")
    for h in hosts:
        starts = sorted(window_minutes(w)[0] for w in h["windows"])
        always = any(window_minutes(w)[1] - window_minutes(w)[0] >= 1440 for w in h["windows"])
        gaps = [(b - a) * 60 for a, b in zip(starts, starts[1:] + [starts[0] + 1440])]
        if not always and max(gaps) > float(values["uptime_max_seconds"]):
            warnings.append(f"{fleet['path']}: host {h['name']}: windows {h['windows']} are up to {max(gaps):g}s "
                            f"apart, more than uptime_max_seconds ({values['uptime_max_seconds']})")
    return problems, warnings


# --- rendering ------------------------------------------------------------------------------------------------------

def receiver_name(h):
    return f"openclaw-restart-hook/{h['name']}"


def interval_name(h):
    return f"openclaw-low-traffic/{h['name']}"


def render(fmt, fleet, values, indent, yaml_string):
    pad = " " * indent
    hosts = fleet["hosts"]
    out = []
    if fmt in ("routes", "snippetroutes"):
        group_by = ["    group_by: [alertname, host, gateway, instance]"] if fmt == "snippetroutes" else []
        for h in hosts:
            host = yaml_string(f'host="{h["name"]}"')
            out += [f"- receiver: {receiver_name(h)}",
                    f"  matchers: ['action=\"restart\"', 'urgency=\"immediate\"', {host}]",
                    *[g[2:] for g in group_by],
                    f"  group_wait: {values['restart_group_wait']}",
                    f"  group_interval: {values['restart_group_interval']}",
                    f"  repeat_interval: {values['restart_repeat_interval']}",
                    f"- receiver: {receiver_name(h)}",
                    f"  matchers: ['action=\"restart\"', 'urgency=\"scheduled\"', {host}]",
                    f"  active_time_intervals: [{interval_name(h)}]",
                    *[g[2:] for g in group_by],
                    f"  group_wait: {values['restart_group_wait']}",
                    f"  group_interval: {values['scheduled_group_interval']}",
                    f"  repeat_interval: {values['restart_repeat_interval']}"]
    elif fmt == "intervals":
        for h in hosts:
            times = ", ".join(f'{{start_time: "{w[:5]}", end_time: "{w[6:]}"}}' for w in h["windows"])
            slot = f"slot {h['slot']}" if h["slot"] is not None else "its own windows"
            out += [f"- name: {interval_name(h)}          # {slot}",
                    "  time_intervals:", f"    - times: [{times}]", f"      location: {h['time_zone']}"]
    elif fmt == "receivers":
        for h in hosts:
            out += [f"- name: {receiver_name(h)}", "  webhook_configs:", f"    - url: {yaml_string(h['hook_url'])}",
                    "      send_resolved: true", "      max_alerts: 0", "      http_config:",
                    "        authorization:", "          type: Bearer",
                    f"          credentials_file: {h['hook_credentials_file']}"]
    else:
        raise KeyError(fmt)
    return ("\n" + pad).join(out)


# The token file deploy/prometheus.yml's openclaw-restart-hook job reads (tests/alerts/run.sh checks they agree).
PROMETHEUS_HOOK_TOKEN = "/etc/prometheus/openclaw-restart-hook.token"


def target_files(fleet, prometheus_hook_credentials=PROMETHEUS_HOOK_TOKEN):
    """Prometheus file_sd files: {basename: text}. The exporters in one file; the hooks in one file per credentials
    file (Prometheus 2.42 reads one credentials_file per scrape job): openclaw-hooks.targets.yml for the hooks whose
    token is the one deploy/prometheus.yml's hook job reads, openclaw-hooks-N.targets.yml for each other token file
    (each needs its own job, docs/fleet.md). Written as JSON, which is YAML too: every string quoted, no YAML quirks
    in host names (`.yml`: tools that take every *.json in a directory for a dashboard leave them alone).
    Returns (files, notes for the operator)."""
    def entry(target, h, scheme):
        labels = {"host": h["name"]}
        if scheme == "https":
            labels["__scheme__"] = "https"
        return {"targets": [target], "labels": labels}

    def dump(entries):
        return json.dumps(entries, indent=2) + "\n"

    notes = []
    files = {"openclaw-exporters.targets.yml":
             dump([entry(h["exporter"], h, h["exporter_scheme"]) for h in fleet["hosts"]])}
    by_token = {}
    for h in fleet["hosts"]:
        by_token.setdefault(h["hook_credentials_file"], []).append(h)
    files["openclaw-hooks.targets.yml"] = dump(
        [entry(h["hook_target"], h, h["hook_scheme"]) for h in by_token.pop(prometheus_hook_credentials, [])])
    for n, (token, hs) in enumerate(sorted(by_token.items()), 1):
        files[f"openclaw-hooks-{n}.targets.yml"] = dump(
            [entry(h["hook_target"], h, h["hook_scheme"]) for h in hs])
        notes.append(f"openclaw-hooks-{n}.targets.yml: hooks whose token is {token}: Prometheus needs a scrape job "
                     "of its own for them (docs/fleet.md, \"Tokens\")")
    return files, notes
