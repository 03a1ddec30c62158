#!/usr/bin/env python3
"""Static checks of the Grafana dashboards, and a Prometheus parse of every PromQL expression in them.

    check_dashboards.py DASHBOARD.json...    exit 1 with one line per problem

Checks: valid JSON; uid, title, schemaVersion; a `host`, a `gateway` and an `instance` variable; links only to dashboards of the
same directory, and a link to each of them; annotations that take their time from a timestamp series
(useValueForTime), never `changes(...[$__interval])`, which misses a change between two steps; unique panel ids; a gridPos inside the 24-column grid on every panel and
no two panels overlapping; datasource `${datasource}` on every query panel, target and annotation; every templating
variable used and every referenced variable defined; only known metric names; and every expression (targets,
annotations, variable queries) parsed by `promtool check rules` as a recording rule, after substituting Grafana's
variables. Python 3 standard library and promtool only.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

DS = {"type": "prometheus", "uid": "${datasource}"}
BUILTIN_VARS = {"__rate_interval", "__interval", "__range", "__interval_ms", "__range_s", "__range_ms", "__from", "__to",
                "__dashboard", "__name", "__org", "__user", "__all", "timeFilter"}
SUBSTITUTE = {"__rate_interval": "1m", "__interval": "1m", "__range": "1h", "__range_s": "3600", "__interval_ms": "60000"}
VAR_RE = re.compile(r"\$\{([A-Za-z0-9_]+)(?::[a-z]+)?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\[\[([A-Za-z0-9_]+)\]\]")
METRIC_RE = re.compile(r"\b((?:openclaw|ALERTS|up)[A-Za-z0-9_:]*)\b(?!\s*\()")

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWN_METRICS = {line.strip() for line in open(os.path.join(HERE, "known_metrics.txt"), encoding="utf-8")
                 if line.strip() and not line.startswith("#")}


def walk_panels(panels):
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


def refs(text):
    return {a or b or c for a, b, c in VAR_RE.findall(text)}


def label_values_selector(query):
    m = re.match(r"^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", query)
    return m.group(1) if m else None


def check(path, problems, exprs):
    def bad(msg):
        problems.append(f"{path}: {msg}")

    try:
        with open(path, encoding="utf-8") as f:
            dash = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        bad(f"not valid JSON: {e}")
        return
    for key in ("uid", "title", "panels", "templating", "schemaVersion"):
        if key not in dash:
            bad(f"missing top-level key {key!r}")
    if not isinstance(dash.get("schemaVersion"), int) or dash.get("schemaVersion", 0) < 36:
        bad("schemaVersion must be an integer >= 36 (Grafana 10)")

    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds_var = variables.get("datasource")
    if not ds_var or ds_var.get("type") != "datasource" or ds_var.get("query") != "prometheus":
        bad("templating needs a `datasource` variable of type datasource with query prometheus")

    for name in ("host", "gateway", "instance"):
        if name not in variables:
            bad(f"templating needs a `{name}` variable (filter by host, gateway and target)")
    here = os.path.dirname(os.path.abspath(path))
    uids = {}
    for other in sorted(os.listdir(here)):
        if other.endswith(".json") and os.path.join(here, other) != os.path.abspath(path):
            try:
                uids[json.load(open(os.path.join(here, other), encoding="utf-8")).get("uid")] = other
            except (OSError, json.JSONDecodeError):
                pass
    linked = set()
    for link in dash.get("links", []):
        m = re.fullmatch(r"/d/([A-Za-z0-9_-]+)", link.get("url", ""))
        if not m or m.group(1) not in uids:
            bad(f"link {link.get('title')!r} to {link.get('url')!r}: expected /d/UID of a dashboard in {here}")
        else:
            linked.add(m.group(1))
            if not link.get("keepTime"):
                bad(f"link {link.get('title')!r}: keepTime must be true (the other dashboard shows the same time)")
    for uid in sorted(set(uids) - linked):
        bad(f"no link to dashboard {uid!r} ({uids[uid]})")

    ids, cells = set(), {}
    for p in walk_panels(dash.get("panels", [])):
        title = p.get("title", "?")
        pid = p.get("id")
        if not isinstance(pid, int):
            bad(f"panel {title!r}: id missing or not an integer")
        elif pid in ids:
            bad(f"panel {title!r}: duplicate id {pid}")
        ids.add(pid)
        g = p.get("gridPos")
        if not isinstance(g, dict) or not all(isinstance(g.get(k), int) for k in "xywh"):
            bad(f"panel {title!r}: gridPos with integer x, y, w, h required")
        elif g["x"] < 0 or g["w"] < 1 or g["h"] < 1 or g["x"] + g["w"] > 24:
            bad(f"panel {title!r}: gridPos {g} outside the 24-column grid")
        else:
            for x in range(g["x"], g["x"] + g["w"]):
                for y in range(g["y"], g["y"] + g["h"]):
                    if (x, y) in cells:
                        bad(f"panel {title!r} overlaps panel {cells[(x, y)]!r} at ({x}, {y})")
                        break
                    cells[(x, y)] = title
                else:
                    continue
                break
        if p.get("type") == "row":
            continue
        if p.get("datasource") != DS:
            bad(f"panel {title!r}: datasource must be {DS}")
        targets = p.get("targets") or []
        if not targets:
            bad(f"panel {title!r}: no targets")
        refids = [t.get("refId") for t in targets]
        if len(set(refids)) != len(refids) or None in refids:
            bad(f"panel {title!r}: refIds missing or not unique: {refids}")
        for t in targets:
            if t.get("datasource") != DS:
                bad(f"panel {title!r} target {t.get('refId')}: datasource must be {DS}")
            if not t.get("expr", "").strip():
                bad(f"panel {title!r} target {t.get('refId')}: empty expr")
            else:
                exprs.append((f"{path}: panel {title!r} {t.get('refId')}", t["expr"]))

    for a in dash.get("annotations", {}).get("list", []):
        if a.get("builtIn"):
            continue
        if a.get("datasource") != DS:
            bad(f"annotation {a.get('name')!r}: datasource must be {DS}")
        if re.search(r"changes\([^)]*\[\$__interval\]\)", a.get("expr", "")):
            bad(f"annotation {a.get('name')!r}: changes() over $__interval misses a change between two steps; "
                "draw from a timestamp series with useValueForTime")
        if "timestamp_seconds" in a.get("expr", "") or "start_time_seconds" in a.get("expr", ""):
            if not a.get("useValueForTime") or "* 1000" not in a.get("expr", ""):
                bad(f"annotation {a.get('name')!r}: a timestamp series is drawn at its value: useValueForTime and * 1000 (ms)")
        if not a.get("expr", "").strip():
            bad(f"annotation {a.get('name')!r}: empty expr")
        else:
            exprs.append((f"{path}: annotation {a.get('name')!r}", a["expr"]))

    for name, v in variables.items():
        if v.get("type") == "query":
            if v.get("datasource") != DS:
                bad(f"variable {name!r}: datasource must be {DS}")
            q = v.get("query", {})
            q = q.get("query", "") if isinstance(q, dict) else q
            sel = label_values_selector(q)
            if sel is None:
                bad(f"variable {name!r}: expected label_values(SELECTOR, LABEL), got {q!r}")
            else:
                exprs.append((f"{path}: variable {name!r}", sel))

    # Variables: everything referenced is defined; everything defined is used outside its own definition.
    whole = json.dumps(dash)
    for name in sorted(refs(whole) - set(variables) - BUILTIN_VARS):
        bad(f"references undefined variable ${name}")
    for name in variables:
        rest = dict(dash, templating={"list": [v for n, v in variables.items() if n != name]})
        if name not in refs(json.dumps(rest)):
            bad(f"variable {name!r} is defined but never used")


def promql_parse(exprs, problems):
    """Every expression as a recording rule: promtool parses each and names the failing one."""
    rules = ["groups:", "  - name: dashboard-expressions", "    rules:"]
    for i, (origin, expr) in enumerate(exprs):
        for var, value in SUBSTITUTE.items():
            expr = expr.replace("${" + var + "}", value).replace("$" + var, value)
        expr = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", "placeholder", expr)
        for metric in METRIC_RE.findall(re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)):
            if metric not in KNOWN_METRICS:
                problems.append(f"{origin}: unknown metric {metric!r} (tests/alerts/known_metrics.txt)")
        rules.append(f"      # {origin}")
        rules.append(f"      - record: dashboard:expr_{i}")
        rules.append(f"        expr: {json.dumps(expr)}")
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("\n".join(rules) + "\n")
        name = f.name
    try:
        r = subprocess.run(["promtool", "check", "rules", name], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append("promtool cannot parse a dashboard expression:\n" + r.stdout + r.stderr +
                            "\n".join(f"  expr_{i}: {o}" for i, (o, _) in enumerate(exprs)))
    finally:
        os.unlink(name)


def main(paths):
    if not paths:
        sys.exit("usage: check_dashboards.py DASHBOARD.json...")
    problems, exprs = [], []
    for path in paths:
        check(path, problems, exprs)
    if exprs:
        promql_parse(exprs, problems)
    for p in problems:
        print(p)
    print(f"check_dashboards: {len(paths)} dashboards, {len(exprs)} expressions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
