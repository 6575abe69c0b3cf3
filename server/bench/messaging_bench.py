#!/usr/bin/python3
"""Measures the messaging workloads of cacheforge-server against Debian's
redis-server in one run and prints a Markdown table (a section of
docs/benchmarks-server.md):

- queue: 25 redis-benchmark clients LPUSH N jobs while 25 others BRPOP them;
  the time until every job was taken (jobs per second).
- publish: redis-benchmark PUBLISH (-c 50 -P 16) to 4 subscribers that read
  everything (redis-cli SUBSCRIBE); messages delivered per second.
- transactions: MULTI, INCR, EXPIRE, EXEC from 8 clients, each pipelining 50
  transactions per round trip (redis-py); transactions per second.

Usage: messaging_bench.py --server CACHEFORGE_SERVER [--server ...] [-n N]

Every server listens on 127.0.0.1 only and is killed at the end; the targets
take turns for each workload, so background load hits them alike.
"""
import argparse
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time

import redis


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(binary, name):
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="msgbench-")
    if name == "redis-server":
        cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", workdir]
    else:
        cmd = [binary, "--port", str(port), "--dir", workdir]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(200):
        try:
            if r.ping():
                return proc, port
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"{binary} did not start")


def queue(port, n):
    r = redis.Redis(host="127.0.0.1", port=port)
    r.delete("q")
    start = time.monotonic()
    consumers = subprocess.Popen(
        ["redis-benchmark", "-p", str(port), "-c", "25", "-n", str(n), "-q", "BRPOP", "q", "5"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    producers = subprocess.run(
        ["redis-benchmark", "-p", str(port), "-c", "25", "-n", str(n), "-q", "LPUSH", "q", "job"],
        capture_output=True)
    consumers.wait(timeout=300)
    elapsed = time.monotonic() - start
    left = r.llen("q")
    return (n - left) / elapsed


def publish(port, n):
    subs = [subprocess.Popen(["redis-cli", "-p", str(port), "SUBSCRIBE", "ch"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(4)]
    r = redis.Redis(host="127.0.0.1", port=port)
    while r.pubsub_numsub("ch")[0][1] < 4:
        time.sleep(0.01)
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-c", "50", "-P", "16", "-n",
                          str(n), "--csv", "PUBLISH", "ch", "hello-subscribers"],
                         capture_output=True, text=True).stdout
    for s in subs:
        s.kill()
        s.wait()
    rps = float(out.strip().splitlines()[-1].split(",")[1].strip('"'))
    return rps * 4  # each PUBLISH is delivered four times


def transactions(port, n):
    clients, batch = 8, 50
    per_client = n // clients // batch

    def run(i):
        c = redis.Redis(host="127.0.0.1", port=port)
        for b in range(per_client):
            p = c.pipeline(transaction=False)
            for t in range(batch):
                key = f"rate:{i}:{(b * batch + t) % 100}"
                p.execute_command("MULTI")
                p.execute_command("INCR", key)
                p.execute_command("EXPIRE", key, 60)
                p.execute_command("EXEC")
            p.execute()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return clients * per_client * batch / (time.monotonic() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", action="append", required=True, help="cacheforge-server binary")
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("-n", type=int, default=200000)
    args = ap.parse_args()
    targets = [("redis-server", args.redis)] + [(f"cacheforge ({b})", b) for b in args.server]
    running = []
    try:
        for name, binary in targets:
            proc, port = start(binary, "redis-server" if name == "redis-server" else name)
            running.append((name, proc, port))
        rows = {}
        for label, fn, n in (("queue: jobs/s (LPUSH + BRPOP, 25 + 25 clients)", queue, args.n),
                             ("publish: messages delivered/s (4 subscribers, -P 16)", publish,
                              args.n),
                             ("MULTI INCR EXPIRE EXEC: transactions/s (8 clients)", transactions,
                              args.n // 4)):
            rows[label] = {name: fn(port, n) for name, _, port in running}
        names = [name for name, _, _ in running]
        print(f"{time.strftime('%Y-%m-%d')}, {platform.node()}, {platform.processor() or ''} "
              f"{subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores")
        print("| workload | " + " | ".join(names) + " | " +
              " | ".join(f"{n} / redis" for n in names[1:]) + " |")
        print("|---|" + "---:|" * (2 * len(names) - 1))
        for label, values in rows.items():
            base = values["redis-server"]
            print(f"| {label} | " + " | ".join(f"{values[n]:,.0f}" for n in names) + " | " +
                  " | ".join(f"{values[n] / base:.2f}x" for n in names[1:]) + " |")
    finally:
        for _, proc, _ in running:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
