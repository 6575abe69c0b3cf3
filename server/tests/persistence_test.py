"""The append-only file against a real server: acknowledged writes survive
`kill -9` (appendfsync always and everysec), BGREWRITEAOF under a write load
loses nothing and shrinks the file, truncated and garbage tails are handled
per aof-load-truncated, cacheforge-check-aof reports and repairs, expiry times
survive a restart, and `CONFIG SET appendonly yes` on a running server writes
its data out. Every load loop is bounded.

Usage: persistence_test.py SERVER CHECK_AOF WORKDIR
"""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import redis

import server_testlib as testlib
from server_testlib import check, failures

SERVER_BINARY, CHECK_AOF, WORK = sys.argv[1], sys.argv[2], sys.argv[3]


def Server(directory, *flags, **kwargs):
    return testlib.Server(SERVER_BINARY, directory, *flags, **kwargs)


def aof_path(directory):
    return os.path.join(directory, "appendonly.aof")


def no_lockgraph_report(server, name):
    reports = server.lockgraph_reports()
    check(f"{name}: no lockgraph report", not reports, "\n".join(reports[:20]))


def kill9_loses_no_acknowledged_write(policy):
    name = f"kill -9 under appendfsync {policy}"
    d = os.path.join(WORK, f"kill9-{policy}")
    server = Server(d, "--appendonly", "yes", "--appendfsync", policy)
    acked_sets = [0] * 4
    acked_incrs = [0] * 4
    stop = threading.Event()

    def writer(t):
        c = redis.Redis(port=server.port, socket_timeout=30)
        try:
            for i in range(200000):  # bounded; the kill ends it much sooner
                if stop.is_set():
                    return
                c.set(f"w{t}:{i}", f"v{i}")
                acked_sets[t] = i + 1
                c.incr(f"ctr{t}")
                acked_incrs[t] += 1
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            pass

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    deadline = time.time() + 120
    while sum(acked_sets) < 3000 and time.time() < deadline:
        time.sleep(0.01)
    server.kill9()
    stop.set()
    for th in threads:
        th.join(timeout=60)
    sets, incrs = list(acked_sets), list(acked_incrs)
    check(f"{name}: load ran", sum(sets) >= 3000, str(sets))

    restarted = Server(d, "--appendonly", "yes")
    c = restarted.client
    missing = 0
    for t in range(4):
        keys = [f"w{t}:{i}" for i in range(sets[t])]
        for start in range(0, len(keys), 1000):
            chunk = keys[start:start + 1000]
            values = c.mget(chunk)
            for k, v in zip(chunk, values):
                if v != ("v" + k.split(":")[1]).encode():
                    missing += 1
        counter = int(c.get(f"ctr{t}") or 0)
        # The INCR in flight at the kill may or may not have been applied.
        check(f"{name}: counter {t} has every acknowledged INCR",
              incrs[t] <= counter <= incrs[t] + 1, f"acked {incrs[t]} found {counter}")
    check(f"{name}: every acknowledged SET is back ({sum(sets)} keys)", missing == 0,
          f"{missing} missing")
    no_lockgraph_report(restarted, name)
    restarted.shutdown()


def rewrite_under_load():
    name = "BGREWRITEAOF under load"
    d = os.path.join(WORK, "rewrite")
    server = Server(d, "--appendonly", "yes", "--appendfsync", "everysec",
                    "--auto-aof-rewrite-percentage", "0")
    acked = [0] * 3
    stop = threading.Event()

    def writer(t):
        c = redis.Redis(port=server.port, socket_timeout=30)
        for i in range(30000):  # bounded
            if stop.is_set():
                return
            p = c.pipeline(transaction=False)
            p.incr(f"hot{i % 10}")
            p.set(f"t{t}:{i % 500}", f"{t}-{i}")
            p.append(f"log{t}", "x")
            p.execute()
            acked[t] += 1

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(3)]
    for th in threads:
        th.start()
    size_before = os.path.getsize(aof_path(d))
    rewrites = 0
    for _ in range(3):
        time.sleep(0.3)
        started = server.client.bgrewriteaof()
        check(f"{name}: rewrite {rewrites + 1} started", bool(started))
        server.wait_rewrite(rewrites)
        rewrites += 1
    stop.set()
    for th in threads:
        th.join(timeout=120)
    c = server.client
    total = sum(acked)
    hot = sum(int(c.get(f"hot{i}") or 0) for i in range(10))
    check(f"{name}: every INCR counted ({total})", hot == total, f"{hot} != {total}")
    state = {k: c.get(k) for k in c.scan_iter(count=1000)}
    grown = os.path.getsize(aof_path(d))
    server.client.bgrewriteaof()
    server.wait_rewrite(rewrites)
    shrunk = os.path.getsize(aof_path(d))
    check(f"{name}: the rewritten file is smaller ({grown} -> {shrunk} bytes)",
          shrunk < grown and size_before >= 0, "")
    check(f"{name}: exit status 0 on SHUTDOWN", server.shutdown() == 0)
    no_lockgraph_report(server, name)
    restarted = Server(d, "--appendonly", "yes")
    again = {k: restarted.client.get(k) for k in restarted.client.scan_iter(count=1000)}
    check(f"{name}: restart reproduces all {len(state)} keys exactly", again == state,
          f"{len(again)} vs {len(state)} keys")
    restarted.shutdown()


