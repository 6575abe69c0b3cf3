"""Graceful shutdown under a large pending pipelined load.

A raw client pipelines GETs of a 16 KB value without reading until the
server owes it tens of megabytes of replies; then the server is told to stop
(SIGTERM or SHUTDOWN). The client then reads until EOF: every reply it got
must be whole, together at least what was owed when the stop was asked, and
the stream must end with a clean close, not a reset.

Usage: shutdown_test.py PORT PID sigterm|shutdown
"""
import os
import signal
import socket
import sys
import threading
import time

import redis

from server_testlib import check, finish  # noqa: E402

PORT, PID, MODE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
VALUE = b"v" * 16384
REQUESTS = 8000  # 128 MB of replies asked for; the server owes at most ~64 MB at once


r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=60)
r.set("big", VALUE)

s = socket.create_connection(("127.0.0.1", PORT))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
my_id = None
stop_sending = threading.Event()


def sender():
    request = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n"
    try:
        for _ in range(REQUESTS):  # bounded
            if stop_sending.is_set():
                return
            s.sendall(request)
    except OSError:
        pass  # the server may close its side once it has stopped


thread = threading.Thread(target=sender, daemon=True)
thread.start()

# Wait (bounded) until the server owes this client a lot of output.
owed = 0
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    for line in r.execute_command("CLIENT", "LIST").decode().splitlines():
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if fields.get("cmd") == "get":
            owed = max(owed, int(fields.get("omem", 0)))
    if owed >= 32 * 1024 * 1024:
        break
    time.sleep(0.05)
check("server owes the client over 32 MB before the stop", owed >= 32 * 1024 * 1024, owed)

if MODE == "sigterm":
    os.kill(PID, signal.SIGTERM)
else:
    try:
        r.execute_command("SHUTDOWN")
        check("SHUTDOWN closes the connection without a reply", False, "got a reply")
    except redis.exceptions.ConnectionError:
        check("SHUTDOWN closes the connection without a reply", True)

# Read everything until EOF (bounded by the socket timeout).
s.settimeout(120)
chunks = []
reset = None
try:
    while True:
        data = s.recv(1 << 20)
        if not data:
            break
        chunks.append(data)
except OSError as e:
    reset = e
stop_sending.set()
s.close()
stream = b"".join(chunks)
check("the stream ends with a clean close, not a reset", reset is None, reset)

header = b"$16384\r\n"
unit = len(header) + len(VALUE) + 2
whole = len(stream) // unit
tail = len(stream) - whole * unit
check("no partial reply at the end", tail == 0, f"{tail} stray bytes after {whole} replies")
expected = (header + VALUE + b"\r\n") * whole
check("every reply is the value", stream[: whole * unit] == expected)
check(f"replies owed at the stop were delivered ({whole} replies)",
      whole * len(VALUE) >= owed * 0.9, f"{whole} replies for {owed} bytes owed")
check("no more replies than requests", whole <= REQUESTS, whole)
finish()
