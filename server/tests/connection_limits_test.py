"""Connections and descriptors, driven over raw sockets.

Usage: connection_limits_test.py PORT PID STEP [ARGS]
  maxclients N      exactly N clients are served; the next gets the error
  emfile LOG        out of descriptors: no spinning, still serving, recovers
  leak              10,000 connections dropped in several ways leak nothing
  timeout           an idle client is closed, a busy one is not
  keepalive SECS    the server's side of a client has a keepalive timer (0: none)
  hold N            N clients that close as soon as the server does
"""
import os
import re
import socket
import subprocess
import sys
import threading
import time

import redis

from server_testlib import check, finish  # noqa: E402

PORT, PID, STEP = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ARGS = sys.argv[4:]


def connect():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    return s


def ping(s):
    s.sendall(b"PING\r\n")
    return s.recv(64)


def fd_count():
    return len(os.listdir(f"/proc/{PID}/fd"))


def info_field(r, name):
    value = r.info("everything").get(name)
    return None if value is None else int(value)


def wait_for(predicate, bound=60):
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def step_maxclients(n):
    clients = []
    refused = None
    for _ in range(n + 5):  # bounded: a few past the limit
        s = connect()
        reply = ping(s)
        if reply != b"+PONG\r\n":
            refused = reply
            s.close()
            break
        clients.append(s)
    check(f"exactly {n} clients served", len(clients) == n, len(clients))
    check("the next one is told why", refused == b"-ERR max number of clients reached\r\n", refused)
    clients.pop().close()
    r = None
    def served():
        nonlocal r
        try:
            r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=10)
            return r.ping()
        except redis.exceptions.RedisError:
            return False
    check("a freed slot is usable again", wait_for(served, 30))
    check("INFO counts the refusal", (info_field(r, "rejected_connections") or 0) >= 1)
    r.close()
    for s in clients:
        s.close()


def step_emfile(log_path):
    keep = connect()
    check("serving before", ping(keep) == b"+PONG\r\n")
    limits = open(f"/proc/{PID}/limits").read()
    soft, hard = re.search(r"Max open files\s+(\d+)\s+(\d+)", limits).groups()
    # Lower only the soft limit (allowed without privileges, and reversible)
    # to the lowest free descriptor number: the next accept fails with EMFILE.
    used = {int(name) for name in os.listdir(f"/proc/{PID}/fd")}
    lowest_free = next(n for n in range(len(used) + 1) if n not in used)
    subprocess.run(["prlimit", f"--pid={PID}", f"--nofile={lowest_free}:{hard}"], check=True)
    start = time.monotonic()
    pending = []
    for _ in range(3):
        s = connect()  # completes in the kernel's backlog
        s.sendall(b"PING\r\n")
        pending.append(s)
    pattern = re.compile(r"Error accepting a client connection: Too many open files "
                         r"\(accepts paused; (\d+) error\(s\) since the last message\)")

    def lines():
        with open(log_path) as f:
            return [int(m.group(1)) for m in pattern.finditer(f.read())]

    check("EMFILE is logged", wait_for(lambda: len(lines()) >= 3, 60), lines())
    elapsed = time.monotonic() - start
    counts = lines()
    check("still serving connected clients while out of descriptors",
          ping(keep) == b"+PONG\r\n")
    # A spinning accept loop fails hundreds of thousands of times a second;
    # a paused one retries once per tick per loop (hz 10, 2 loops here).
    check("accept retries are paced, not spinning", max(counts) <= 200, counts)
    check("the log line is rate-limited to one a second",
          len(counts) <= elapsed + 2, f"{len(counts)} lines in {elapsed:.1f} s")
    for s in pending:
        s.settimeout(0.2)
        try:
            data = s.recv(64)
        except socket.timeout:
            data = None
        check("a client past the limit waits rather than being served", data is None, data)
    subprocess.run(["prlimit", f"--pid={PID}", f"--nofile={soft}:{hard}"], check=True)
    for s in pending:
        s.settimeout(30)
        check("the waiting client is served once descriptors are back",
              s.recv(64) == b"+PONG\r\n")
        s.close()
    keep.close()


