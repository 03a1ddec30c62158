#!/usr/bin/env python3
"""The demo's timeline after its first verified restart (scripts/demo.sh --until-restart): each phase in seconds
after `systemctl --user start` of the gateway unit, from what each component recorded:

    ready            the exporter's first successful /readyz probe (Prometheus, 1 s resolution)
    pressure line    the real gateway's first `memory pressure: level=critical` line (its own log's `time`)
    counted          the exporter's openclaw_gateway_log_events_total{event="memory_pressure",level="critical"} >= 1
    alert            the alert the hook restarted for (MemoryHigh on the real gateway) pending, then firing
                     (Prometheus' ALERTS series)
    hook decision    the restart hook's audit record `decision: restart`
    restart sent     the audit record `restart`: action sent, the old process gone (drain), the new one started
    ready again      ... and its first 2xx from health_url (downtime = sent -> ready again)
    the person       the first message the person's Slack stand-in received about the restart
    plus the real gateway's own log lines about stopping and starting (SIGTERM, its drain).

    timeline.py --prometheus URL --started EPOCH --audit-log FILE --messages FILE [--gateway-log-dir DIR]

Python 3 standard library only. A phase nobody recorded is printed as "not seen", never guessed.
"""
import argparse
import datetime
import glob
import json
import os
import time
import urllib.parse
import urllib.request

DRAIN_WORDS = ('received sigterm', 'shutdown budget', 'draining', 'drain settled', 'shutdown completed',
               'completed cleanly', 'shutting down', 'gateway ready')


def query_range(prometheus, expr, start, end):
    url = prometheus + '/api/v1/query_range?' + urllib.parse.urlencode(
        {'query': expr, 'start': f'{start:.3f}', 'end': f'{end:.3f}', 'step': '1'})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        return json.loads(response.read())['data']['result']


def first_time(prometheus, expr, start, end, test=lambda v: True):
    """The first evaluation time (1 s steps) at which `expr` has a sample passing `test`, or None."""
    try:
        series = query_range(prometheus, expr, start, end)
    except (OSError, ValueError, KeyError):
        return None
    times = [float(t) for s in series for t, v in s['values'] if test(float(v))]
    return min(times) if times else None


def rfc3339(text):
    """Epoch seconds of '2026-12-02T06:01:02.345Z' or '...+00:00'."""
    text = text.replace('Z', '+00:00')
    return datetime.datetime.fromisoformat(text).timestamp()


def audit_records(path):
    try:
        with open(path, encoding='utf-8') as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError):
        return []


def person_messages(path):
    """(epoch, title) of each message; the sink stamps them HH:MM:SS local time."""
    out = []
    try:
        lines = open(path, encoding='utf-8').read().splitlines()
    except OSError:
        return out
    today = time.localtime()
    for line in lines:
        if '>>> message to the person:' not in line:
            continue
        stamp, title = line.split(' >>> message to the person: ', 1)
        h, m, s = (int(x) for x in stamp.split(':'))
        out.append((time.mktime((today.tm_year, today.tm_mon, today.tm_mday, h, m, s, 0, 0, -1)), title))
    return out


