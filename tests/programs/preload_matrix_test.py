"""Real programs that nobody here wrote, run under `lockgraph preload` with
graph_out and the watchdog on: each must start, serve a bounded load, exit on
SIGINT or SHUTDOWN, write a graph file that `lockgraph check` accepts, and
report nothing (a report here would be false: these programs do not deadlock).

Usage: preload_matrix_test.py PROGRAM LOCKGRAPH_CLI WORKDIR [SERVER_OR_BINARY]
  PROGRAM: memcached | redis-server | nutcracker | kv_pool
  SERVER_OR_BINARY: cacheforge-server (nutcracker's backends), or kv_pool's path
Exit status 77 (skipped) when PROGRAM is not installed.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "server", "tests"))
import server_testlib as testlib  # noqa: E402
from server_testlib import check, failures  # noqa: E402

PROGRAM, CLI, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
EXTRA = sys.argv[4] if len(sys.argv) > 4 else None
GRAPH = os.path.join(WORK, f"{PROGRAM}.graph.json")
LOG = os.path.join(WORK, f"{PROGRAM}.log")
# Generous: a hang is what this catches, not a slow exit.
EXIT_LIMIT_S = 30


def wait_for_port(port, proc, limit_s=30):
    deadline = time.time() + limit_s
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def start_preloaded(argv, port):
    env = dict(os.environ)
    env["LOCKGRAPH_OPTIONS"] = f"graph_out={GRAPH}:watchdog=1:on_deadlock=report"
    proc = subprocess.Popen([CLI, "preload", "--", *argv], env=env, stdout=open(LOG, "w"),
                            stderr=subprocess.STDOUT)
    up = wait_for_port(port, proc)
    check(f"{PROGRAM} starts under lockgraph preload and listens", up, log_tail())
    if not up:
        stop(proc, signal.SIGKILL)
        finish()
    return proc


def log_tail(lines=30):
    try:
        with open(LOG, errors="replace") as f:
            return "\n--- log ---\n" + "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def stop(proc, how):
    """Stops with a signal, or runs `how` (a callable) to ask for shutdown.
    Returns the exit status, or None when the process hung (then it is
    captured with lockgraph capture, for the log, and killed)."""
    if callable(how):
        how()
    else:
        proc.send_signal(how)
    try:
        return proc.wait(timeout=EXIT_LIMIT_S)
    except subprocess.TimeoutExpired:
        dump = subprocess.run([CLI, "capture", "--pid", str(proc.pid)], capture_output=True,
                              text=True, timeout=120)
        print(dump.stdout[-20000:], flush=True)
        proc.kill()
        proc.wait()
        return None


def check_exit_and_graph(status, expected_status, nested_locks):
    check(f"{PROGRAM} exits when asked (no hang at exit)", status is not None, log_tail())
    if status is not None:
        check(f"{PROGRAM} exit status is {expected_status}", status == expected_status,
              f"got {status}{log_tail()}")
    with open(LOG, errors="replace") as f:
        reports = [line for line in f if line.startswith("lockgraph: ") and
                   not line.startswith("lockgraph: note:")]
    check(f"{PROGRAM}: lockgraph reports nothing", not reports, "".join(reports[:20]))
    if not os.path.exists(GRAPH):
        check(f"{PROGRAM} writes its graph file at exit", False, log_tail())
        return
    try:
        with open(GRAPH) as f:
            graph = json.load(f)
    except ValueError as e:
        check(f"{PROGRAM}: the graph file is JSON", False, str(e))
        return
    check(f"{PROGRAM}: the graph file has classes, edges and cycles",
          all(k in graph for k in ("classes", "edges", "cycles")), str(list(graph)))
    if nested_locks:
        check(f"{PROGRAM}: the graph holds the lock orders the program took",
              len(graph.get("edges", [])) > 0, json.dumps(graph.get("stats")))
    result = subprocess.run([CLI, "check", GRAPH], capture_output=True, text=True, timeout=120)
    check(f"{PROGRAM}: lockgraph check accepts the graph (exit 0)", result.returncode == 0,
          f"exit {result.returncode}: {result.stdout[-3000:]}{result.stderr[-2000:]}")
    return graph


def run_memcached():
    port = testlib.free_port()
    argv = ["memcached", "-t", "4", "-p", str(port), "-U", "0", "-l", "127.0.0.1", "-m", "64"]
    if os.geteuid() == 0:
        argv += ["-u", "root"]
    proc = start_preloaded(argv, port)
    load = subprocess.run(["memcslap", f"--servers=127.0.0.1:{port}", "--concurrency=8",
                           "--execute-number=2000"], capture_output=True, text=True, timeout=300)
    check("memcslap load completes", load.returncode == 0 and "Time total" in load.stdout,
          load.stdout[-2000:] + load.stderr[-2000:])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"set matrix 0 0 5\r\nhello\r\nget matrix\r\n")
        reply = b""
        while b"END\r\n" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    check("memcached serves a set and a get", b"VALUE matrix 0 5\r\nhello\r\n" in reply,
          repr(reply))
    status = stop(proc, signal.SIGINT)
    check_exit_and_graph(status, 0, nested_locks=True)


def run_redis_server():
    import redis
    port = testlib.free_port()
    proc = start_preloaded(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                            "--io-threads", "2", "--io-threads-do-reads", "yes", "--save", "",
                            "--appendonly", "no", "--dir", WORK], port)
    load = subprocess.run(["redis-benchmark", "-p", str(port), "-n", "5000", "-c", "8", "-q",
                           "-t", "set,get,incr,lpush,lpop"], capture_output=True, text=True,
                          timeout=300)
    check("redis-benchmark load completes", load.returncode == 0 and "LPOP" in load.stdout,
          load.stdout[-2000:] + load.stderr[-2000:])
    client = redis.Redis(port=port, socket_timeout=30)
    client.set("matrix", "hello")
    check("redis-server serves a SET and a GET", client.get("matrix") == b"hello")

    def shutdown():
        try:
            client.shutdown(nosave=True)
        except redis.exceptions.ConnectionError:
            pass  # the server closes the connection as it exits
    status = stop(proc, shutdown)
    check_exit_and_graph(status, 0, nested_locks=True)


def run_nutcracker():
    import redis
    backends = [testlib.Server(EXTRA, os.path.join(WORK, f"backend{i}")) for i in range(2)]
    port, stats_port = testlib.free_port(), testlib.free_port()
    conf = os.path.join(WORK, "nutcracker.yml")
    with open(conf, "w") as f:
        f.write(f"cacheforge:\n  listen: 127.0.0.1:{port}\n  hash: fnv1a_64\n"
                "  distribution: ketama\n  redis: true\n  auto_eject_hosts: false\n"
                "  timeout: 5000\n  servers:\n")
        for i, b in enumerate(backends):
            f.write(f"   - 127.0.0.1:{b.port}:1 b{i}\n")
    proc = start_preloaded(["nutcracker", "-c", conf, "-s", str(stats_port), "-a", "127.0.0.1",
                            "-o", os.path.join(WORK, "nutcracker.out")], port)
    client = redis.Redis(port=port, socket_timeout=30)
    for i in range(2000):
        client.set(f"key:{i}", f"value:{i}")
    values = [client.get(f"key:{i}") for i in range(2000)]
    check("nutcracker proxies 2,000 SETs and GETs",
          all(v == f"value:{i}".encode() for i, v in enumerate(values)))
    sizes = [b.client.dbsize() for b in backends]
    check("the keys are spread over both cacheforge backends", all(n > 0 for n in sizes),
          str(sizes))
    # nutcracker exits with status 1 on SIGINT by design (nc_signal.c).
    status = stop(proc, signal.SIGINT)
    check_exit_and_graph(status, 1, nested_locks=False)
    for b in backends:
        b.shutdown()


def run_kv_pool():
    port = testlib.free_port()
    proc = start_preloaded([EXTRA, str(port), "4"], port)
    errors = []

    def client(n):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                f = s.makefile("rw")
                for i in range(300):
                    f.write(f"SET k{n}.{i} v{i}\nGET k{n}.{i}\n")
                    f.flush()
                    if f.readline() != "OK\n" or f.readline() != f"VALUE v{i}\n":
                        errors.append(f"client {n} request {i}")
                        return
        except OSError as e:
            errors.append(str(e))
    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check("kv_pool serves 8 clients x 300 SET+GET", not errors, str(errors[:5]))
    status = stop(proc, signal.SIGINT)
    graph = check_exit_and_graph(status, 0, nested_locks=True)
    if graph:
        # Store::Set takes the store's shared_mutex, then the stats mutex: the
        # preload library must have seen that order, named after kv_pool.cc.
        named = [e for e in graph["edges"]
                 if any("kv_pool.cc" in (fr.get("file") or "") for fr in e.get("stack", []))]
        check("kv_pool: the store -> stats order is recorded with kv_pool.cc in its stack",
              bool(named), json.dumps(graph["edges"])[:3000])


def finish():
    print(f"{PROGRAM}: {len(failures)} failure(s)" if failures else f"{PROGRAM}: all passed",
          flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    needs = {"memcached": ["memcached", "memcslap"], "redis-server": ["redis-server",
             "redis-benchmark"], "nutcracker": ["nutcracker"], "kv_pool": []}[PROGRAM]
    missing = [n for n in needs if shutil.which(n) is None]
    if missing:
        print(f"not installed: {' '.join(missing)}: skipping")
        sys.exit(77)
    {"memcached": run_memcached, "redis-server": run_redis_server,
     "nutcracker": run_nutcracker, "kv_pool": run_kv_pool}[PROGRAM]()
    finish()
