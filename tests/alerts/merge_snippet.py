#!/usr/bin/env python3
"""Merge alerts/alertmanager-snippet.yml into an existing Alertmanager config, the way docs/alerts.md tells a person to.

    merge_snippet.py SNIPPET.yml USER.yml OUT.yml

The snippet's routes go FIRST in the user's route.routes (before a severity="critical" pager route, which would
otherwise take restart alerts away from the hook); receivers, inhibit_rules, time_intervals and templates are appended.
A receiver or time interval name that the user already has is an error (rename yours first).
"""
import sys

import yaml


def main(snippet_path, user_path, out_path):
    snippet = yaml.safe_load(open(snippet_path, encoding="utf-8"))
    config = yaml.safe_load(open(user_path, encoding="utf-8"))
    route = config.setdefault("route", {})
    route["routes"] = snippet["routes"] + route.get("routes", [])
    for key in ("receivers", "inhibit_rules", "time_intervals", "templates"):
        mine = config.setdefault(key, [])
        if key in ("receivers", "time_intervals"):
            taken = {item["name"] for item in mine} & {item["name"] for item in snippet.get(key, [])}
            if taken:
                sys.exit(f"merge_snippet: {user_path} already has {key} named {sorted(taken)}: rename yours first")
        mine.extend(snippet.get(key, []))
    with open(out_path, "w", encoding="utf-8") as f:
        yaml.safe_dump(config, f, sort_keys=False)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