def damaged_tails():
    name = "damaged tail"
    d = os.path.join(WORK, "damaged")
    server = Server(d, "--appendonly", "yes")
    for i in range(100):
        server.client.set(f"k{i}", i)
    server.shutdown()
    path = aof_path(d)
    good = open(path, "rb").read()
    if shutil.which("redis-check-aof"):
        r = subprocess.run(["redis-check-aof", path], capture_output=True, text=True, timeout=60)
        check("redis-check-aof accepts our file", r.returncode == 0 and "valid" in r.stdout,
              r.stdout + r.stderr)

    for label, tail in [("truncated command", b"*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$5\r\nva"),
                        ("garbage", b"\x00\x01garbage that is not RESP\r\n*1\r\n$4\r\nPING\r\n")]:
        open(path, "wb").write(good + tail)
        r = subprocess.run([CHECK_AOF, path], capture_output=True, text=True, timeout=60)
        check(f"{name} ({label}): check-aof exits 1 and names the byte",
              r.returncode == 1 and f"at byte {len(good)}" in r.stdout, r.stdout + r.stderr)

        strict = Server(d, "--appendonly", "yes", "--aof-load-truncated", "no",
                        expect_start=False)
        rc = strict.proc.wait(timeout=60)
        check(f"{name} ({label}): strict start refuses with the fix in the message",
              rc != 0 and "cacheforge-check-aof --fix" in strict.log() and
              f"at byte {len(good)}" in strict.log(), strict.log())
        check(f"{name} ({label}): strict start leaves the file alone",
              open(path, "rb").read() == good + tail)

        lenient = Server(d, "--appendonly", "yes")
        log = lenient.log()
        check(f"{name} ({label}): default start logs what was dropped",
              f"dropped {len(tail)} bytes at byte {len(good)}" in log, log)
        check(f"{name} ({label}): every complete command loaded",
              lenient.client.get("k0") == b"0" and lenient.client.get("k99") == b"99")
        lenient.client.set("after", "restart")
        lenient.shutdown()
        data = open(path, "rb").read()
        check(f"{name} ({label}): file truncated to its valid part, then appended",
              data.startswith(good) and tail not in data)
        saved = [f for f in os.listdir(d) if f.startswith("appendonly.aof.dropped-")]
        check(f"{name} ({label}): dropped bytes saved beside the file",
              any(open(os.path.join(d, f), "rb").read() == tail for f in saved), str(saved))
        good = data

    open(path, "wb").write(good + b"*2\r\n$3\r\nDEL")
    r = subprocess.run([CHECK_AOF, "--fix", path], capture_output=True, text=True, timeout=60)
    check("check-aof --fix repairs", r.returncode == 0 and open(path, "rb").read() == good,
          r.stdout + r.stderr)
    r = subprocess.run([CHECK_AOF, path], capture_output=True, text=True, timeout=60)
    check("check-aof: repaired file is valid", r.returncode == 0 and "is valid" in r.stdout,
          r.stdout)
    r = subprocess.run([CHECK_AOF, os.path.join(d, "missing.aof")], capture_output=True,
                       text=True, timeout=60)
    check("check-aof: a missing file is a clear error", r.returncode == 2 and
          "can't open" in r.stderr, r.stderr)
    r = subprocess.run([CHECK_AOF, "--frobnicate", path], capture_output=True, text=True,
                       timeout=60)
    check("check-aof: unknown option is a usage error", r.returncode == 2 and
          "unknown option" in r.stderr, r.stderr)


