"""Blocking commands against a real server, as applications use them.

- A job queue: 4 producers LPUSH 2,000 jobs while 6 workers BRPOP with a
  timeout; every job is taken exactly once, and the workers all end.
- A waiter on one I/O thread is woken by a push from a client on the other
  (the server has 2 threads; clients are spread over both), and commands the
  waiter pipelined behind its BLPOP run after it, in order.
- A waiting client that disconnects, or is killed with CLIENT KILL, takes
  nothing: the next push stays in the list; INFO's blocked_clients returns to
  0.
- A wait with a timeout answers a null array; BLMOVE chains move an element
  through three lists.

Usage: blocking_clients_test.py PORT
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


def wait_blocked(r, n, what):
    for _ in range(500):
        if r.info("clients")["blocked_clients"] == n:
            return True
        time.sleep(0.01)
    check(False, f"{what}: blocked_clients never reached {n}")
    return False


r = client()
r.flushall()

# --- job queue ---------------------------------------------------------------
JOBS, PRODUCERS, WORKERS = 2000, 4, 6
taken = []
taken_lock = threading.Lock()


def producer(p):
    c = client()
    for i in range(p, JOBS, PRODUCERS):
        c.lpush("jobs", f"job-{i}")


def worker():
    c = client()
    mine = []
    while True:
        got = c.brpop(["jobs"], timeout=1)
        if got is None:
            break
        mine.append(got[1].decode())
    with taken_lock:
        taken.extend(mine)


workers = [threading.Thread(target=worker) for _ in range(WORKERS)]
for t in workers:
    t.start()
producers = [threading.Thread(target=producer, args=(p,)) for p in range(PRODUCERS)]
for t in producers:
    t.start()
for t in producers + workers:
    t.join(timeout=120)
check(not any(t.is_alive() for t in producers + workers), "job queue threads hung")
check(len(taken) == JOBS, f"job queue: {len(taken)} jobs taken, {JOBS} pushed")
check(len(set(taken)) == len(taken), "job queue: a job was taken twice")
check(r.llen("jobs") == 0, "job queue: jobs left over")

# --- a waiter with pipelined commands behind it ---------------------------------
s = socket.create_connection(("127.0.0.1", PORT))
s.sendall(b"BLPOP q 0\r\nSET after blpop\r\nGET after\r\n")
wait_blocked(r, 1, "pipelined waiter")
check(r.get("after") is None, "a command behind a waiting BLPOP ran before it")
pushers = [client() for _ in range(4)]  # some land on the other I/O thread
pushers[3].rpush("q", "v")
data = b""
s.settimeout(10)
while data.count(b"\r\n") < 7:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
check(data == b"*2\r\n$1\r\nq\r\n$1\r\nv\r\n+OK\r\n$5\r\nblpop\r\n",
      f"pipelined waiter got {data!r}")
s.close()

# --- disconnect and CLIENT KILL take nothing --------------------------------------
gone = socket.create_connection(("127.0.0.1", PORT))
gone.sendall(b"BLPOP keep 0\r\n")
wait_blocked(r, 1, "disconnecting waiter")
gone.close()
wait_blocked(r, 0, "after the disconnect")
killed = client()
killed_id = killed.client_id()
done = threading.Event()
result = []


def killed_wait():
    try:
        result.append(killed.blpop(["keep"], timeout=0))
    except redis.ConnectionError as e:
        result.append(e)
    done.set()


threading.Thread(target=killed_wait).start()
wait_blocked(r, 1, "waiter to kill")
check(f"id={killed_id} " in r.execute_command("CLIENT", "LIST").decode()
      and "flags=b" in r.execute_command("CLIENT", "LIST").decode(), "CLIENT LIST flags=b")
check(r.client_kill_filter(_id=killed_id) == 1, "CLIENT KILL of a waiting client")
done.wait(10)
check(result and isinstance(result[0], redis.ConnectionError),
      f"a killed waiter got {result!r}")
wait_blocked(r, 0, "after CLIENT KILL")
r.rpush("keep", "stays")
check(r.lrange("keep", 0, -1) == [b"stays"], "an element went to a client that was gone")

# --- timeout and a BLMOVE chain ----------------------------------------------
check(client().blpop(["never"], timeout=0.2) is None, "BLPOP timeout did not answer nil")
a, b = client(), client()
res = {}
ta = threading.Thread(target=lambda: res.setdefault("a", a.blmove("c1", "c2", 5)))
tb = threading.Thread(target=lambda: res.setdefault("b", b.blmove("c2", "c3", 5)))
ta.start()
tb.start()
wait_blocked(r, 2, "BLMOVE chain")
r.rpush("c1", "link")
ta.join(10)
tb.join(10)
check(res == {"a": b"link", "b": b"link"}, f"BLMOVE chain answered {res!r}")
check(r.lrange("c3", 0, -1) == [b"link"] and r.exists("c1", "c2") == 0,
      "BLMOVE chain: the element is not at the end of the chain")

print("ok: blocking clients" if not failures else f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
