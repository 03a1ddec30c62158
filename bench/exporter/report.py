#!/usr/bin/env python3
"""Prints compare.sh's results as one set of tables: report.py RESULTS.tsv WORKDIR (with bench-<scenario>.json)."""
import json
import os
import sys

SCENARIOS = {
    "a": "a: ~80 fds, 5 sockets, 1 child; quiet host",
    "a+host": "a+host: same gateway, 100k other TCP sockets on the host",
    "b": "b: 10k fds = 10k sockets in the gateway, 100k other host sockets",
}


def load_results(path):
    rows = {}
    with open(path) as f:
        for line in f:
            scenario, name, n, ticks, tick, rss0, rss1, wall = line.rstrip("\n").split("\t")
            n, ticks, tick = int(n), int(ticks), int(tick)
            rows[(scenario, name)] = {
                "n": n,
                "cpu_ms": ticks * 1000.0 / tick / n,
                "rss0": int(rss0) / 1024.0,
                "rss1": int(rss1) / 1024.0,
                "rate": n / float(wall),
            }
    return rows


def load_bench(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        scale = {"us": 1e-3, "ms": 1.0, "ns": 1e-6}[b["time_unit"]]
        out[b["run_name"]] = b["cpu_time"] * scale  # ms
    return out


def main():
    results = load_results(sys.argv[1])
    benches = {s: load_bench(os.path.join(sys.argv[2], f"bench-{s}.json")) for s in SCENARIOS}
    scenarios = [s for s in SCENARIOS if (s, "ours") in results]

    print("\n## CPU per scrape (exporter process utime+stime / scrapes) and RSS\n")
    print("| scenario | exporter | scrapes | CPU ms/scrape | RSS MiB (after warm-up -> after) | scrapes/s |")
    print("|---|---|---:|---:|---|---:|")
    for s in scenarios:
        for name in ("ours", "process-exporter", "blackbox"):
            r = results.get((s, name))
            if r:
                print(f"| {s} | {name} | {r['n']} | {r['cpu_ms']:.3f} | {r['rss0']:.1f} -> {r['rss1']:.1f} | "
                      f"{r['rate']:.0f} |")

    print("\n## Ratios\n")
    print("| scenario | process-exporter / ours | (process-exporter + blackbox) / ours |")
    print("|---|---:|---:|")
    for s in scenarios:
        ours = results[(s, "ours")]["cpu_ms"]
        pe = results[(s, "process-exporter")]["cpu_ms"]
        bb = results[(s, "blackbox")]["cpu_ms"]
        print(f"| {s} | {pe / ours:.1f}x | {(pe + bb) / ours:.1f}x |")

    print("\n## exporter_bench: CPU ms per sample of one gateway (median of 3)\n")
    names = ["Floor_Process", "Lib_ProcessSample", "Floor_SocketsPidfd", "Lib_CountTcp", "Floor_SocketsSockDiag",
             "Lib_CountTcpSockDiag", "Floor_Full", "Lib_Full", "Collect_PidFile", "Floor_FullSockDiag"]
    print("| benchmark | " + " | ".join(scenarios) + " |")
    print("|---|" + "---:|" * len(scenarios))
    for n in names:
        cells = [f"{benches[s][n]:.3f}" if n in benches[s] else "-" for s in scenarios]
        print(f"| {n} | " + " | ".join(cells) + " |")

    print("\n## Full sample vs floor (goal: within 1.5x)\n")
    print("| scenario | Lib_Full / Floor_Full | Collect_PidFile (scrape minus HTTP) / Floor_Full | "
          "HTTP scrape (ours) / Floor_Full |")
    print("|---|---:|---:|---:|")
    for s in scenarios:
        b = benches[s]
        if "Floor_Full" in b and "Lib_Full" in b:
            floor = b["Floor_Full"]
            print(f"| {s} | {b['Lib_Full'] / floor:.2f}x | {b.get('Collect_PidFile', 0) / floor:.2f}x | "
                  f"{results[(s, 'ours')]['cpu_ms'] / floor:.2f}x |")

    print("\n## Scaling (goal: cost follows the gateway's sockets, not the host's)\n")
    print("| | ours, CPU ms/scrape | process-exporter | Floor_Full | Floor_FullSockDiag |")
    print("|---|---:|---:|---:|---:|")
    base = "a"
    for s in scenarios:
        if s == base:
            continue
        def ratio(name=None, bench=None):
            if name:
                return f"{results[(s, name)]['cpu_ms'] / results[(base, name)]['cpu_ms']:.2f}x"
            if bench in benches[s] and bench in benches[base]:
                return f"{benches[s][bench] / benches[base][bench]:.2f}x"
            return "-"
        print(f"| {s} / {base} | {ratio('ours')} | {ratio('process-exporter')} | {ratio(bench='Floor_Full')} | "
              f"{ratio(bench='Floor_FullSockDiag')} |")


if __name__ == "__main__":
    main()