def expiry_survives_restart():
    name = "expiry"
    d = os.path.join(WORK, "expiry")
    server = Server(d, "--appendonly", "yes")
    c = server.client
    c.set("long", "v", ex=100)
    c.set("short", "v", px=50)
    c.set("persisted", "v", ex=100)
    c.persist("persisted")
    c.setex("sx", 200, "v")
    time.sleep(0.3)
    server.kill9()
    server = Server(d, "--appendonly", "yes")
    c = server.client
    check(f"{name}: TTL kept as an absolute time", 90 <= c.ttl("long") <= 100, str(c.ttl("long")))
    check(f"{name}: SETEX TTL kept", 190 <= c.ttl("sx") <= 200, str(c.ttl("sx")))
    check(f"{name}: an expired key stays expired", c.exists("short") == 0)
    check(f"{name}: PERSIST kept", c.ttl("persisted") == -1)
    server.shutdown()


def restore_survives_restart():
    """RESTORE with a relative TTL is logged with the absolute time (ABSTTL),
    so a restart neither loses the key nor restarts its clock; the file is
    one redis-check-aof accepts."""
    name = "restore"
    d = os.path.join(WORK, "restore")
    server = Server(d, "--appendonly", "yes", "--appendfsync", "always")
    c = server.client
    c.rpush("src", *[f"e{i}" for i in range(50)])
    payload = c.dump("src")
    c.restore("copy", 100_000, payload)
    c.restore("forever", 0, payload)
    time.sleep(1.2)
    server.kill9()
    server = Server(d, "--appendonly", "yes")
    c = server.client
    check(f"{name}: restored list is back", c.lrange("copy", 0, -1) == c.lrange("src", 0, -1))
    pttl = c.pttl("copy")
    check(f"{name}: TTL kept as an absolute time", 0 < pttl <= 99_000, str(pttl))
    check(f"{name}: no TTL stays none", c.ttl("forever") == -1)
    server.shutdown()
    if shutil.which("redis-check-aof"):
        r = subprocess.run(["redis-check-aof", aof_path(d)], capture_output=True, text=True,
                           timeout=60)
        check(f"{name}: redis-check-aof accepts the file", r.returncode == 0, r.stdout + r.stderr)


