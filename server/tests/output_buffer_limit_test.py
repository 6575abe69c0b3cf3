"""Client buffer limits against a real server.

- Hard limit: a client that pipelines GETs of a 100 KB value and reads
  nothing is disconnected once 1 MB of replies are pending.
- One huge reply: KEYS * over 100,000 keys is more than the 1 MB hard limit.
- Soft limit: output at or over 512 KB for more than 1 second disconnects at
  the next reply, not before.
- Default (normal 0 0 0): no limit, a 10 MB reply is delivered.
- client-query-buffer-limit: an oversized request is refused and counted.
Every time, other clients are still served.

Usage: output_buffer_limit_test.py PORT
"""
import socket
import sys
import time

import redis

from server_testlib import check, finish  # noqa: E402

PORT = int(sys.argv[1])


def command(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def slow_reader(name):
    """A raw connection with a tiny receive buffer, named `name`."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", PORT))
    s.sendall(command("CLIENT", "SETNAME", name))
    assert s.recv(100) == b"+OK\r\n"
    return s


def drain_until_closed(s, limit_bytes):
    """Reads until the server closes; returns bytes received (bounded wait)."""
    s.settimeout(30)
    got = 0
    try:
        while got <= limit_bytes:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            got += len(chunk)
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    return got


def stat(name):
    return r.info("stats")[name]


r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=60)
r.flushall()
r.config_resetstat()
BIG = b"x" * (100 * 1024)
r.set("big", BIG)

# Hard limit: 100 pipelined GETs = 10 MB of replies, limit 1 MB.
r.config_set("client-output-buffer-limit", "normal 1mb 0 0")
s = slow_reader("slow-reader")
s.sendall(command("GET", "big") * 100)
got = drain_until_closed(s, 20 * 1024 * 1024)
check("hard limit: slow reader disconnected before its replies", got < 2 * 1024 * 1024, got)
check("hard limit: counted", stat("client_output_buffer_limit_disconnections") == 1)
check("others still served", r.get("big") == BIG)

# One huge reply over the hard limit.
r.execute_command("DEBUG", "POPULATE", 100000)
other = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=60)
try:
    other.keys("*")
    outcome = "answered"
except redis.exceptions.ConnectionError:
    outcome = "disconnected"
check("hard limit: KEYS * over the limit disconnects", outcome == "disconnected", outcome)
check("huge reply: counted", stat("client_output_buffer_limit_disconnections") == 2)
check("others still served after the huge reply", r.dbsize() == 100001)

# Soft limit: over 512 KB for more than 3 s (long enough that a sanitizer
# build on a busy machine does not reach it before the first check).
r.config_set("client-output-buffer-limit", "normal 0 512kb 3")
s = slow_reader("soft-reader")
s.sendall(command("GET", "big") * 100)
time.sleep(0.3)
check("soft limit: not yet disconnected within the soft seconds",
      stat("client_output_buffer_limit_disconnections") == 2)
time.sleep(3.5)
s.sendall(command("PING"))
got = drain_until_closed(s, 20 * 1024 * 1024)
check("soft limit: disconnected at the next reply after the soft seconds",
      got < 10 * 1024 * 1024, got)
check("soft limit: counted", stat("client_output_buffer_limit_disconnections") == 3)

# The default, like Redis: no limit for normal clients.
r.config_set("client-output-buffer-limit", "normal 0 0 0")
check("default limit disabled", r.config_get("client-output-buffer-limit")[
    "client-output-buffer-limit"].startswith("normal 0 0 0"))
pipe = r.pipeline(transaction=False)
for _ in range(100):
    pipe.get("big")
check("unlimited: 10 MB of replies delivered", pipe.execute() == [BIG] * 100)
check("unlimited: nobody disconnected", stat("client_output_buffer_limit_disconnections") == 3)

# Query buffer limit: a request bigger than 1 MB is refused and counted.
r.config_set("client-query-buffer-limit", "1mb")
s = socket.socket()
s.connect(("127.0.0.1", PORT))
s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + b"y" * 2000000)
s.settimeout(30)
reply = b""
try:
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
except (ConnectionResetError, socket.timeout):
    pass
s.close()
check("query buffer: refused with the protocol error",
      reply == b"-ERR Protocol error: query buffer over client-query-buffer-limit\r\n", reply[:80])
check("query buffer: counted", stat("client_query_buffer_limit_disconnections") == 1)
r.config_set("client-query-buffer-limit", "1gb")
check("still serving at the end", r.ping())
r.config_resetstat()
check("CONFIG RESETSTAT resets the counters",
      stat("client_output_buffer_limit_disconnections") == 0
      and stat("client_query_buffer_limit_disconnections") == 0)

finish()
