"""Shared by the Python integration tests: a cacheforge-server process on a free
loopback port with its own directory, and pass/fail bookkeeping."""
import os
import signal
import socket
import subprocess
import sys
import time

import redis

failures = []


def check(name, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + name + ("" if ok else f" {detail}"), flush=True)
    if not ok:
        failures.append(name)


def check_equal(name, want, got):
    check(name, want == got, f"want {want!r} got {got!r}")


def finish():
    """Exits: 1 after naming how many checks failed, else 0."""
    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        sys.exit(1)
    print("all checks passed", flush=True)
    sys.exit(0)


def wait_until(predicate, timeout_s=30, step_s=0.02):
    """Polls `predicate` until it is true or `timeout_s` passed; its last value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step_s)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """cacheforge-server in `directory` (its --dir), started with `flags`."""

    def __init__(self, binary, directory, *flags, port=None, expect_start=True):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.port = port or free_port()
        self.log_path = os.path.join(directory, f"server.{self.port}.log")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", directory,
             "--threads", "2", *flags],
            stdout=open(self.log_path, "a"), stderr=subprocess.STDOUT)
        self.client = redis.Redis(port=self.port, socket_timeout=30)
        if not expect_start:
            return
        for _ in range(200):
            try:
                if self.client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
            if self.proc.poll() is not None:
                break
        raise RuntimeError("server did not start:\n" + self.log())

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def lockgraph_reports(self):
        return [l for l in self.log().splitlines() if l.startswith("lockgraph: ")]

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def shutdown(self):
        try:
            self.client.shutdown()
        except redis.exceptions.ConnectionError:
            pass
        return self.proc.wait(timeout=60)

    def wait_rewrite(self, rewrites_before):
        for _ in range(600):
            info = self.client.info("persistence")
            if not info["aof_rewrite_in_progress"] and info["aof_rewrites"] > rewrites_before:
                return info
            time.sleep(0.05)
        raise RuntimeError("rewrite did not finish")
