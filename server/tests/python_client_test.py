"""Drives cacheforge-server with python3-redis: reply types, error texts,
pipelining, millisecond expiry, SCAN, many concurrent clients.

Usage: python_client_test.py PORT
"""
import sys
import threading
import time

import redis

from server_testlib import check_equal as check, finish  # noqa: E402

PORT = int(sys.argv[1])


def error_text(fn, *args):
    try:
        fn(*args)
    except redis.exceptions.ResponseError as e:
        return str(e)
    return None


r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
r.flushall()

# Reply types.
check("ping", True, r.ping())
check("set", True, r.set("k", "v"))
check("get bytes", b"v", r.get("k"))
check("get missing", None, r.get("missing"))
check("set nx fails", None, r.set("k", "w", nx=True))
check("set get", b"v", r.set("k", "w", get=True))
check("incr", 1, r.incr("n"))
check("incrby", 11, r.incrby("n", 10))
check("decrby", 6, r.decrby("n", 5))
check("incrbyfloat", 6.5, r.incrbyfloat("n", 0.5))
check("mset", True, r.mset({"a": "1", "b": "2", "c": "3"}))
check("mget", [b"1", None, b"3"], r.mget("a", "zz", "c"))
check("msetnx", False, r.msetnx({"a": "9", "new": "1"}))
check("strlen", 1, r.strlen("a"))
check("append", 3, r.append("a", "xy"))
check("setrange", 5, r.setrange("a", 3, "zz"))
check("getrange", b"1xyzz", r.getrange("a", 0, -1))
check("getdel", b"1xyzz", r.getdel("a"))
check("exists", 2, r.exists("b", "c", "zz"))
check("delete", 2, r.delete("b", "c"))
check("type", b"string", r.type("k"))
check("rename", True, r.rename("k", "k2"))
check("renamenx", False, r.renamenx("k2", "n"))
check("dbsize", 2, r.dbsize())
check("echo", b"hi", r.echo("hi"))
check("time", 2, len(r.time()))
check("client id", True, isinstance(r.client_id(), int))
check("client setname", True, r.client_setname("py"))
check("client getname", "py", r.client_getname())
check("info server", True, "redis_version" in r.info("server"))
check("info keyspace", 2, r.info("keyspace")["db0"]["keys"])
check("config get", {"maxmemory-policy": "noeviction"}, r.config_get("maxmemory-policy"))
check("config set", True, r.config_set("maxmemory", "10mb"))
check("config get after set", {"maxmemory": "10485760"}, r.config_get("maxmemory"))
r.config_set("maxmemory", "0")  # the load below must not meet the limit

# Error texts.
check("wrong arity", "wrong number of arguments for 'get' command",
      error_text(r.execute_command, "GET"))
check("not integer", "value is not an integer or out of range",
      error_text(r.incr, "k2"))
check("syntax", "syntax error", error_text(r.execute_command, "SET", "x", "y", "NX", "XX"))
check("unknown", "unknown command 'NOPE', with args beginning with: 'x' ",
      error_text(r.execute_command, "NOPE", "x"))
check("invalid expire", "invalid expire time in 'set' command",
      error_text(r.execute_command, "SET", "x", "y", "EX", "0"))
check("no such key", "no such key", error_text(r.rename, "missing", "x"))

# Millisecond expiry.
r.set("ttl", "v", px=300)
pttl = r.pttl("ttl")
check("pttl in range", True, 0 < pttl <= 300)
check("ttl rounds", 0, r.ttl("ttl"))
time.sleep(0.45)
check("expired", None, r.get("ttl"))
check("pttl of expired", -2, r.pttl("ttl"))
r.set("p", "v", ex=100)
check("persist", True, r.persist("p"))
check("ttl after persist", -1, r.ttl("p"))
r.set("e", "v")
check("pexpire", True, r.pexpire("e", 100))
check("expiretime", True, r.expiretime("e") >= int(time.time()))
time.sleep(0.2)
check("pexpire expired", 0, r.exists("e"))
check("getex px", b"v", r.getex("p", px=5000))
check("getex ttl", True, 0 < r.pttl("p") <= 5000)

# Pipelining: 1000 commands in one round trip, replies in order.
pipe = r.pipeline(transaction=False)
for i in range(1000):
    pipe.set(f"pipe:{i}", i)
    pipe.get(f"pipe:{i}")
results = pipe.execute()
check("pipeline length", 2000, len(results))
check("pipeline order", [True, b"0", True, b"1"], results[:4])
check("pipeline last", b"999", results[-1])
pipe = r.pipeline(transaction=False)
pipe.incr("pipe:0")
pipe.incr("k2")  # an error in the middle must not disturb the others
pipe.incr("pipe:0")
out = pipe.execute(raise_on_error=False)
check("pipeline error in the middle", [1, True, 2],
      [out[0], isinstance(out[1], redis.exceptions.ResponseError), out[2]])

# SCAN sees every key.
keys = set(r.scan_iter(match="pipe:*", count=50))
check("scan_iter", 1000, len(keys))
check("keys", 1000, len(r.keys("pipe:*")))
check("randomkey", True, r.randomkey() is not None)

# 100 concurrent clients, each with its own connection, bounded work.
errors = []


def client(n):
    try:
        c = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
        for i in range(50):
            key = f"c{n}:{i}"
            c.set(key, n)
            if c.get(key) != str(n).encode():
                errors.append(f"client {n} read back wrong value")
            c.incr("shared")
        c.close()
    except Exception as e:  # noqa: BLE001 - report every failure
        errors.append(repr(e))


threads = [threading.Thread(target=client, args=(n,)) for n in range(100)]
for t in threads:
    t.start()
for t in threads:
    t.join(timeout=120)
check("100 clients without errors", [], errors[:3])
check("shared counter", b"5000", r.get("shared"))
# The server sees the 100 disconnects asynchronously; give it a moment.
for _ in range(100):
    if r.info("clients")["connected_clients"] == 1:
        break
    time.sleep(0.05)
check("connected clients back to 1", 1, r.info("clients")["connected_clients"])

check("flushdb", True, r.flushdb())
check("dbsize after flush", 0, r.dbsize())
finish()
