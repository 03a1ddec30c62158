#!/usr/bin/env python3
"""The staggered windows of a rendered fleet config, checked from the rendered files alone (not from generate.py's
arithmetic): at most K hosts' windows are open in any minute, every host has a window at least every MAX_GAP hours,
and each host's hook config has exactly the windows Alertmanager opens its scheduled route in.

    check_fleet_windows.py ALERTMANAGER.yml K MAX_GAP_HOURS [HOOK_CONFIG_DIR]

Minutes are walked in UTC over a winter and a summer day (zones with DST shift differently), each host's window
evaluated in its own `location`. Exit 1 with the first violation.
"""
import datetime
import glob
import os
import sys
import zoneinfo

import yaml


def minutes(hhmm):
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def main(am_path, k, max_gap_hours, hook_dir=None):
    am = yaml.safe_load(open(am_path, encoding="utf-8"))
    hosts = {}
    for ti in am.get("time_intervals", []):
        if not ti["name"].startswith("openclaw-low-traffic/"):
            continue
        [spec] = ti["time_intervals"]
        hosts[ti["name"].split("/", 1)[1]] = (zoneinfo.ZoneInfo(spec.get("location", "UTC")),
                                              [(minutes(t["start_time"]), minutes(t["end_time"])) for t in spec["times"]])
    if not hosts:
        sys.exit(f"{am_path}: no per-host time intervals (openclaw-low-traffic/NAME)")
    worst = (0, None, [])
    for day in (datetime.datetime(2027, 1, 15, tzinfo=datetime.timezone.utc),
                datetime.datetime(2027, 7, 15, tzinfo=datetime.timezone.utc)):
        for m in range(1440):
            t = day + datetime.timedelta(minutes=m)
            open_now = [name for name, (tz, ranges) in hosts.items()
                        if any(a <= (lambda l: l.hour * 60 + l.minute)(t.astimezone(tz)) < b for a, b in ranges)]
            if len(open_now) > worst[0]:
                worst = (len(open_now), t, open_now)
    if worst[0] > k:
        sys.exit(f"{worst[0]} hosts' windows open at {worst[1]:%Y-%m-%d %H:%M} UTC ({', '.join(worst[2])}): more than {k}")
    for name, (_, ranges) in hosts.items():
        starts = sorted(a for a, _ in ranges)
        # windows split at midnight (23:45-24:00 + 00:00-00:15) are one window: a gap counts from a start that does
        # not continue an end
        starts = [a for a in starts if not (a == 0 and any(b == 1440 for _, b in ranges))] or starts
        gaps = [b - a for a, b in zip(starts, starts[1:] + [starts[0] + 1440])]
        if max(gaps) > max_gap_hours * 60:
            sys.exit(f"host {name}: windows {ranges} leave {max(gaps)} minutes without a window (> {max_gap_hours} h)")
    if hook_dir:
        for name, (tz, ranges) in hosts.items():
            path = os.path.join(hook_dir, f"openclaw-restart-hook.{name}.yml")
            hook = yaml.safe_load(open(path, encoding="utf-8"))
            got = []
            for w in hook["policy"]["low_traffic_windows"]:  # the hook's may cross midnight: split as Alertmanager's
                a, b, loc = minutes(w["start"]), minutes(w["end"]) or 1440, w.get("location", "UTC")
                got += [(a, b, loc)] if a < b else [(a, 1440, loc), (0, minutes(w["end"]), loc)]
            got.sort()
            want = sorted((a, b, str(tz.key)) for a, b in ranges)
            if got != want:
                sys.exit(f"{path}: low_traffic_windows {got} != Alertmanager's {want}")
        extra = {os.path.basename(p) for p in glob.glob(os.path.join(hook_dir, "openclaw-restart-hook.*.yml"))} - {
            f"openclaw-restart-hook.{n}.yml" for n in hosts}
        if extra:
            sys.exit(f"hook configs without a host in Alertmanager's config: {sorted(extra)}")
    print(f"fleet windows: {len(hosts)} hosts, at most {worst[0]} open at once (limit {k}), "
          f"a window at least every {max_gap_hours} h for each")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), *sys.argv[4:])
