"""Sends protocol garbage and oversized requests over raw sockets. Each must get
an `-ERR Protocol error: ...` reply and then a closed connection, while the
server keeps serving everyone else.

Usage: protocol_errors_test.py PORT
"""
import socket
import sys

from server_testlib import check, finish

PORT = int(sys.argv[1])


def exchange(payload, expect_close=True):
    """Sends payload; returns (everything received, whether the peer closed)."""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    try:
        s.sendall(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = b""
    closed = False
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
            if not expect_close and data.endswith(b"\r\n"):
                break
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    return data, closed


def ping_still_works():
    data, _ = exchange(b"PING\r\n", expect_close=False)
    return data == b"+PONG\r\n"


cases = [
    ("multibulk count not a number", b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    ("multibulk count over 1M", b"*1048577\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    ("bulk length over 512MB", b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    ("negative bulk length", b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    ("missing $", b"*1\r\n+PING\r\n", b"-ERR Protocol error: expected '$', got '+'\r\n"),
    ("missing CRLF after bulk", b"*1\r\n$4\r\nPINGxx", b"-ERR Protocol error: bulk string not followed by CRLF\r\n"),
    ("unbalanced quotes", b'SET k "v\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    ("inline request over 64KB", b"A" * (70 * 1024), b"-ERR Protocol error: too big inline request\r\n"),
    ("multibulk header over 64KB", b"*" + b"1" * (70 * 1024), b"-ERR Protocol error: too big mbulk count string\r\n"),
    ("binary garbage", b"\x00\xff\xfe*\r\n\"\r\n",
     b"-ERR unknown command '\x00\xff\xfe*', with args beginning with: \r\n"
     b"-ERR Protocol error: unbalanced quotes in request\r\n"),
]
for name, payload, want in cases:
    data, closed = exchange(payload)
    check(name + ": reply", data == want, f"got {data[:120]!r}")
    check(name + ": closed", closed)
    check(name + ": server still serves", ping_still_works())

# Commands before the bad one are answered, the bad one ends the connection.
data, closed = exchange(b"PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n")
check("pipelined then garbage", data == b"+PONG\r\n+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n" and closed,
      repr(data))

# A request split over many tiny writes is still one request.
s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
for b in b"*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$2\r\nok\r\n":
    s.send(bytes([b]))
check("byte-by-byte request", s.recv(100) == b"+OK\r\n")
s.close()

# A large but legal value round-trips (8 MB).
import redis  # noqa: E402

r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
big = b"x" * (8 * 1024 * 1024)
r.set("big", big)
check("8MB value round-trips", r.get("big") == big)
# proto-max-bulk-len is honoured at runtime.
r.config_set("proto-max-bulk-len", "1mb")
data, closed = exchange(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n")
check("bulk over a lowered proto-max-bulk-len", data == b"-ERR Protocol error: invalid bulk length\r\n" and closed, repr(data))
# A request larger than client-query-buffer-limit (lowered to 1mb) is refused.
r.config_set("proto-max-bulk-len", "512mb")
r.config_set("client-query-buffer-limit", "1mb")
data, closed = exchange(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n" + b"x" * 2000000)
check("query buffer over client-query-buffer-limit",
      data == b"-ERR Protocol error: query buffer over client-query-buffer-limit\r\n" and closed,
      repr(data[:100]))
check("server still serves at the end", ping_still_works())
finish()
