"""Incident replays 3 and 4, on a real cacheforge-server (see README.md here).

  shard_restore   a shard restarted from its append-only file with a memory
                  limit smaller than its data: it loads everything, logs one
                  line, then evicts per policy (or, under noeviction, refuses
                  writes with -OOM) instead of stalling or dropping data.
  blocked_loop    CPU-heavy work blocks one event loop: /healthz turns 503 and
                  names the loop, the latency histogram shows the stall.
  descriptors     a low descriptor limit: maxclients is clamped with a log line,
                  surplus clients get a clear error, and 2,000 connections
                  opened and dropped leave the descriptor count unchanged.

Usage: server_replays.py SCENARIO SERVER WORKDIR
"""
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "server", "tests"))
import redis  # noqa: E402

import server_testlib as testlib  # noqa: E402
from server_testlib import check, failures  # noqa: E402

SCENARIO, SERVER, WORK = sys.argv[1], sys.argv[2], sys.argv[3]


def shard_restore():
    d = os.path.join(WORK, "shard")
    s = testlib.Server(SERVER, d, "--appendonly", "yes")
    p = s.client.pipeline(transaction=False)
    for i in range(50000):
        p.set(f"order:{i}", "x" * 200)
        if i % 2000 == 1999:
            p.execute()
    p.execute()
    mem = s.client.info("memory")
    limit = mem["used_memory_startup"] + (mem["used_memory"] - mem["used_memory_startup"]) // 3
    print(f"data: 50000 keys, used_memory {mem['used_memory']}; restarting with maxmemory {limit}")
    s.shutdown()
    r = testlib.Server(SERVER, d, "--appendonly", "yes", "--maxmemory", str(limit),
                       "--maxmemory-policy", "allkeys-lru")
    line = [l for l in r.log().splitlines() if "over maxmemory" in l]
    print("server log:", line[0] if line else "(none)")
    check("restore: one log line names the data size, the limit and the policy",
          len(line) == 1 and "allkeys-lru" in line[0])
    for _ in range(200):
        if r.client.info("memory")["used_memory"] <= limit:
            break
        time.sleep(0.05)
    r.client.config_set("maxmemory", 0)  # stop evicting while the result is read
    info = r.client.info("stats")
    print(f"after restore: {r.client.dbsize()} keys, evicted_keys {info['evicted_keys']}")
    check("restore: every key loaded, then evicted down to the limit",
          info["evicted_keys"] > 0 and r.client.dbsize() + info["evicted_keys"] == 50000)
    r.shutdown()


def blocked_loop():
    port_metrics = testlib.free_port()
    s = testlib.Server(SERVER, os.path.join(WORK, "blocked"), "--metrics-port", str(port_metrics))

    def healthz():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port_metrics}/healthz",
                                        timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    status, body = healthz()
    print("healthy:", status, body)
    check("healthz: 200 while every loop answers", status == 200)
    # The CPU-heavy handler: DEBUG SLEEP holds its I/O thread for 2 s.
    blocker = threading.Thread(target=lambda: redis.Redis(port=s.port).execute_command(
        "DEBUG", "SLEEP", "2"))
    blocker.start()
    # Probed until the blocked loop shows (the first probe may come before the
    # command starts); bounded by the blocker's 2 s.
    status, body = healthz()
    while status == 200 and blocker.is_alive():
        status, body = healthz()
    print("blocked:", status, body)
    check("healthz: 503 naming the blocked loop", status == 503 and "did not answer" in body)
    blocker.join(timeout=30)
    latency = subprocess.run(["redis-cli", "-p", str(s.port), "INFO", "latencystats"],
                             capture_output=True, text=True, timeout=30).stdout
    debug_line = [l for l in latency.splitlines() if "debug" in l]
    print("INFO latencystats:", debug_line)
    check("latencystats: the stall shows in the command's percentiles",
          debug_line and float(debug_line[0].split("p50=")[1].split(",")[0]) >= 1_000_000)
    status, _ = healthz()
    check("healthz: 200 again once the loop is free", status == 200)
    s.shutdown()


def descriptors():
    d = os.path.join(WORK, "fds")
    os.makedirs(d, exist_ok=True)
    port = testlib.free_port()
    log_path = os.path.join(d, "server.log")
    proc = subprocess.Popen(["prlimit", "--nofile=100:100", SERVER, "--port", str(port),
                             "--dir", d, "--threads", "2"],
                            stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    c = redis.Redis(port=port, socket_timeout=10)
    for _ in range(200):
        try:
            c.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    log = open(log_path).read()
    clamp = [l for l in log.splitlines() if "maxclients lowered" in l]
    print("server log:", clamp[0] if clamp else "(none)")
    check("descriptors: maxclients clamped to the limit, with the fix in the log",
          clamp and "ulimit -n" in clamp[0])
    maxclients = int(c.config_get("maxclients")["maxclients"])
    fds = lambda: len(os.listdir(f"/proc/{proc.pid}/fd"))  # noqa: E731
    before = fds()
    for _ in range(2000):  # connect, ping, drop
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"PING\r\n")
        sock.recv(16)
        sock.close()
    # The server closes its side as it reads each EOF: poll until it has.
    testlib.wait_until(lambda: fds() == before, timeout_s=10)
    after = fds()
    print(f"descriptors before {before}, after 2000 connections {after}")
    check("descriptors: no leak after 2,000 connections", after == before)
    held = []
    refused = b""
    for _ in range(maxclients + 5):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        held.append(sock)
    sock = held[-1]
    sock.settimeout(5)
    try:
        refused = sock.recv(100)
    except socket.timeout:
        pass
    print("client over the limit got:", refused)
    check("descriptors: a client over maxclients gets the Redis error",
          refused == b"-ERR max number of clients reached\r\n")
    for sock in held:
        sock.close()
    time.sleep(0.3)
    check("descriptors: still serving afterwards", c.ping())
    proc.terminate()
    proc.wait(timeout=60)


{"shard_restore": shard_restore, "blocked_loop": blocked_loop,
 "descriptors": descriptors}[SCENARIO]()
print(f"{len(failures)} failure(s)" if failures else "all checks passed")
sys.exit(1 if failures else 0)