def collections_survive_restart_and_rewrite():
    """Lists, hashes and sets come back from the log and from a rewritten file,
    with their TTLs and in their databases, and the rewritten file is one
    redis-server loads."""
    name = "collections"
    d = os.path.join(WORK, "collections")
    server = Server(d, "--appendonly", "yes", "--appendfsync", "always")
    c = server.client
    c.rpush("list", *[f"e{i}" for i in range(300)])
    c.lpop("list", 3)
    c.linsert("list", "BEFORE", "e10", "inserted")
    c.hset("hash", mapping={f"f{i}": "v" * (i % 80) for i in range(200)})
    c.hincrbyfloat("hash", "float", 0.1)
    c.sadd("ints", *range(100))
    c.sadd("words", *[f"w{i}" for i in range(150)])
    c.spop("words", 10)
    c.expire("hash", 1000)
    c.lmove("list", "list2", "RIGHT", "LEFT")
    c.zadd("board", {f"player{i}": i * 1.5 for i in range(200)})
    c.zadd("small", {"a": 1, "b": float("inf"), "c": -0.1})
    c.zincrby("board", 0.1, "player7")
    c.zpopmin("board", 2)
    # Other databases: the same names, other values; one moved, one swapped.
    c3 = redis.Redis(port=server.port, db=3, socket_timeout=30)
    c3.rpush("list", "in", "three")
    c3.set("moved", "x", px=500_000)
    c3.move("moved", 7)
    c3.hset("hash", "db", "3")
    c3.swapdb(3, 9)

    def other_dbs(client):
        port = client.connection_pool.connection_kwargs["port"]
        d7, d9 = (redis.Redis(port=port, db=n, socket_timeout=30) for n in (7, 9))
        return (d7.get("moved"), d7.pttl("moved") > 400_000, d9.lrange("list", 0, -1),
                d9.hgetall("hash"), d9.dbsize(), redis.Redis(port=port, db=3).dbsize())

    def snapshot(client):
        return (other_dbs(client), client.lrange("list", 0, -1), client.lrange("list2", 0, -1),
                client.hgetall("hash"), client.smembers("ints"), client.smembers("words"),
                client.zrange("board", 0, -1, withscores=True),
                client.zrange("small", 0, -1, withscores=True),
                client.object("encoding", "hash"), client.object("encoding", "ints"),
                client.object("encoding", "board"), client.object("encoding", "small"))

    want = snapshot(c)
    server.kill9()
    server = Server(d, "--appendonly", "yes")
    c = server.client
    check(f"{name}: the log replays every type", snapshot(c) == want)
    check(f"{name}: TTL of a hash kept", 990 <= c.ttl("hash") <= 1000, str(c.ttl("hash")))
    before = c.info("persistence")["aof_rewrites"]
    c.bgrewriteaof()
    server.wait_rewrite(before)
    server.shutdown()
    with open(aof_path(d), "rb") as f:
        text = f.read()
    check(f"{name}: the rewrite writes RPUSH, HSET, SADD, ZADD and PEXPIREAT",
          all(w in text for w in (b"RPUSH", b"HSET", b"SADD", b"ZADD", b"PEXPIREAT")))
    check(f"{name}: the rewrite SELECTs each database with keys, once",
          [text.count(b"SELECT\r\n$1\r\n%d\r\n" % n) for n in (0, 3, 7, 9)] == [1, 0, 1, 1])
    server = Server(d, "--appendonly", "yes")
    check(f"{name}: the rewritten file loads back the same", snapshot(server.client) == want)
    server.shutdown()
    if shutil.which("redis-check-aof"):
        r = subprocess.run(["redis-check-aof", aof_path(d)], capture_output=True, text=True,
                           timeout=60)
        check(f"{name}: redis-check-aof accepts the rewritten file",
              r.returncode == 0 and "valid" in r.stdout, r.stdout + r.stderr)
    if shutil.which("redis-server"):
        # Real Redis loads our file (its own format) and sees the same data.
        rd = os.path.join(WORK, "collections-redis")
        os.makedirs(rd, exist_ok=True)
        shutil.copy(aof_path(d), os.path.join(rd, "appendonly.aof"))
        port = testlib.free_port()
        proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                 "--dir", rd, "--appendonly", "yes", "--save", "",
                                 "--aof-use-rdb-preamble", "no"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            r = redis.Redis(port=port)
            testlib.wait_until(lambda: _answers(r), timeout_s=30)
            check(f"{name}: redis-server loads our file to the same data", snapshot(r)[:8] == want[:8])
        finally:
            proc.kill()
            proc.wait()


def _answers(client):
    try:
        return client.ping() and client.info("persistence").get("loading") == 0
    except redis.exceptions.RedisError:
        return False


def enable_at_runtime():
    name = "CONFIG SET appendonly yes"
    d = os.path.join(WORK, "runtime")
    server = Server(d)
    c = server.client
    for i in range(1000):
        c.set(f"before{i}", i)
    check(f"{name}: no file while off", not os.path.exists(aof_path(d)))
    # BGREWRITEAOF with appendonly off writes the data out without turning it on.
    c.bgrewriteaof()
    server.wait_rewrite(0)
    check(f"{name}: BGREWRITEAOF while off writes a file of the data",
          os.path.getsize(aof_path(d)) > 0 and c.info("persistence")["aof_enabled"] == 0)
    c.config_set("appendonly", "yes")
    server.wait_rewrite(1)
    c.set("after", "on")
    c.incr("after-counter")
    check(f"{name}: INFO says enabled", c.info("persistence")["aof_enabled"] == 1)
    server.kill9()
    server = Server(d, "--appendonly", "yes")
    c = server.client
    check(f"{name}: data from before and after enabling is back",
          c.dbsize() == 1002 and c.get("before999") == b"999" and c.get("after") == b"on")
    c.config_set("appendonly", "no")
    check(f"{name}: CONFIG SET appendonly no turns it off",
          c.info("persistence")["aof_enabled"] == 0)
    server.shutdown()


