#!/usr/bin/env bash
# server/tests/shutdown_test.sh SERVER CLI
# SIGTERM and SHUTDOWN: stop accepting, finish the replies already produced
# (the python part checks them under a large pending pipelined load), exit 0;
# the drain is bounded by shutdown-timeout, cut short by NOW or a second
# signal; new clients are refused while it runs.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"

for mode in sigterm shutdown; do
  start_server --threads 2
  timeout 300 "$PY" "$(dirname "$0")/shutdown_test.py" "$PORT" "$SERVER_PID" "$mode" \
    || fail "$mode: pending replies under load"
  wait_exit "$SERVER_PID"; expect "$mode: exit status" "0" "$EXIT_STATUS"
  grep -q '^lockgraph: ' "$SERVER_LOG" && fail "$mode: lockgraph report: $(cat "$SERVER_LOG")"
done

# A client that never reads: pipelined GETs of a 1 MB value, the reading side
# stalled. Starts it in the background and waits until the server owes it.
stalled_client() {
  "$PY" - "$PORT" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$1048576\r\n" + b"x" * 1048576 + b"\r\n")
s.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 64)
time.sleep(600)  # never reads; killed by the test
PY
  STALLED_PID=$!
  SERVER_PIDS+=("$STALLED_PID")
  for _ in $(seq 200); do
    redis-cli -p "$PORT" CLIENT LIST | grep -q 'cmd=get' && break; sleep 0.05
  done
}

# shutdown-timeout bounds the drain: the stalled client is cut off, exit 0.
start_server --threads 1 --shutdown-timeout 1
stalled_client
redis-cli -p "$PORT" SHUTDOWN >/dev/null 2>&1
wait_exit "$SERVER_PID"; expect "shutdown-timeout 1: exit status" "0" "$EXIT_STATUS"
grep -q "closing 1 client(s) that did not read their replies" "$SERVER_LOG" \
  && pass "the stalled client was cut off and logged" || fail "no cut-off line: $(cat "$SERVER_LOG")"
kill "$STALLED_PID" 2>/dev/null

# SHUTDOWN NOW does not wait at all, even with a long shutdown-timeout.
start_server --threads 1 --shutdown-timeout 3600
stalled_client
redis-cli -p "$PORT" SHUTDOWN NOW >/dev/null 2>&1
wait_exit "$SERVER_PID"; expect "SHUTDOWN NOW: exit status" "0" "$EXIT_STATUS"
kill "$STALLED_PID" 2>/dev/null

# A second SIGTERM cuts a long drain short; meanwhile new clients are refused.
start_server --threads 2 --shutdown-timeout 3600
stalled_client
kill -TERM "$SERVER_PID"
# Polled for up to 30 s: a sanitizer build on a busy machine can be slow to get there.
for _ in $(seq 600); do grep -q "finishing replies to" "$SERVER_LOG" && break; sleep 0.05; done
grep -q "finishing replies to 1 client" "$SERVER_LOG" && pass "drain started" \
  || fail "drain not logged: $(cat "$SERVER_LOG")"
refused=no
for _ in $(seq 50); do
  if ! "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), timeout=2)" 2>/dev/null; then
    refused=yes; break
  fi
  sleep 0.1
done
expect "new clients are refused while draining" "yes" "$refused"
kill -0 "$SERVER_PID" 2>/dev/null && pass "still draining after the first signal" \
  || fail "exited without draining"
kill -TERM "$SERVER_PID"
wait_exit "$SERVER_PID"; expect "second SIGTERM: exit status" "0" "$EXIT_STATUS"
grep -q "during shutdown: not waiting for clients" "$SERVER_LOG" && pass "second signal logged" \
  || fail "second signal not logged"
kill "$STALLED_PID" 2>/dev/null

# SHUTDOWN needs AUTH when a password is set.
start_server --threads 1 --requirepass hunter2
expect "SHUTDOWN without AUTH" "NOAUTH Authentication required." \
  "$(redis-cli -p "$PORT" SHUTDOWN 2>&1)"
kill -0 "$SERVER_PID" 2>/dev/null && pass "still running" || fail "an unauthenticated SHUTDOWN stopped it"
redis-cli -p "$PORT" --no-auth-warning -a hunter2 SHUTDOWN >/dev/null 2>&1
wait_exit "$SERVER_PID"; expect "SHUTDOWN after AUTH: exit status" "0" "$EXIT_STATUS"
finish
