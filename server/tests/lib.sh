# server/tests/lib.sh
# Shared by the integration tests: start cacheforge-server on a free loopback
# port, wait until it answers, and always kill it (and anything else started)
# when the test exits. Source it after setting SERVER and CLI.
set -u
PY=/usr/bin/python3   # Debian's python3 with python3-redis
WORK=$(mktemp -d)
SERVER_PIDS=()
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do { kill -9 "$pid" && wait "$pid"; } 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
# expect NAME WANT GOT
expect() {
  if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: want [$2] got [$3]"; fi
}
free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# start_server [extra flags...]: sets PORT, SERVER_PID and SERVER_LOG.
start_server() {
  PORT=$(free_port)
  SERVER_LOG="$WORK/server.$PORT.log"
  "$SERVER" --port "$PORT" --bind 127.0.0.1 --dir "$WORK" "$@" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do
    # NOAUTH also means it is up (started with --requirepass).
    if redis-cli -p "$PORT" PING 2>/dev/null | grep -qE 'PONG|NOAUTH'; then return 0; fi
    sleep 0.05
  done
  echo "server did not start:"; cat "$SERVER_LOG"; exit 1
}
# The server must still be alive and lockgraph must have reported nothing.
check_server_clean() {
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    fail "server process died"; cat "$SERVER_LOG"; return
  fi
  if grep -q '^lockgraph: ' "$SERVER_LOG"; then
    fail "lockgraph reported a problem"; cat "$SERVER_LOG"; return
  fi
  pass "server alive, no lockgraph report"
}
# wait_exit PID: waits (bounded, 60 s) for a server to exit; sets EXIT_STATUS
# to its status, or to "still-running".
wait_exit() {
  for _ in $(seq 600); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$1" 2>/dev/null; then EXIT_STATUS=still-running; return; fi
  wait "$1"
  EXIT_STATUS=$?
}
finish() {
  if ((FAILS > 0)); then echo "$FAILS check(s) failed"; exit 1; fi
  echo "all checks passed"
}
