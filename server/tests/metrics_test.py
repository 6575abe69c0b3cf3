"""The metrics port: /metrics in Prometheus text format with the right
numbers, /healthz with event-loop round trips (503 while a loop is blocked),
and an HTTP responder that turns away garbage, oversized, slow and
surplus clients without hurting the others. Also INFO latencystats.

Usage: metrics_test.py PORT METRICS_PORT
"""
import json
import re
import socket
import sys
import threading
import time

import redis

from server_testlib import check, failures, finish  # noqa: E402

PORT, MPORT = int(sys.argv[1]), int(sys.argv[2])


def read_to_eof(s):
    """Everything `s` receives until the server closes it; closes `s`."""
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def http(raw, timeout=30):
    """Sends raw bytes, reads to EOF; returns (status, headers, body)."""
    s = socket.create_connection(("127.0.0.1", MPORT), timeout=timeout)
    s.sendall(raw)
    return parse_response(read_to_eof(s))


def parse_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0])
    status = int(m.group(1)) if m else None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers and int(headers["content-length"]) != len(body):
        if not (len(body) == 0):  # HEAD: a length and no body
            print(f"FAIL: body length {len(body)} != Content-Length {headers['content-length']}")
            failures.append("content-length")
    return status, headers, body


def get(path, method="GET"):
    return http(f"{method} {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"'
                    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*\})? (\S+)$')


def scrape():
    status, headers, body = get("/metrics")
    check("GET /metrics is 200", status == 200, status)
    check("Prometheus content type",
          headers.get("content-type", "").startswith("text/plain; version=0.0.4"), headers)
    samples, types = {}, {}
    for line in body.decode().splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        m = SAMPLE.match(line)
        if not m:
            check(f"well-formed line {line!r}", False)
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        if family not in types:
            check(f"{name} has a TYPE line before it", False)
        samples[name + labels] = float(value) if value != "+Inf" else float("inf")
    return samples


r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
for i in range(25):
    r.set(f"k{i}", "v")
for i in range(6):
    r.get(f"k{i}")
r.get("missing")
r.set("short", "v", px=1)
time.sleep(0.05)
r.get("short")  # expired: removed on access

m = scrape()
check("SET count", m.get('cacheforge_commands_total{cmd="set"}') == 26,
      m.get('cacheforge_commands_total{cmd="set"}'))
check("GET count", m.get('cacheforge_commands_total{cmd="get"}') == 8)
info_calls = int(r.info("commandstats")["cmdstat_set"]["calls"])
check("agrees with INFO commandstats", info_calls == 26, info_calls)
buckets = sorted((float(k.split('le="')[1].rstrip('"}')), v) for k, v in m.items()
                 if k.startswith('cacheforge_command_duration_seconds_bucket{cmd="set"')
                 and "+Inf" not in k)
check("latency buckets exported", len(buckets) >= 10, buckets)
check("latency buckets are cumulative",
      all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), buckets)
inf = m.get('cacheforge_command_duration_seconds_bucket{cmd="set",le="+Inf"}')
count = m.get('cacheforge_command_duration_seconds_count{cmd="set"}')
check("+Inf bucket == count == calls", inf == count == 26, (inf, count))
check("duration sum present", 'cacheforge_command_duration_seconds_sum{cmd="set"}' in m)
check("expired keys counted", m.get("cacheforge_expired_keys_total", 0) >= 1)
check("hits counted", m.get("cacheforge_keyspace_hits_total") == 6)
check("misses counted", m.get("cacheforge_keyspace_misses_total") == 2)
check("keys gauge", m.get("cacheforge_keys") == 25, m.get("cacheforge_keys"))
# The same source as INFO's used_memory (which reads 0 under sanitizers that
# replace malloc).
info_used = int(r.info("memory")["used_memory"])
check("used memory reported as INFO does",
      "cacheforge_used_memory_bytes" in m and
      (m["cacheforge_used_memory_bytes"] > 0) == (info_used > 0),
      (m.get("cacheforge_used_memory_bytes"), info_used))
check("lockgraph report count is zero", m.get("cacheforge_lockgraph_reports_total") == 0)
check("aof_enabled reflects appendonly", m.get("cacheforge_aof_enabled") == 0)
extra = [socket.create_connection(("127.0.0.1", PORT)) for _ in range(3)]
for s in extra:
    s.sendall(b"PING\r\n")
    s.recv(16)
check("connected clients", scrape().get("cacheforge_connected_clients") == 4)
for s in extra:
    s.close()

