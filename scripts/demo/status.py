#!/usr/bin/env python3
"""One status line of the demo (scripts/demo.sh), plus the restart hook's new audit records.

Reads the exporter's /metrics, Prometheus' firing alerts and the hook's audit log (JSON lines) from the byte offset
kept in --offset-file. Python 3 standard library only.
"""
import argparse
import calendar
import json
import os
import re
import time
import urllib.request

SERIES = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def fetch(url, timeout=1.5):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        return response.read().decode()


def parse_metrics(text):
    out = []
    for line in text.splitlines():
        m = SERIES.match(line)
        if m and not line.startswith('#'):
            out.append((m.group(1), dict(LABEL.findall(m.group(2) or '')), float(m.group(3))))
    return out


def value(series, name, **labels):
    for n, l, v in series:
        if n == name and all(l.get(k) == x for k, x in labels.items()):
            return v
    return None


def mib(x):
    return f'{x / 1048576:.0f} MiB'


def duration(seconds):
    seconds = int(seconds)
    return f'{seconds // 60}m{seconds % 60:02d}s' if seconds >= 60 else f'{seconds}s'


def status_line(args, now):
    parts = [time.strftime('%H:%M:%S')]
    try:
        m = parse_metrics(fetch(args.exporter))
    except OSError as e:
        return f'{parts[0]} exporter not answering ({e})'
    if value(m, 'openclaw_gateway_up') != 1:
        parts.append('gateway DOWN (no main process)')
    else:
        start = value(m, 'openclaw_gateway_process_start_time_seconds') or now
        rss = value(m, 'openclaw_gateway_resident_memory_bytes') or 0
        limit = value(m, 'openclaw_gateway_memory_limit_bytes') or 0
        parts.append(f'pid {value(m, "openclaw_gateway_pid"):.0f}')
        parts.append(f'up {duration(now - start)}')
        parts.append(f'mem {mib(rss)}/{mib(limit)} ({100 * rss / limit:.0f} %)' if limit else f'mem {mib(rss)}')
    parts.extend(heap_pressure(m))
    ok = value(m, 'openclaw_gateway_probe_success', probe='http')
    latency = value(m, 'openclaw_gateway_probe_duration_seconds', probe='http')
    if latency is not None:
        parts.append(f'/readyz {latency * 1000:.0f} ms{"" if ok == 1 else " FAILING"}')
    conns = sum(v for n, l, v in m if n == 'openclaw_gateway_connections' and l.get('state') != 'listen')
    parts.append(f'conns {conns:.0f} (close_wait {value(m, "openclaw_gateway_connections", state="close_wait") or 0:.0f})')
    parts.append(f'restarts seen {value(m, "openclaw_gateway_process_restarts_total") or 0:.0f}')
    last = last_restart(args.audit_log)
    parts.append(f'last restart {duration(now - last)} ago' if last else 'last restart: none yet')
    try:
        alerts = json.loads(fetch(args.prometheus + '/api/v1/alerts'))['data']['alerts']
        firing = sorted({a['labels']['alertname'] for a in alerts if a['state'] == 'firing'})
        pending = sorted({a['labels']['alertname'] for a in alerts if a['state'] == 'pending'})
        if firing:
            parts.append('FIRING ' + ','.join(firing))
        if pending:
            parts.append('pending ' + ','.join(pending))
    except (OSError, ValueError, KeyError):
        parts.append('prometheus not answering')
    return ' | '.join(parts)


def heap_pressure(m):
    """What the real gateway says about its heap (the exporter's log source; absent for the fixture): the heap it
    reported in its last `memory pressure:` line against --max-old-space-size, and how many such lines it logged."""
    lines = [(l.get('level'), v) for n, l, v in m
             if n == 'openclaw_gateway_log_events_total' and l.get('event') == 'memory_pressure']
    if not lines:
        return []
    parts = []
    heap = value(m, 'openclaw_gateway_reported_heap_used_bytes')
    limit = value(m, 'openclaw_gateway_heap_limit_bytes')
    if heap is not None:
        parts.append(f'reported heap {mib(heap)}' + (f'/{mib(limit)}' if limit else ''))
    critical = sum(v for level, v in lines if level == 'critical')
    parts.append(f'pressure lines {sum(v for _, v in lines):.0f} (critical {critical:.0f})')
    return parts


def last_restart(path):
    try:
        with open(path, encoding='utf-8') as f:
            stamps = [json.loads(line)['ts'] for line in f if '"event":"restart"' in line.replace(' ', '')]
    except (OSError, ValueError, KeyError):
        return None
    if not stamps:
        return None
    ts = stamps[-1]
    return calendar.timegm(time.strptime(ts[:19], '%Y-%m-%dT%H:%M:%S')) + float('0' + ts[19:23])


def new_audit_records(args):
    try:
        offset = int(open(args.offset_file).read())
    except (OSError, ValueError):
        offset = 0
    try:
        with open(args.audit_log, 'rb') as f:
            f.seek(offset)
            data = f.read()
    except OSError:
        return
    end = data.rfind(b'\n') + 1
    with open(args.offset_file, 'w') as f:
        f.write(str(offset + end))
    for line in data[:end].decode(errors='replace').splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        event = record.get('event')
        if event == 'decision':
            alert = record.get('alert') or {}
            name = (alert.get('labels') or {}).get('alertname', '?')
            if alert.get('status') == 'resolved':
                print(f'  hook: {name} resolved (recorded)')
            elif record.get('decision') == 'restart':
                print(f'  hook: {name} firing -> restart now (systemctl --user restart)')
            else:
                print(f'  hook: {name} {alert.get("status", "")} -> {record.get("decision")} ({record.get("reason")})')
        elif event == 'restart':
            print('  hook: restart finished; the audit record:')
            print('    ' + json.dumps(record, sort_keys=True).replace('\n', ' '))
        else:
            print(f'  hook: {event}: ' + json.dumps(record, sort_keys=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--exporter', required=True)
    parser.add_argument('--prometheus', required=True)
    parser.add_argument('--audit-log', required=True)
    parser.add_argument('--offset-file', required=True)
    args = parser.parse_args()
    print(status_line(args, time.time()), flush=True)
    new_audit_records(args)


if __name__ == '__main__':
    main()
