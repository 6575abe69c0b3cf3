"""Pub/sub against a real server, as cache-invalidation users run it.

- 4 subscribers (spread over both I/O threads, one of them by pattern) get
  every one of 2,000 messages from 2 publishers, each publisher's messages in
  the order it sent them, and PUBLISH counts the receivers.
- A subscriber that never reads is closed once its pending messages pass the
  pubsub class's output limit (INFO counts the disconnection); the publisher
  is never held up and the other subscribers keep receiving.
- Subscribers connect, subscribe and drop while messages are published: the
  server keeps answering and PUBSUB NUMSUB returns to 0.
- Keyspace notifications reach a subscriber on another I/O thread, with the
  database in the channel, and CLIENT REPLY OFF/SKIP silence replies but not
  what a subscriber is pushed.

Usage: pubsub_clients_test.py PORT
"""
import socket
import sys
import threading
import time

import redis

PORT = int(sys.argv[1])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)


def client():
    return redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=60)


r = client()
MESSAGES, PUBLISHERS = 1000, 2

# --- fan-out across threads, in order -------------------------------------------
subs = []
for i in range(4):
    p = client().pubsub(ignore_subscribe_messages=True)
    if i == 3:
        p.psubscribe("inval.*")
    else:
        p.subscribe("inval.users")
    subs.append(p)
time.sleep(0.1)
check(r.pubsub_numsub("inval.users") == [(b"inval.users", 3)], "NUMSUB after subscribing")
counts = []


def publisher(n):
    c = client()
    for i in range(MESSAGES):
        counts.append(c.publish("inval.users", f"{n}:{i}"))


threads = [threading.Thread(target=publisher, args=(n,)) for n in range(PUBLISHERS)]
for t in threads:
    t.start()
for t in threads:
    t.join(60)
check(counts and all(c == 4 for c in counts), f"PUBLISH receivers {set(counts)}")
for i, p in enumerate(subs):
    got = []
    deadline = time.monotonic() + 30
    while len(got) < MESSAGES * PUBLISHERS and time.monotonic() < deadline:
        m = p.get_message(timeout=1)
        if m and m["type"] in ("message", "pmessage"):
            got.append(m["data"].decode())
    check(len(got) == MESSAGES * PUBLISHERS, f"subscriber {i} got {len(got)} messages")
    for n in range(PUBLISHERS):
        mine = [int(g.split(":")[1]) for g in got if g.startswith(f"{n}:")]
        check(mine == list(range(MESSAGES)), f"subscriber {i}: publisher {n}'s messages out of order")

# --- a slow subscriber is closed by the pubsub limit --------------------------------
r.config_set("client-output-buffer-limit", "pubsub 4mb 0 0")
before = r.info("stats")["client_output_buffer_limit_disconnections"]
slow = socket.create_connection(("127.0.0.1", PORT))
slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
slow.sendall(b"SUBSCRIBE big\r\n")
time.sleep(0.1)
fast = client().pubsub(ignore_subscribe_messages=True)
fast.subscribe("big")
time.sleep(0.1)
payload = "x" * 65536
received = [0]


def read_fast():
    deadline = time.monotonic() + 60
    while received[0] < 200 and time.monotonic() < deadline:
        m = fast.get_message(timeout=1)
        if m and m["type"] == "message":
            received[0] += 1


reader = threading.Thread(target=read_fast)
reader.start()
start = time.monotonic()
for i in range(200):  # 13 MB for a client that reads nothing
    r.publish("big", payload)
    # The reading subscriber is never more than 8 messages (512 KB) behind.
    wait_until = time.monotonic() + 30
    while received[0] < i - 8 and time.monotonic() < wait_until:
        time.sleep(0.001)
elapsed = time.monotonic() - start
closed = False
for _ in range(100):
    if r.info("stats")["client_output_buffer_limit_disconnections"] > before:
        closed = True
        break
    time.sleep(0.05)
check(closed, "the slow subscriber was not closed by the pubsub output limit")
reader.join(60)
check(received[0] == 200, f"the reading subscriber got {received[0]} of 200 big messages")
print(f"published 13 MB past a stalled subscriber in {elapsed:.2f}s", flush=True)
slow.close()
r.config_set("client-output-buffer-limit", "pubsub 32mb 8mb 60")

# --- churn --------------------------------------------------------------------
stop = threading.Event()


def churn():
    while not stop.is_set():
        p = client().pubsub()
        p.subscribe("churn")
        p.get_message(timeout=0.01)
        p.close()


churners = [threading.Thread(target=churn) for _ in range(3)]
for t in churners:
    t.start()
for i in range(2000):
    r.publish("churn", str(i))
stop.set()
for t in churners:
    t.join(30)
for p in subs + [fast]:
    p.close()
for _ in range(100):
    if r.pubsub_numsub("churn", "inval.users", "big") == [(b"churn", 0), (b"inval.users", 0),
                                                          (b"big", 0)]:
        break
    time.sleep(0.05)
check(r.pubsub_numsub("churn", "inval.users", "big") ==
      [(b"churn", 0), (b"inval.users", 0), (b"big", 0)], "subscriptions left after clients closed")
check(r.pubsub_numpat() == 0, "patterns left after clients closed")
check(r.ping(), "server answers after the churn")


def raw(sock, *args):
    sock.sendall(b"".join([b"*%d\r\n" % len(args)] +
                          [b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in args]))


def read_all(sock, quiet=0.3):
    """Every byte the server sends until it is quiet for `quiet` seconds."""
    sock.settimeout(quiet)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    return data


r.config_set("notify-keyspace-events", "KEA")
listeners = [socket.create_connection(("127.0.0.1", PORT), timeout=10) for _ in range(2)]
watcher = listeners[1]  # the second connection: the other I/O thread
raw(watcher, "CLIENT", "REPLY", "OFF")
raw(watcher, "PSUBSCRIBE", "__key*@5__:*")
raw(watcher, "PING")  # silenced in subscribed mode too
check(read_all(watcher) == b"*3\r\n$10\r\npsubscribe\r\n$12\r\n__key*@5__:*\r\n:1\r\n",
      "PSUBSCRIBE confirmed under CLIENT REPLY OFF, PING silenced")
writer = redis.Redis(port=PORT, db=5)
writer.rpush("jobs", "a")
writer.lpop("jobs")
got = read_all(watcher)
expected = [b"__keyspace@5__:jobs", b"rpush", b"__keyevent@5__:rpush", b"__keyspace@5__:jobs",
            b"lpop", b"__keyevent@5__:lpop", b"__keyspace@5__:jobs", b"del",
            b"__keyevent@5__:del"]
at = 0
for e in expected:  # each after the one before
    at = got.find(e, at) if at >= 0 else -1
check(at >= 0, f"keyspace events in order across threads: {got!r}")
r.config_set("notify-keyspace-events", "")
quiet = listeners[0]
raw(quiet, "CLIENT", "REPLY", "SKIP")
raw(quiet, "SET", "skipped", "1")
raw(quiet, "GET", "skipped")
raw(quiet, "CLIENT", "REPLY", "ON")
check(read_all(quiet) == b"$1\r\n1\r\n+OK\r\n", "CLIENT REPLY SKIP skips one reply")
for sock in listeners:
    sock.close()

print("ok: pub/sub clients" if not failures else f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
