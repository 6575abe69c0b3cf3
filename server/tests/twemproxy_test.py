"""Scaling out without a cluster protocol: three cacheforge-server instances
behind twemproxy (nutcracker, ketama consistent hashing), all on 127.0.0.1.
Writes 10,000 keys through the proxy, finds them spread over the three
instances, restarts one instance from its append-only file, and reads every
key back through the proxy.

Usage: twemproxy_test.py SERVER WORKDIR
"""
import os
import subprocess
import sys
import time

import redis

import server_testlib as testlib
from server_testlib import check, failures

SERVER_BINARY, WORK = sys.argv[1], sys.argv[2]
KEYS = 10000


def start_instance(name, port=None):
    return testlib.Server(SERVER_BINARY, os.path.join(WORK, name), "--appendonly", "yes",
                          "--appendfsync", "always", port=port)


instances = [start_instance(f"s{i}") for i in range(3)]
proxy_port, stats_port = testlib.free_port(), testlib.free_port()
conf = os.path.join(WORK, "nutcracker.yml")
with open(conf, "w") as f:
    f.write(f"""cacheforge:
  listen: 127.0.0.1:{proxy_port}
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: false
  server_retry_timeout: 200
  timeout: 5000
  servers:
""")
    for i, s in enumerate(instances):
        f.write(f"   - 127.0.0.1:{s.port}:1 s{i}\n")
proxy = subprocess.Popen(["nutcracker", "-c", conf, "-s", str(stats_port), "-a", "127.0.0.1",
                          "-o", os.path.join(WORK, "nutcracker.log"), "-p",
                          os.path.join(WORK, "nutcracker.pid")])
client = redis.Redis(port=proxy_port, socket_timeout=30)


def through_proxy(action, attempts=100):
    """Runs action(client), retrying while the proxy or a backend is (re)starting."""
    for attempt in range(attempts):
        try:
            return action(client)
        except (redis.exceptions.ConnectionError, redis.exceptions.ResponseError,
                redis.exceptions.TimeoutError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


try:
    through_proxy(lambda c: c.set("probe", "1"))
    through_proxy(lambda c: c.delete("probe"))
    for start in range(0, KEYS, 500):
        def write(c, start=start):
            p = c.pipeline(transaction=False)
            for i in range(start, min(start + 500, KEYS)):
                p.set(f"user:{i}", f"profile-{i}")
            return p.execute()
        replies = through_proxy(write)
        check(f"batch {start}: every SET answered OK", all(r is True for r in replies))
    sizes = [s.client.dbsize() for s in instances]
    check(f"all {KEYS} keys stored once across the instances {sizes}", sum(sizes) == KEYS)
    # Ketama with equal weights gives each of three servers about a third.
    check("keys spread over all three instances", min(sizes) >= KEYS // 10, str(sizes))

    # Restart the second instance on the same port from its AOF.
    victim = instances[1]
    victim.kill9()
    instances[1] = start_instance("s1", port=victim.port)
    check("restarted instance reloaded its keys from the AOF",
          instances[1].client.dbsize() == sizes[1], str(instances[1].client.dbsize()))

    def read_all(c):
        values = []
        for start in range(0, KEYS, 500):
            values += c.mget([f"user:{i}" for i in range(start, min(start + 500, KEYS))])
        return values
    values = through_proxy(read_all)
    wrong = [i for i, v in enumerate(values) if v != f"profile-{i}".encode()]
    check(f"all {KEYS} keys read back through the proxy after the restart", not wrong,
          f"{len(wrong)} wrong, first {wrong[:5]}")
    for i, s in enumerate(instances):
        check(f"instance {i}: no lockgraph report", not s.lockgraph_reports())
finally:
    proxy.kill()
    proxy.wait(timeout=30)
    for s in instances:
        if s.proc.poll() is None:
            s.kill9()

print(f"{len(failures)} failure(s)" if failures else "all checks passed")
sys.exit(1 if failures else 0)
