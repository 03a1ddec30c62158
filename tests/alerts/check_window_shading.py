#!/usr/bin/env python3
"""The gateway dashboard's "Low-traffic windows" annotation is 1 exactly inside the default windows (04:00-04:30,
12:00-12:30, 20:00-20:30) of the given zone, and 0 outside, evaluated by promtool at fixed instants (across a DST
change for Europe/Berlin).

    check_window_shading.py DASHBOARD.json ZONE        ZONE: UTC or Europe/Berlin (the cases below)
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile

CASES = {
    "UTC": [("1970-01-01T04:10", 1), ("1970-01-01T04:30", 0), ("1970-01-01T03:59", 0), ("1970-01-01T12:00", 1),
            ("1970-01-01T20:29", 1), ("1970-01-01T20:30", 0), ("1970-01-01T16:00", 0)],
    # CET (UTC+1) in January, CEST (UTC+2) in July: 04:10 local is 03:10 UTC, then 02:10 UTC.
    "Europe/Berlin": [("2025-01-15T03:10", 1), ("2025-01-15T04:10", 0), ("2025-07-15T02:10", 1),
                      ("2025-07-15T03:10", 0), ("2025-07-15T10:00", 1), ("2025-07-15T12:00", 0),
                      ("2030-12-01T19:20", 1)],
}


def main(dashboard, zone):
    d = json.load(open(dashboard, encoding="utf-8"))
    exprs = [a["expr"] for a in d["annotations"]["list"] if a.get("name") == "Low-traffic windows"]
    if len(exprs) != 1:
        sys.exit(f"{dashboard}: expected one annotation named 'Low-traffic windows', found {len(exprs)}")
    tests = []
    for iso, value in CASES[zone]:
        t = int(datetime.datetime.fromisoformat(iso + "+00:00").timestamp())
        tests.append({"expr": exprs[0], "eval_time": f"{t // 3600}h{t % 3600 // 60}m",
                      "exp_samples": [{"labels": "{}", "value": value}]})
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        json.dump({"rule_files": [], "evaluation_interval": "100000h",
                   "tests": [{"interval": "1m", "promql_expr_test": tests}]}, f)
    try:
        r = subprocess.run(["promtool", "test", "rules", f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        print(f"check_window_shading: {dashboard} ({zone}): the shading is not the windows")
        return 1
    print(f"check_window_shading: {dashboard} ({zone}): {len(tests)} instants ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