def restore_over_maxmemory():
    name = "restore over maxmemory"
    d = os.path.join(WORK, "over-limit")
    server = Server(d, "--appendonly", "yes")
    p = server.client.pipeline(transaction=False)
    for i in range(20000):
        p.set(f"key:{i}", "x" * 100)
        if i % 1000 == 999:
            p.execute()
    p.execute()
    memory = server.client.info("memory")
    # Half of what the keys take, above what the server itself needs.
    limit = memory["used_memory_startup"] + (memory["used_memory"] -
                                             memory["used_memory_startup"]) // 2
    server.shutdown()

    # noeviction: everything loads, writes are refused, reads work.
    limited = Server(d, "--appendonly", "yes", "--maxmemory", str(limit))
    c = limited.client
    check(f"{name}: noeviction loads every key", c.dbsize() == 20000, str(c.dbsize()))
    check(f"{name}: one log line says why writes fail",
          "over maxmemory" in limited.log() and "noeviction" in limited.log(), limited.log())
    try:
        c.set("new", "value")
        check(f"{name}: SET is refused with the OOM error", False, "SET succeeded")
    except redis.exceptions.ResponseError as e:
        check(f"{name}: SET is refused with the OOM error",
              "command not allowed when used memory > 'maxmemory'." in str(e), str(e))
    check(f"{name}: GET still works", c.get("key:7") == b"x" * 100)
    limited.shutdown()

    # allkeys-lru: everything loads, then eviction brings memory under the limit.
    evicting = Server(d, "--appendonly", "yes", "--maxmemory", str(limit),
                      "--maxmemory-policy", "allkeys-lru")
    c = evicting.client
    for _ in range(200):
        if c.info("memory")["used_memory"] <= limit:
            break
        time.sleep(0.05)
    under_limit = c.info("memory")["used_memory"] <= limit
    # Lift the limit so nothing more is evicted while the result is read; an
    # eviction already under way on another I/O thread ends at its next key,
    # so the count is read once it stopped changing.
    c.config_set("maxmemory", 0)
    counts = [c.dbsize()]

    def settled():
        time.sleep(0.1)
        counts.append(c.dbsize())
        return counts[-1] == counts[-2]
    testlib.wait_until(settled, timeout_s=10)
    kept = counts[-1]
    check(f"{name}: the policy evicted down to the limit ({kept} keys kept)",
          0 < kept < 20000 and under_limit)
    check(f"{name}: the log says it is evicting", "evicting keys per maxmemory-policy allkeys-lru"
          in evicting.log(), evicting.log())
    evicting.shutdown()
    again = Server(d, "--appendonly", "yes")
    check(f"{name}: evictions were recorded, a restart keeps {kept} keys",
          again.client.dbsize() == kept, str(again.client.dbsize()))
    again.shutdown()


def sigterm_under_write_load():
    name = "SIGTERM under a pending write load"
    d = os.path.join(WORK, "sigterm")
    server = Server(d, "--appendonly", "yes", "--appendfsync", "no")
    acked = []
    errors = []

    def writer():
        c = redis.Redis(port=server.port, socket_timeout=60)
        try:
            for batch in range(200):  # bounded: 200 pipelines of 500 SETs
                p = c.pipeline(transaction=False)
                for i in range(500):
                    p.set(f"p:{batch}:{i}", f"{batch}-{i}")
                p.execute()
                acked.append(batch)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as e:
            errors.append(str(e))

    th = threading.Thread(target=writer)
    th.start()
    deadline = time.time() + 120
    while len(acked) < 20 and time.time() < deadline:
        time.sleep(0.01)
    server.proc.send_signal(signal.SIGTERM)
    rc = server.proc.wait(timeout=120)
    th.join(timeout=120)
    check(f"{name}: exit status 0", rc == 0, str(rc))
    check(f"{name}: the log shows the shutdown",
          "Received SIGTERM" in server.log() and "ready to exit" in server.log())
    restarted = Server(d, "--appendonly", "yes")
    c = restarted.client
    missing = 0
    for batch in list(acked):
        values = c.mget([f"p:{batch}:{i}" for i in range(500)])
        missing += sum(1 for i, v in enumerate(values) if v != f"{batch}-{i}".encode())
    check(f"{name}: all {len(acked)} acknowledged pipelines of 500 SETs are in the AOF",
          missing == 0 and len(acked) >= 20, f"{missing} missing")
    restarted.shutdown()


kill9_loses_no_acknowledged_write("always")
kill9_loses_no_acknowledged_write("everysec")
sigterm_under_write_load()
rewrite_under_load()
damaged_tails()
expiry_survives_restart()
restore_survives_restart()
collections_survive_restart_and_rewrite()
enable_at_runtime()
restore_over_maxmemory()
print(f"{len(failures)} failure(s)" if failures else "all checks passed")
sys.exit(1 if failures else 0)