# INFO latencystats, Redis's format.
def raw_info(section):
    s = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    s.sendall(f"INFO {section}\r\n".encode())
    data = b""
    while not data.endswith(b"\r\n") or data.count(b"\r\n") < 2 or len(data) < int(
            data.split(b"\r\n", 1)[0][1:]) + len(data.split(b"\r\n", 1)[0]) + 4:
        data += s.recv(65536)
    s.close()
    return data.split(b"\r\n", 1)[1].decode()


lat = raw_info("latencystats")
line = re.search(r"^latency_percentiles_usec_set:p50=(\d+\.\d{3}),p99=(\d+\.\d{3}),"
                 r"p99\.9=(\d+\.\d{3})\r?$", lat, re.M)
check("INFO latencystats line for set", line is not None, lat)
if line:
    p50, p99, p999 = map(float, line.groups())
    check("percentiles ordered", 0 < p50 <= p99 <= p999, line.groups())

# /healthz: every loop answers.
status, headers, body = get("/healthz")
health = json.loads(body)
check("healthz 200", status == 200, (status, body))
check("healthz JSON", headers.get("content-type") == "application/json" and
      health["status"] == "ok" and len(health["loops"]) == 2 and
      all(isinstance(l["latency_us"], float) and l["latency_us"] >= 0 for l in health["loops"]),
      health)

# A blocked loop: DEBUG SLEEP holds one I/O thread; /healthz says which.
blocker = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=60)
t = threading.Thread(target=lambda: blocker.execute_command("DEBUG", "SLEEP", "6"))
t.start()
seen = None
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    status, _, body = get("/healthz")
    if status == 503:
        seen = json.loads(body)
        break
check("healthz 503 while a loop is blocked", seen is not None)
if seen:
    silent = [l for l in seen["loops"] if l["latency_us"] is None]
    check("exactly the blocked loop has no answer, with the time waited",
          seen["status"] == "unhealthy" and len(silent) == 1 and
          silent[0]["waited_us"] >= seen["bound_ms"] * 1000, seen)
    check("the other loop still answers", any(l["latency_us"] is not None for l in seen["loops"]))
check("metrics still served while a loop is blocked", get("/metrics")[0] == 200)
t.join()
check("healthz 200 again once the loop is free", get("/healthz")[0] == 200)

# The responder's defences.
check("HEAD /metrics: headers only",
      http(b"HEAD /metrics HTTP/1.1\r\n\r\n")[0] == 200 and
      http(b"HEAD /metrics HTTP/1.1\r\n\r\n")[2] == b"")
status, headers, _ = get("/metrics", method="POST")
check("POST is 405 with Allow", status == 405 and headers.get("allow") == "GET, HEAD")
check("unknown path is 404", get("/nope")[0] == 404)
check("garbage is 400", http(b"garbage\r\n\r\n")[0] == 400)
check("RESP is 400", http(b"*1\r\n$4\r\nPING\r\n")[0] == 400)
check("TLS hello is 400 at once", http(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")[0] == 400)
check("HTTP/2 is 505", http(b"GET /metrics HTTP/2.0\r\n\r\n")[0] == 505)
check("a body is refused", http(b"GET /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")[0] == 400)
check("long target is 414", http(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n")[0] == 414)
check("long header is 431",
      http(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n")[0] == 431)

# One byte at a time still parses.
s = socket.create_connection(("127.0.0.1", MPORT), timeout=30)
for b in b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n":
    s.sendall(bytes([b]))
    time.sleep(0.002)
check("a request sent byte by byte", parse_response(read_to_eof(s))[0] == 200)

# A slow client gets 408; others are served meanwhile.
slow = socket.create_connection(("127.0.0.1", MPORT), timeout=60)
slow.sendall(b"GET /metrics HTTP/1.1\r\n")
check("served while a slow client waits", get("/metrics")[0] == 200)
data = read_to_eof(slow)
check("the slow client gets 408", parse_response(data)[0] == 408, data[:60])

# Connections past the cap are turned away at once; the cap frees up.
idle = [socket.create_connection(("127.0.0.1", MPORT), timeout=30) for _ in range(16)]
# Until the server has accepted all 16 an extra request may still be served;
# once it has, every extra one is turned away.
turned_away = False
deadline = time.monotonic() + 30
while time.monotonic() < deadline and not turned_away:
    turned_away = get("/metrics")[0] == 503
check("a connection past the cap is 503", turned_away)
for s in idle:
    s.close()
ok = False
deadline = time.monotonic() + 30
while time.monotonic() < deadline and not ok:
    ok = get("/metrics")[0] == 200
    time.sleep(0.05)
check("served again once the idle connections are gone", ok)
finish()