def step_leak():
    r = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
    r.set("big", b"x" * 65536)
    wait_for(lambda: info_field(r, "connected_clients") == 1)
    before = fd_count()
    received_before = info_field(r, "total_connections_received")
    linger_rst = (1).to_bytes(4, "little") + (0).to_bytes(4, "little")
    for i in range(10000):  # bounded
        s = connect()
        kind = i % 5
        if kind == 1:  # a full exchange
            check_once = ping(s) == b"+PONG\r\n"
            if not check_once:
                check(f"PING on connection {i}", False)
                break
        elif kind == 2:  # half a command
            s.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbi")
        elif kind == 3:  # a protocol error: the server closes
            s.sendall(b"*x\r\n")
        elif kind == 4 and i % 50 == 4:  # owed lots of output, then reset
            s.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 32)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_rst)
        s.close()
    settled = wait_for(lambda: info_field(r, "connected_clients") == 1, 120)
    check("every dropped client is gone from INFO", settled, info_field(r, "connected_clients"))
    received = info_field(r, "total_connections_received") - received_before
    check("10,000 connections were accepted", received >= 10000, received)
    wait_for(lambda: fd_count() <= before, 30)
    after = fd_count()
    check(f"no descriptor leaked ({before} before, {after} after)", after == before)
    r.close()


def step_timeout():
    idle = connect()
    check("idle client served", ping(idle) == b"+PONG\r\n")
    busy = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=30)
    stop = threading.Event()
    busy_errors = []

    def keep_busy():
        while not stop.is_set():
            try:
                busy.ping()
            except redis.exceptions.RedisError as e:
                busy_errors.append(e)
                return
            time.sleep(0.2)

    t = threading.Thread(target=keep_busy)
    t.start()
    idle.settimeout(60)
    try:
        closed = idle.recv(64) == b""
    except OSError:
        closed = True
    stop.set()
    t.join()
    check("the idle client was closed by the server", closed)
    check("the busy client was not", not busy_errors and busy.ping(), busy_errors)
    busy.close()


def server_side_timers():
    """(state, timer kind, jiffies) of the server's sockets for its clients."""
    out = []
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(path).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            local_port = int(f[1].rsplit(":", 1)[1], 16)
            timer, when = f[5].split(":")
            if local_port == PORT and f[3] == "01":
                out.append((int(timer, 16), int(when, 16)))
    return out


def step_keepalive(seconds):
    s = connect()
    check("client served", ping(s) == b"+PONG\r\n")
    timers = server_side_timers()
    check("the server's end of the connection is visible", len(timers) >= 1, timers)
    if seconds > 0:
        # Timer kind 2 is the keepalive timer; its expiry is in USER_HZ (100/s).
        check(f"keepalive timer armed within {seconds} s",
              any(kind == 2 and when <= seconds * 100 for kind, when in timers), timers)
    else:
        check("no keepalive timer", all(kind != 2 for kind, _ in timers), timers)
    s.close()


def step_hold(n):
    clients = [connect() for _ in range(n)]
    for s in clients:
        check_ok = ping(s) == b"+PONG\r\n"
        if not check_ok:
            check("hold: PING", False)
    print("ok: holding", n, "clients", flush=True)
    # Close each as soon as the server closes its side, so the server's ends
    # go through TIME_WAIT.
    for s in clients:
        s.settimeout(120)
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
        s.close()


if STEP == "maxclients":
    step_maxclients(int(ARGS[0]))
elif STEP == "emfile":
    step_emfile(ARGS[0])
elif STEP == "leak":
    step_leak()
elif STEP == "timeout":
    step_timeout()
elif STEP == "keepalive":
    step_keepalive(int(ARGS[0]))
elif STEP == "hold":
    step_hold(int(ARGS[0]))
else:
    sys.exit(f"unknown step {STEP}")
finish()
