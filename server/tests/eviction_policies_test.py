"""Each maxmemory-policy under load, through python3-redis.

For every policy: set maxmemory to 4 MB above what the idle server uses,
write about five times that in 1 KB values (pipelined, bounded), and check
that used_memory stays near the limit and that the policy evicted the right
kind of key:
  noeviction       refuses SET with Redis's OOM error, still serves GET and
                   DEL, and accepts writes again once DEL made room;
  allkeys-lru/lfu  a hot set read between write batches survives;
  volatile-*       keys without a TTL are never evicted, and with only those
                   left over the limit, writes get the OOM error;
  volatile-ttl     survivors are mostly the keys with the longest TTLs;
  allkeys-random   evicts keys with and without TTL alike.

Usage: eviction_policies_test.py PORT
"""
import random
import sys
import time

import redis

from server_testlib import check, finish  # noqa: E402

PORT = int(sys.argv[1])
HEADROOM = 4 * 1024 * 1024
VALUE = b"v" * 1000
BATCH = 500
BATCHES = 40  # 20,000 writes of ~1.1 KB: five times the headroom
OOM = "OOM command not allowed when used memory > 'maxmemory'."


r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=60)


def start(policy):
    """Empties the server and sets `policy` with a limit HEADROOM above use."""
    r.config_set("maxmemory", 0)
    r.flushall()
    r.config_resetstat()
    r.config_set("maxmemory-policy", policy)
    limit = r.info("memory")["used_memory"] + HEADROOM
    r.config_set("maxmemory", limit)
    return limit


def load(prefix, ttl=None, hot=(), hot_reads=1):
    """Writes BATCHES * BATCH keys; between batches reads every hot key."""
    for b in range(BATCHES):
        pipe = r.pipeline(transaction=False)
        for i in range(b * BATCH, (b + 1) * BATCH):
            pipe.set(f"{prefix}{i}", VALUE, ex=ttl(i) if ttl else None)
        pipe.execute()
        if hot:
            pipe = r.pipeline(transaction=False)
            for _ in range(hot_reads):
                for key in hot:
                    pipe.get(key)
            pipe.execute()


def beyond_buffers(info):
    """used_memory without the client buffers: what writes can grow. (The
    input buffer grows while a pipeline is read, after the commands before it
    were checked, so the buffers may add to used_memory until the next
    eviction.)"""
    return info["used_memory"] - info["mem_clients_normal"]


def check_near_limit(policy, limit):
    info = r.info()
    used = info["used_memory"]
    check(f"{policy}: used_memory at most the limit plus one write",
          beyond_buffers(info) <= limit + 64 * 1024,
          f"used {used} with {info['mem_clients_normal']} in client buffers, limit {limit}")
    check(f"{policy}: used_memory stays near the limit", used >= limit - HEADROOM // 2,
          f"used {used}, limit {limit}")
    check(f"{policy}: evicted_keys counted", info["evicted_keys"] > 1000, info["evicted_keys"])
    return info


def exists(keys):
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.exists(key)
    return sum(pipe.execute())


# noeviction: OOM on writes, reads and deletes still served.
limit = start("noeviction")
r.set("kept", "v")
refused = None
for b in range(BATCHES):
    pipe = r.pipeline(transaction=False)
    for i in range(b * BATCH, (b + 1) * BATCH):
        pipe.set(f"k{i}", VALUE)
    results = pipe.execute(raise_on_error=False)
    errors = [x for x in results if isinstance(x, redis.exceptions.ResponseError)]
    if errors:
        refused = str(errors[0])
        break
check("noeviction: SET over the limit gets the OOM error", refused == OOM, refused)
info = r.info("memory")
check("noeviction: memory stays at the limit", beyond_buffers(info) <= limit + 64 * 1024,
      f"used {info['used_memory']} with {info['mem_clients_normal']} in client buffers, "
      f"limit {limit}")
check("noeviction: GET still served", r.get("kept") == b"v")
check("noeviction: nothing evicted", r.info("stats")["evicted_keys"] == 0)
check("noeviction: DEL still served", r.delete(*[f"k{i}" for i in range(1000)]) == 1000)
check("noeviction: writes accepted again after DEL", r.set("after-del", "v") is True)

# LRU and LFU keep a hot set read between write batches.
for policy, reads in (("allkeys-lru", 1), ("allkeys-lfu", 3)):
    limit = start(policy)
    hot = [f"hot{i}" for i in range(200)]
    for key in hot:
        r.set(key, VALUE)
    load("cold", hot=hot, hot_reads=reads)
    check_near_limit(policy, limit)
    check(f"{policy}: the whole hot set survives", exists(hot) == len(hot), exists(hot))
    if policy == "allkeys-lru":
        # (Under LFU a new key counts as little as a cold one, so LFU may evict
        # either: that is the policy, not a fault.)
        newest = [f"cold{BATCHES * BATCH - 1 - i}" for i in range(100)]
        check(f"{policy}: the newest writes survive", exists(newest) == len(newest),
              exists(newest))
        oldest = [f"cold{i}" for i in range(1000)]
        check(f"{policy}: the oldest cold keys were evicted", exists(oldest) < 20,
              exists(oldest))

# volatile-*: keys without a TTL are never evicted.
for policy in ("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"):
    limit = start(policy)
    plain = [f"plain{i}" for i in range(300)]
    for key in plain:
        r.set(key, VALUE)
    rng = random.Random(7)
    ttls = {}

    def ttl(i):
        ttls[i] = rng.randrange(1000, 100000)
        return ttls[i]

    load("ttl", ttl=ttl)
    check_near_limit(policy, limit)
    check(f"{policy}: no key without TTL evicted", exists(plain) == len(plain), exists(plain))
    if policy == "volatile-ttl":
        alive = [i for i in ttls if r.exists(f"ttl{i}")]
        short = sum(1 for i in alive if ttls[i] < 50500)
        check("volatile-ttl: survivors are mostly the longest TTLs",
              short < 0.25 * len(alive), f"{short} of {len(alive)} survivors have a short TTL")
    if policy == "volatile-lru":
        # Only keys without TTL left, and over the limit: writes are refused.
        r.config_set("maxmemory", 1024)
        # CONFIG SET evicts a first slice; the cron evicts the rest (bounded wait).
        deadline = time.monotonic() + 60
        while r.dbsize() > len(plain) and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            r.set("x", "y")
            outcome = "accepted"
        except redis.exceptions.ResponseError as e:
            outcome = str(e)
        check("volatile-lru: OOM when only keys without TTL are left", outcome == OOM, outcome)
        check("volatile-lru: the keys without TTL are all still there",
              r.dbsize() == len(plain), r.dbsize())

# allkeys-random: keys with and without TTL go alike.
limit = start("allkeys-random")
plain = [f"plain{i}" for i in range(2000)]
pipe = r.pipeline(transaction=False)
for key in plain:
    pipe.set(key, VALUE)
pipe.execute()
load("ttl", ttl=lambda i: 3600)
check_near_limit("allkeys-random", limit)
check("allkeys-random: keys without TTL are evicted too", exists(plain) < len(plain) * 0.9,
      exists(plain))

r.config_set("maxmemory", 0)
finish()
