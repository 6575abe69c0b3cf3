#!/usr/bin/env bash
# server/tests/connection_limits_test.sh SERVER CLI
# maxclients and RLIMIT_NOFILE, EMFILE without spinning, no descriptor leaks
# over 10,000 connections, SO_REUSEADDR restarts past TIME_WAIT, the idle
# client timeout and tcp-keepalive. The socket work is in the python part.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
REAL_SERVER=$SERVER
T="$(dirname "$0")/connection_limits_test.py"
step() { timeout 300 "$PY" "$T" "$PORT" "$SERVER_PID" "$@" || fail "step $*"; }

# with_nofile SOFT:HARD: later start_server calls run the server under that
# descriptor limit (prlimit execs it, so SERVER_PID stays the server's).
with_nofile() {
  printf '#!/bin/sh\nexec prlimit --nofile=%s %q "$@"\n' "$1" "$REAL_SERVER" >"$WORK/limited"
  chmod +x "$WORK/limited"
  SERVER="$WORK/limited"
}

# Clamped: 100 descriptors, 34 reserved (32 + an epoll and an eventfd for the
# one loop) leave 66 clients; one log line says so and how to raise it.
with_nofile 100:100
start_server --threads 1
expect "maxclients clamped" $'maxclients\n66' "$(redis-cli -p "$PORT" CONFIG GET maxclients)"
expect "one clamp line" "1" "$(grep -c 'maxclients lowered from 10000 to 66: the open files limit is 100' "$SERVER_LOG")"
grep -q "raise 'ulimit -n'" "$SERVER_LOG" && pass "the line says how to fix it" || fail "no hint"
step maxclients 66
check_server_clean
redis-cli -p "$PORT" SHUTDOWN >/dev/null 2>&1; wait_exit "$SERVER_PID"

# Raised: a soft limit of 64 is raised toward the hard one as far as needed.
with_nofile 64:5000
start_server --threads 1 --maxclients 1000
expect "soft limit raised to maxclients + reserve" "1034 5000" \
  "$(awk '/Max open files/ {print $4, $5}' "/proc/$SERVER_PID/limits")"
expect "maxclients kept" $'maxclients\n1000' "$(redis-cli -p "$PORT" CONFIG GET maxclients)"
expect "CONFIG SET within the hard limit" "OK" "$(redis-cli -p "$PORT" CONFIG SET maxclients 4966)"
expect "CONFIG SET past it" "ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with 4966" \
  "$(redis-cli -p "$PORT" CONFIG SET maxclients 5000 2>&1)"
expect "refused value not stored" $'maxclients\n4966' "$(redis-cli -p "$PORT" CONFIG GET maxclients)"
redis-cli -p "$PORT" SHUTDOWN >/dev/null 2>&1; wait_exit "$SERVER_PID"

# Too few descriptors for even one client: a clear refusal to start.
out=$(timeout 10 prlimit --nofile=20:20 "$REAL_SERVER" --port "$(free_port)" --threads 1 2>&1); rc=$?
if ((rc == 1)) && grep -q "leaves no descriptor for clients: at least 35 are needed" <<<"$out"; then
  pass "too low a limit stops startup"; else fail "too low a limit: rc=$rc out=$out"; fi
SERVER=$REAL_SERVER

# EMFILE: the soft limit is lowered under the running server.
start_server --threads 2 --hz 10
step emfile "$SERVER_LOG"
check_server_clean
redis-cli -p "$PORT" SHUTDOWN >/dev/null 2>&1; wait_exit "$SERVER_PID"

# 10,000 connections opened and dropped (closed, reset, mid-command, after a
# protocol error, owed output): the descriptor count returns to where it was.
start_server --threads 2
step leak
check_server_clean

# tcp-keepalive: 300 by default, as set; 0 turns it off for new clients.
step keepalive 300
expect "CONFIG SET tcp-keepalive" "OK" "$(redis-cli -p "$PORT" CONFIG SET tcp-keepalive 60)"
step keepalive 60
expect "CONFIG SET tcp-keepalive 0" "OK" "$(redis-cli -p "$PORT" CONFIG SET tcp-keepalive 0)"
step keepalive 0

# timeout: idle clients are closed, busy ones kept.
expect "CONFIG SET timeout" "OK" "$(redis-cli -p "$PORT" CONFIG SET timeout 2)"
step timeout
check_server_clean

# SO_REUSEADDR: clients are connected when the server stops, so its ends of
# those connections sit in TIME_WAIT; a new server binds the port at once.
"$PY" "$T" "$PORT" "$SERVER_PID" hold 20 >"$WORK/hold.out" 2>&1 &
hold_pid=$!
for _ in $(seq 200); do grep -q "holding" "$WORK/hold.out" && break; sleep 0.05; done
redis-cli -p "$PORT" SHUTDOWN >/dev/null 2>&1; wait_exit "$SERVER_PID"
wait "$hold_pid"
port_hex=$(printf '%04X' "$PORT")
time_wait=$(awk -v p=":$port_hex" '$2 ~ p"$" && $4 == "06"' /proc/net/tcp | wc -l)
((time_wait > 0)) && pass "the old server left $time_wait connections in TIME_WAIT" \
  || fail "no TIME_WAIT on port $PORT: the restart below proves nothing"
SERVER_LOG="$WORK/restart.log"
"$SERVER" --port "$PORT" --bind 127.0.0.1 --dir "$WORK" --threads 1 >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
SERVER_PIDS+=("$SERVER_PID")
up=no
for _ in $(seq 100); do
  redis-cli -p "$PORT" PING 2>/dev/null | grep -q PONG && { up=yes; break; }
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.05
done
expect "restart on the same port right away" "yes" "$up"
grep -q "could not create server TCP listening socket" "$SERVER_LOG" && fail "$(cat "$SERVER_LOG")"
check_server_clean
finish
