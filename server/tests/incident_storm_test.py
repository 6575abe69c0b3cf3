"""The cacheforge incident's workload, bounded: concurrent SETs and DELs on
overlapping keys from 8 clients (10,000 SETs and 10,000 DELs in all), with
multi-key MSET, MGET and DEL spanning shards so that shard locks nest, and 4
more clients moving collection elements between keys in both directions at
once (LMOVE, RPOPLPUSH, SMOVE, ZUNIONSTORE, SINTERSTORE, ZRANGESTORE, BITOP:
the multi-key commands where a sharded server deadlocks if two of them take
the same shards in opposite orders), 2 clients moving units between
counters of different shards in transactions (MULTI/EXEC, and WATCH with
retries), and 2 clients blocked in BLMOVE/BZPOPMIN whom the movers' pushes
wake (a served BLMOVE pushes in turn, waking the next), a client that
publishes while another subscribes and drops, and a client that works across
databases (MOVE, COPY ... DB, SWAPDB, transactions that SELECT) while every
write publishes keyspace notifications to a listener, while everyone else
runs. The run must finish in time, the counters must still sum to zero (no
transaction was seen or applied in half), the listener must hear events, and
the server's lock-order graph must have no cycle.

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


def mover(n):
    rng = random.Random(2000 + n)
    c = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
    lists = [f"list_{i}" for i in range(6)]
    sets = [f"set_{i}" for i in range(6)]
    zsets = [f"zset_{i}" for i in range(6)]
    for i in range(OPS // 2):
        if time.monotonic() > DEADLINE:
            errors.append(f"mover {n} ran out of time at op {i}")
            return
        a, b = rng.sample(range(6), 2)
        op = i % 7
        if op == 0:
            c.rpush(lists[a], *[f"e{i}_{k}" for k in range(3)])
            c.sadd(sets[a], *[str(rng.randrange(50)) for _ in range(3)])
            c.zadd(zsets[a], {f"m{rng.randrange(50)}": rng.random() for _ in range(3)})
        elif op == 1:
            c.lmove(lists[a], lists[b], "LEFT", "RIGHT")
        elif op == 2:
            c.rpoplpush(lists[b], lists[a])
        elif op == 3:
            c.smove(sets[a], sets[b], str(rng.randrange(50)))
        elif op == 4:
            c.zunionstore(zsets[a], [zsets[a], zsets[b]], aggregate="MAX")
            c.zremrangebyrank(zsets[a], 0, -20)
        elif op == 5:
            c.sinterstore(f"inter_{n}", [sets[a], sets[b]])
            c.zrangestore(zsets[b], zsets[a], 0, 9)
        else:
            c.bitop("OR", f"bits_{a}", f"bits_{b}", f"bits_{a}")
            c.setbit(f"bits_{b}", rng.randrange(256), 1)
    done.append(n)


ACCOUNTS = [f"acct_{i}" for i in range(8)]
watch_retries = []


def banker(n):
    rng = random.Random(3000 + n)
    c = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
    retries = 0
    for i in range(OPS // 2):
        if time.monotonic() > DEADLINE:
            errors.append(f"banker {n} ran out of time at op {i}")
            return
        a, b = rng.sample(ACCOUNTS, 2)
        if i % 2 == 0:
            # A plain transaction over two shards, with a cross-shard move in it.
            pipe = c.pipeline(transaction=True)
            pipe.decrby(a, 1)
            pipe.incrby(b, 1)
            pipe.lmove("list_0", "list_1", "LEFT", "RIGHT")
            pipe.execute()
            continue
        # Check-and-set: read, then write only if nobody changed the key.
        with c.pipeline() as pipe:
            while time.monotonic() < DEADLINE:
                try:
                    pipe.watch(a)
                    balance = int(pipe.get(a) or 0)
                    pipe.multi()
                    pipe.set(a, balance - 1)
                    pipe.incrby(b, 1)
                    pipe.execute()
                    break
                except redis.WatchError:
                    retries += 1
    watch_retries.append(retries)
    done.append(n)


def waiter(n):
    rng = random.Random(4000 + n)
    c = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
    for i in range(OPS // 10):
        if time.monotonic() > DEADLINE:
            errors.append(f"waiter {n} ran out of time at op {i}")
            return
        a, b = rng.sample(range(6), 2)
        if i % 2 == 0:
            c.blmove(f"list_{a}", f"list_{b}", 0.05, "RIGHT", "LEFT")
        else:
            c.bzpopmin([f"zset_{a}", f"zset_{b}"], timeout=0.05)
    done.append(n)


def publisher(n):
    c = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
    for i in range(OPS // 5):
        if time.monotonic() > DEADLINE:
            errors.append(f"publisher {n} ran out of time at op {i}")
            return
        c.publish(f"chan_{i % 3}", f"message {i}")
        if i % 25 == 0:  # a subscriber comes and goes
            p = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30).pubsub()
            p.subscribe("chan_0")
            p.psubscribe("chan_*")
            p.get_message(timeout=0.01)
            p.close()
    done.append(n)


def shifter(n):
    """Keys of databases 1-3 move, copy and swap while the others write db 0."""
    rng = random.Random(5000 + n)
    c = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30, db=1)
    for i in range(OPS // 5):
        if time.monotonic() > DEADLINE:
            errors.append(f"shifter {n} ran out of time at op {i}")
            return
        key = f"db_key_{rng.randrange(20)}"
        op = i % 5
        if op == 0:
            c.rpush(key, i)
        elif op == 1:
            c.move(key, rng.choice([2, 3]))
        elif op == 2:
            c.execute_command("COPY", key, key, "DB", rng.choice([2, 3]), "REPLACE")
        elif op == 3:
            c.swapdb(rng.choice([1, 2]), 3)
        else:
            p = c.pipeline(transaction=True)
            p.execute_command("SELECT", 2)
            p.incr(key + "_n")
            p.execute_command("SELECT", 1)
            p.lpush(key, i)
            p.execute()
    done.append(n)


def listener(stop):
    """Reads keyspace notifications of every database until told to stop."""
    p = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30).pubsub()
    p.psubscribe("__key*__:*")
    while not stop.is_set():
        m = p.get_message(timeout=0.1)
        if m and m["type"] == "pmessage":
            heard.append(1)
    p.close()


def guarded(fn, n):
    try:
        fn(n)
    except Exception as e:  # noqa: BLE001 - any client failure fails the test
        errors.append(f"{fn.__name__} {n}: {e!r}")


MOVERS = 4
BANKERS = 2
WAITERS = 2
PUBLISHERS = 1
SHIFTERS = 1
heard = []
admin = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
admin.mset({a: 0 for a in ACCOUNTS})
admin.config_set("notify-keyspace-events", "KEA")
listening = threading.Event()
listen_thread = threading.Thread(target=listener, args=(listening,))
listen_thread.start()
threads = [threading.Thread(target=guarded, args=(setter if n % 2 == 0 else deleter, n))
           for n in range(CLIENTS)]
threads += [threading.Thread(target=guarded, args=(mover, n)) for n in range(MOVERS)]
threads += [threading.Thread(target=guarded, args=(banker, n)) for n in range(BANKERS)]
threads += [threading.Thread(target=guarded, args=(waiter, n)) for n in range(WAITERS)]
threads += [threading.Thread(target=guarded, args=(publisher, n)) for n in range(PUBLISHERS)]
threads += [threading.Thread(target=guarded, args=(shifter, n)) for n in range(SHIFTERS)]
start = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join(timeout=max(1, DEADLINE - time.monotonic()))
elapsed = time.monotonic() - start
listening.set()
listen_thread.join(timeout=30)
hung = [t for t in threads + [listen_thread] if t.is_alive()]
print(f"storm: {CLIENTS} clients x {OPS} ops, {MOVERS} movers and {BANKERS} transaction "
      f"clients x {OPS // 2}, {WAITERS} blocking clients x {OPS // 10} in {elapsed:.1f}s "
      f"(WATCH retries: {sum(watch_retries)}; keyspace events heard: {len(heard)})")
ok = True
if hung or errors or len(done) != CLIENTS + MOVERS + BANKERS + WAITERS + PUBLISHERS + SHIFTERS:
    print(f"FAIL: hung={len(hung)} finished={len(done)} errors={errors[:3]}")
    ok = False
r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
if not r.ping():
    print("FAIL: server does not answer after the storm")
    ok = False
if not heard:
    print("FAIL: the listener heard no keyspace notification")
    ok = False
total = sum(int(v or 0) for v in r.mget(ACCOUNTS))
if total != 0:
    print(f"FAIL: the transaction counters sum to {total}, not 0")
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
