"""The cacheforge incident's workload, bounded: concurrent SETs and DELs on
overlapping keys from 8 clients (10,000 SETs and 10,000 DELs in all), with
multi-key MSET, MGET and DEL spanning shards so that shard locks nest. The run
must finish in time, and the server's lock-order graph must have no cycle.

Usage: incident_storm_test.py PORT
"""
import json
import random
import sys
import threading
import time

import redis

PORT = int(sys.argv[1])
CLIENTS = 8
OPS = 2500
DEADLINE = time.monotonic() + 180
errors = []
done = []


def setter(n):
    rng = random.Random(n)
    c = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
    for i in range(OPS):
        if time.monotonic() > DEADLINE:
            errors.append(f"setter {n} ran out of time at op {i}")
            return
        if i % 5 == 0:
            c.mset({f"key_{rng.randrange(500)}": i for _ in range(4)})
        else:
            c.set(f"key_{rng.randrange(500)}", f"value_{i}")
    done.append(n)


def deleter(n):
    rng = random.Random(1000 + n)
    c = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
    for i in range(OPS):
        if time.monotonic() > DEADLINE:
            errors.append(f"deleter {n} ran out of time at op {i}")
            return
        if i % 5 == 0:
            c.delete(*[f"key_{rng.randrange(500)}" for _ in range(4)])
        elif i % 7 == 0:
            c.mget([f"key_{rng.randrange(500)}" for _ in range(3)])
        else:
            c.delete(f"key_{rng.randrange(500)}")
    done.append(n)


def guarded(fn, n):
    try:
        fn(n)
    except Exception as e:  # noqa: BLE001 - any client failure fails the test
        errors.append(f"{fn.__name__} {n}: {e!r}")


threads = [threading.Thread(target=guarded, args=(setter if n % 2 == 0 else deleter, n))
           for n in range(CLIENTS)]
start = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join(timeout=max(1, DEADLINE - time.monotonic()))
elapsed = time.monotonic() - start
hung = [t for t in threads if t.is_alive()]
print(f"storm: {CLIENTS} clients x {OPS} ops in {elapsed:.1f}s")
ok = True
if hung or errors or len(done) != CLIENTS:
    print(f"FAIL: hung={len(hung)} finished={len(done)} errors={errors[:3]}")
    ok = False
r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
if not r.ping():
    print("FAIL: server does not answer after the storm")
    ok = False
graph = json.loads(r.execute_command("DEBUG", "LOCKGRAPH"))
shard_edges = [e for e in graph["edges"] if e["from"] == "store.shard" and e["to"] == "store.shard"]
if graph["cycles"]:
    print(f"FAIL: lock-order cycles: {graph['cycles']}")
    ok = False
if not shard_edges and r.info("server").get("lockgraph") == "on":
    print("FAIL: no nested shard locking recorded; the storm did not exercise multi-shard paths")
    ok = False
stats = r.info("stats")
if stats.get("lockgraph_reports", 0) != 0:
    print(f"FAIL: lockgraph reported {stats['lockgraph_reports']} problem(s)")
    ok = False
print("ok: storm finished, graph acyclic, nested shard order recorded" if ok else "storm failed")
sys.exit(0 if ok else 1)
