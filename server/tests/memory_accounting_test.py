"""used_memory against RSS: load 1,000,000 keys through python3-redis
pipelines (10,000 commands per round trip) and compare how much INFO's
used_memory grew with how much the server's RSS grew. They must agree within
10% of the RSS growth.

Usage: memory_accounting_test.py PORT
"""
import sys

import redis

from server_testlib import check, finish  # noqa: E402

PORT = int(sys.argv[1])
KEYS = 1_000_000
BATCH = 10_000


r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=60)
r.flushall()
before = r.info("memory")
for start in range(0, KEYS, BATCH):
    pipe = r.pipeline(transaction=False)
    for i in range(start, start + BATCH):
        # 16-byte keys (a heap block each) and short values, like
        # redis-benchmark's defaults.
        pipe.set(f"key:{i:012d}", f"v{i}")
    pipe.execute()
after = r.info("memory")
check("all keys loaded", r.dbsize() == KEYS, r.dbsize())

used_growth = after["used_memory"] - before["used_memory"]
rss_growth = after["used_memory_rss"] - before["used_memory_rss"]
detail = (f"used_memory +{used_growth} bytes, RSS +{rss_growth} bytes, "
          f"{used_growth / KEYS:.1f} vs {rss_growth / KEYS:.1f} bytes per key")
print(detail)
check("RSS grew by at least 64 bytes a key", rss_growth > 64 * KEYS, detail)
check("used_memory growth within 10% of RSS growth",
      abs(used_growth - rss_growth) <= 0.10 * rss_growth, detail)
check("used_memory_dataset is most of used_memory",
      after["used_memory_dataset"] > 0.9 * (after["used_memory"] - after["used_memory_startup"]))
check("peak at least the current use", after["used_memory_peak"] >= after["used_memory"])

# Deleting the keys gives the bytes back in the count at once (RSS need not
# shrink: freed heap stays mapped, which mem_fragmentation_ratio shows).
r.flushall()
emptied = r.info("memory")
check("used_memory back near the start after FLUSHALL",
      emptied["used_memory"] < before["used_memory"] + 1024 * 1024,
      f"{before['used_memory']} -> {emptied['used_memory']}")
check("fragmentation ratio reflects the kept RSS", emptied["mem_fragmentation_ratio"] > 1.0)

finish()
