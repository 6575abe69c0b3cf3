#!/usr/bin/python3
"""Measures cacheforge-server against Debian's redis-server in one run, with
redis-benchmark, and prints a Markdown table (the source of
docs/benchmarks-server.md).

Usage: compare_with_redis.py --on BUILD_ON_SERVER --off BUILD_OFF_SERVER [-n N]

Every server listens on 127.0.0.1 only and is killed at the end. Each
redis-benchmark test runs on every server in turn before the next test, so
load that comes and goes hits the servers of one column alike. With
--rounds R that rotation runs R times: each cell is the median rate and the
median of the R ratios to redis-server's rate in the same rotation.
"""
import argparse
import csv
import io
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(port):
    for _ in range(200):
        out = subprocess.run(["redis-cli", "-p", str(port), "PING"], capture_output=True, text=True)
        if out.stdout.strip() == "PONG":
            return
        time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def info_field(port, section, name):
    out = subprocess.run(["redis-cli", "-p", str(port), "INFO", section], capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        if line.startswith(name + ":"):
            return int(line.split(":", 1)[1].strip())
    raise RuntimeError(f"INFO {section} has no {name}")


def rss_bytes(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def bench(port, pipeline, n, clients, tests, resp3=False):
    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", tests,
           "-n", str(n), "-c", str(clients), "-P", str(pipeline), "--csv"]
    if resp3:
        cmd.append("-3")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    rows = {}
    for row in csv.reader(io.StringIO(out)):
        if row and row[0] != "test":
            # test, rps, avg, min, p50, p95, p99, max
            rows[row[0]] = (float(row[1]), float(row[4]), float(row[6]))
    return rows


def median_rows(rows):
    """Per test, the run with the median rate (its latencies come with it)."""
    out = {}
    for test in rows[0]:
        runs = sorted((r[test] for r in rows if test in r), key=lambda v: v[0])
        out[test] = runs[len(runs) // 2]
    return out


def median_ratios(rows, anchor_rows):
    """Per test, the median over rounds of rate / the anchor's rate in that
    round (paired, so a slow moment of the machine cancels out)."""
    out = {}
    for test in rows[0]:
        ratios = sorted(r[test][0] / a[test][0] for r, a in zip(rows, anchor_rows)
                        if test in r and test in a)
        if ratios:
            out[test] = ratios[len(ratios) // 2]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--on", required=True, help="cacheforge-server built with LOCKGRAPH=ON")
    ap.add_argument("--off", required=True, help="cacheforge-server built with LOCKGRAPH=OFF")
    ap.add_argument("-n", type=int, default=200000)
    ap.add_argument("-c", type=int, default=50)
    ap.add_argument("-t", default="set,get,incr,mset", help="redis-benchmark -t list")
    ap.add_argument("--resp3", action="store_true",
                    help="every benchmark connection says HELLO 3 first (redis-benchmark -3)")
    ap.add_argument("--keys", type=int, default=1000000,
                    help="keys for the memory comparison (0: skip it)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="rotations over the servers; each cell is the median of this many runs")
    ap.add_argument("--pipelines", default="1,16", help="the -P values, comma-separated")
    ap.add_argument("--collections", type=int, default=0,
                    help="elements for the collection memory comparison: that many small "
                         "hashes, and one sorted set and one list of that many members "
                         "(0: skip it)")
    args = ap.parse_args()

    work = tempfile.mkdtemp()
    targets = [
        ("redis-server 7.0 (io-threads 1)", ["redis-server", "--save", "", "--appendonly", "no",
                                             "--enable-debug-command", "yes", "--dir", work]),
        ("cacheforge, lockgraph off, --threads 1", [args.off, "--threads", "1", "--dir", work]),
        ("cacheforge, lockgraph off, --threads 2", [args.off, "--threads", "2", "--dir", work]),
        ("cacheforge, lockgraph on, --threads 1", [args.on, "--threads", "1", "--dir", work]),
        ("cacheforge, lockgraph on, --threads 2", [args.on, "--threads", "2", "--dir", work]),
    ]
    pipelines = [int(p) for p in args.pipelines.split(",")]
    procs = []
    try:
        ports = []
        for _, cmd in targets:
            port = free_port()
            full = cmd + ["--port", str(port), "--bind", "127.0.0.1"]
            procs.append(subprocess.Popen(full, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
            ports.append(port)
            wait_ready(port)
        runs = {}  # (name, pipeline) -> one {test: row} per round
        for pipeline in pipelines:
            for _ in range(args.rounds):
                for key in ((name, pipeline) for name, _ in targets):
                    runs.setdefault(key, []).append({})
                for test in args.t.split(","):
                    for (name, _), port in zip(targets, ports):
                        runs[(name, pipeline)][-1].update(
                            bench(port, pipeline, args.n, args.c, test, args.resp3))
                        subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"],
                                       capture_output=True)
        results = {key: median_rows(rows) for key, rows in runs.items()}
        ratios = {}
        for pipeline in pipelines:
            anchor_runs = runs[(targets[0][0], pipeline)]
            for name, _ in targets[1:]:
                ratios[(name, pipeline)] = median_ratios(runs[(name, pipeline)], anchor_runs)
        memory = {}
        for (name, _), port, proc in zip(targets, ports, procs):
            if args.keys == 0:
                break
            subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], capture_output=True)
            time.sleep(0.2)
            before = rss_bytes(proc.pid)
            subprocess.run(["redis-cli", "-p", str(port), "DEBUG", "POPULATE", str(args.keys),
                            "key", "100"], capture_output=True, timeout=600)
            keys = int(subprocess.run(["redis-cli", "-p", str(port), "DBSIZE"],
                                      capture_output=True, text=True).stdout)
            memory[name] = (keys, rss_bytes(proc.pid) - before)
        collections = {}
        if args.collections:
            load = collection_load(args.collections, work)
            for (name, _), port, proc in zip(targets, ports, procs):
                subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], capture_output=True)
                time.sleep(0.2)
                collections[name] = {}
                for kind, path in load:
                    before = rss_bytes(proc.pid)
                    with open(path, "rb") as f:
                        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], stdin=f,
                                       capture_output=True, timeout=600)
                    collections[name][kind] = rss_bytes(proc.pid) - before
    finally:
        for p in procs:
            p.send_signal(signal.SIGKILL)
            p.wait()

    print(f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ")
    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
          f"{platform.release()}; load average at the end {os.getloadavg()[0]:.2f}  ")
    print(f"Each workload: `redis-benchmark -t {args.t} -n {args.n} -c {args.c} "
          f"-P <P> --csv{' -3' if args.resp3 else ''}`"
          f"{f'; median of {args.rounds} runs per cell' if args.rounds > 1 else ''}\n")
    for pipeline in pipelines:
        print(f"### -P {pipeline}\n")
        # One column per redis-benchmark test, in the order it ran them; each
        # cell is requests per second and, in parentheses, the ratio to
        # redis-server's in the same run.
        tests = list(results[(targets[0][0], pipeline)].keys())
        print("| server | " + " | ".join(tests) + " |")
        print("|---|" + "---:|" * len(tests))
        anchor = results[(targets[0][0], pipeline)]
        for name, _ in targets:
            r = results[(name, pipeline)]
            cells = []
            for t in tests:
                if t not in r:
                    cells.append("-")
                elif name == targets[0][0]:
                    cells.append(f"{r[t][0]:,.0f}")
                else:
                    ratio = ratios.get((name, pipeline), {}).get(t, r[t][0] / anchor[t][0])
                    cells.append(f"{r[t][0]:,.0f} ({ratio:.2f}x)")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print()
    if collections:
        kinds = [kind for kind, _ in collection_load(args.collections, work, write=False)]
        print(f"### Memory of collections ({args.collections:,} elements each), RSS growth\n")
        print("| server | " + " | ".join(kinds) + " |")
        print("|---|" + "---:|" * len(kinds))
        anchor = collections[targets[0][0]]
        for name, _ in targets:
            cells = []
            for kind in kinds:
                grown = collections[name][kind]
                ratio = "" if name == targets[0][0] else f" ({grown / max(anchor[kind], 1):.2f}x)"
                cells.append(f"{grown / 2**20:,.1f} MiB{ratio}")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print()
    if not memory:
        return 0
    print(f"### Memory: `DEBUG POPULATE {args.keys} key 100` (100-byte values), RSS growth\n")
    print("| server | keys | RSS growth | bytes per key |")
    print("|---|---:|---:|---:|")
    for name, _ in targets:
        keys, grown = memory[name]
        print(f"| {name} | {keys:,} | {grown / 2**20:,.1f} MiB | {grown / max(keys, 1):.0f} |")


def resp(*args):
    out = [f"*{len(args)}\r\n".encode()]
    for a in args:
        b = a.encode() if isinstance(a, str) else a
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def collection_load(n, work, write=True):
    """The collection workloads as RESP files for redis-cli --pipe: n small
    hashes (two fields each), one sorted set of n members, one list of n
    elements."""
    loads = [
        ("small hashes", lambda i: resp("HSET", f"user:{i}", "name", f"user{i}", "visits",
                                        str(i % 1000))),
        ("one sorted set", lambda i: resp("ZADD", "leaderboard", str(i * 7 % 100003),
                                          f"player:{i}")),
        ("one list", lambda i: resp("RPUSH", "queue", f"job:{i}")),
    ]
    files = []
    for kind, make in loads:
        path = os.path.join(work, kind.replace(" ", "_") + ".resp")
        if write:
            with open(path, "wb") as f:
                for i in range(n):
                    f.write(make(i))
        files.append((kind, path))
    return files


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
