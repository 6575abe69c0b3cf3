#!/usr/bin/env bash
# server/tests/metrics_test.sh SERVER CLI
# metrics-port: /metrics, /healthz and the HTTP responder's defences (the
# python part), the setting's startup errors, and the port off by default.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
MPORT=$(free_port)
start_server --threads 2 --metrics-port "$MPORT"
# The log line may reach the file just after the server answers PING.
for _ in $(seq 100); do grep -q "Metrics on" "$SERVER_LOG" && break; sleep 0.05; done
grep -q "Metrics on http://127.0.0.1:$MPORT/metrics" "$SERVER_LOG" && pass "metrics port logged" \
  || fail "no metrics line: $(cat "$SERVER_LOG")"
timeout 240 "$PY" "$(dirname "$0")/metrics_test.py" "$PORT" "$MPORT" || fail "metrics checks"
check_server_clean
expect "metrics-port is not a runtime setting" \
  "ERR CONFIG SET failed (possibly related to argument 'metrics-port') - can't set immutable config" \
  "$(redis-cli -p "$PORT" CONFIG SET metrics-port 1 2>&1)"
redis-cli -p "$PORT" SHUTDOWN >/dev/null 2>&1; wait_exit "$SERVER_PID"
expect "exit status with the metrics port open" "0" "$EXIT_STATUS"

# Off by default: nothing listens on the port that was used above.
start_server --threads 1
"$PY" -c "import socket; socket.create_connection(('127.0.0.1', $MPORT), timeout=5)" 2>/dev/null \
  && fail "something listens on the metrics port without metrics-port" \
  || pass "no metrics port by default"
# A metrics port that is taken stops startup with a message naming the setting.
out=$(timeout 10 "$SERVER" --port "$(free_port)" --metrics-port "$PORT" 2>&1); rc=$?
if ((rc == 1)) && grep -q "metrics-port: could not create server TCP listening socket" <<<"$out"; then
  pass "taken metrics port stops startup"; else fail "taken metrics port: rc=$rc out=$out"; fi
out=$(timeout 10 "$SERVER" --metrics-port 70000 2>&1); rc=$?
if ((rc == 1)) && grep -q "bad value '70000' for --metrics-port: argument must be between 0 and 65535" <<<"$out"; then
  pass "bad metrics port"; else fail "bad metrics port: rc=$rc out=$out"; fi
check_server_clean
finish