def gateway_log_lines(log_dir):
    """(epoch, message) of each line of the real gateway's JSON log (tslog: numbered keys, `time`)."""
    out = []
    for path in sorted(glob.glob(os.path.join(log_dir, 'openclaw-*.log'))):
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                try:
                    record = json.loads(line)
                    stamp = rfc3339(record.get('time') or record['_meta']['date'])
                except (ValueError, KeyError, TypeError):
                    continue
                texts = [v for k, v in sorted(record.items()) if k.isdigit() and isinstance(v, str)]
                message = next((t for t in reversed(texts) if not t.startswith('{')), ' '.join(texts))
                out.append((stamp, message))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--prometheus', required=True)
    parser.add_argument('--started', required=True, type=float)
    parser.add_argument('--audit-log', required=True)
    parser.add_argument('--messages', required=True)
    parser.add_argument('--gateway-log-dir')
    args = parser.parse_args()
    t0, now = args.started, time.time()
    events = []  # (epoch or None, phase, detail)

    gw = '{gateway="default"}'
    events.append((first_time(args.prometheus, 'openclaw_gateway_probe_success{probe="http"}', t0, now,
                              lambda v: v == 1), 'ready', '/readyz 200 (the exporter\'s probe)'))
    log_lines = gateway_log_lines(args.gateway_log_dir) if args.gateway_log_dir else []
    if args.gateway_log_dir:
        pressure = [(t, m) for t, m in log_lines if m.startswith('memory pressure: level=critical')]
        events.append((pressure[0][0] if pressure else None, 'pressure line',
                       'the gateway: ' + (pressure[0][1][:110] if pressure else '`memory pressure: level=critical`')))
        events.append((first_time(args.prometheus, 'sum(openclaw_gateway_log_events_total{event="memory_pressure",'
                                  'level="critical"})', t0, now, lambda v: v >= 1),
                       'counted', 'openclaw_gateway_log_events_total{event="memory_pressure",level="critical"} 1'))
    records = audit_records(args.audit_log)
    decision = next((r for r in records if r.get('event') == 'decision' and r.get('decision') == 'restart'), None)
    labels = ((decision or {}).get('alert') or {}).get('labels') or {}
    alertname = labels.get('alertname', 'OpenClawGatewayMemoryHigh')  # the alert the hook acted on
    for state in ('pending', 'firing'):
        series = f'ALERTS{{alertname="{alertname}",alertstate="{state}"}}'
        events.append((first_time(args.prometheus, series, t0, now), 'alert', f'{alertname} {state}'))

    if decision:
        events.append((rfc3339(decision['ts']), 'hook decision',
                       f'restart now for {labels.get("alertname", "?")}'
                       + (f' (measure {labels["measure"]})' if 'measure' in labels else '')))
    else:
        events.append((None, 'hook decision', 'restart'))
    restart = next((r for r in records if r.get('event') == 'restart' and r.get('result') == 'success'), None)
    if restart and restart.get('downtime_seconds') is not None:
        ready_again = rfc3339(restart['ts'])
        sent = ready_again - restart['downtime_seconds']
        drain, start = restart.get('drain_seconds') or 0, restart.get('start_seconds') or 0
        before = restart.get('main_pid_before')
        events.append((sent, 'restart sent', f'systemctl --user restart (SIGTERM): pid {before}'))
        events.append((sent + drain, 'drained', f'the old process exited after {drain:.1f} s'
                       + (' (drain cut off)' if restart.get('drain_cut_off') else '')))
        events.append((sent + drain + start, 'new process', f'pid {restart.get("main_pid_after")}'))
        events.append((ready_again, 'ready again', f'/readyz 200, {restart.get("ready_seconds") or 0:.1f} s after the '
                       f'new process started; downtime {restart["downtime_seconds"]:.1f} s'))
    else:
        events.append((None, 'restart sent', 'a verified restart in the audit log'))
    message = next(((t, title) for t, title in person_messages(args.messages) if 'OpenClawGatewayRestarted' in title),
                   None)
    events.append((message[0] if message else None, 'the person', message[1] if message else 'the restart message'))
    if restart and log_lines:
        sent = rfc3339(restart['ts']) - (restart.get('downtime_seconds') or 0)
        for t, m in log_lines:
            if sent - 1 <= t <= rfc3339(restart['ts']) and any(w in m.lower() for w in DRAIN_WORDS):
                events.append((t, 'gateway log', m[:110]))

    print(f'timeline, seconds after `systemctl --user start` ({time.strftime("%H:%M:%S", time.localtime(t0))}):')
    seen = sorted((e for e in events if e[0] is not None), key=lambda e: e[0])
    for t, phase, detail in seen:
        print(f'  {t - t0:7.1f} s  {phase:<14} {detail}')
    for _, phase, detail in (e for e in events if e[0] is None):
        print(f'  not seen   {phase:<14} {detail}')


if __name__ == '__main__':
    main()
