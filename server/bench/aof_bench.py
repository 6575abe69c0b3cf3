#!/usr/bin/python3
"""SET throughput with the append-only file on, cacheforge-server against
Debian's redis-server, per appendfsync policy, in one run (the source of the
persistence table in docs/benchmarks-server.md).

Usage: aof_bench.py --server CACHEFORGE_SERVER [-n N] [-c CLIENTS]

Each server gets its own temporary directory on the same filesystem and
listens on 127.0.0.1 only; both are killed at the end.
"""
import argparse
import csv
import io
import os
import platform
import subprocess
import tempfile
import time

# The same server start-up helpers as the main comparison (this directory).
from compare_with_redis import free_port, wait_ready


def start(kind, binary, policy, directory):
    port = free_port()
    if kind == "redis":
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", directory,
               "--save", "", "--appendonly", "yes", "--appendfsync", policy]
    else:
        cmd = [binary, "--port", str(port), "--dir", directory, "--threads", "2",
               "--appendonly", "yes", "--appendfsync", policy]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port)
    return proc, port


def bench(port, n, clients, pipeline):
    out = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", "set",
                          "-n", str(n), "-c", str(clients), "-P", str(pipeline), "-r", "100000",
                          "--csv"], capture_output=True, text=True, timeout=900).stdout
    for row in csv.reader(io.StringIO(out)):
        if row and row[0] == "SET":
            return float(row[1]), float(row[4]), float(row[6])  # rps, p50, p99
    raise RuntimeError("no SET row:\n" + out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("-n", type=int, default=200000)
    ap.add_argument("-c", type=int, default=50)
    args = ap.parse_args()
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Linux {platform.release()}  ")
    print(f"Each: `redis-benchmark -t set -r 100000 -n {args.n} -c {args.c} -P <P> --csv`\n")
    print("| appendfsync | -P | server | SET rps | p50 ms | p99 ms |")
    print("|---|---:|---|---:|---:|---:|")
    for policy in ["always", "everysec", "no"]:
        for pipeline in [1, 16]:
            for kind, label in [("redis", "redis-server 7.0"), ("cacheforge",
                                                                 "cacheforge, lockgraph on, --threads 2")]:
                with tempfile.TemporaryDirectory() as d:
                    proc, port = start(kind, args.server, policy, d)
                    try:
                        rps, p50, p99 = bench(port, args.n, args.c, pipeline)
                    finally:
                        proc.kill()
                        proc.wait()
                print(f"| {policy} | {pipeline} | {label} | {rps:,.0f} | {p50:.3f} | {p99:.3f} |",
                      flush=True)
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
