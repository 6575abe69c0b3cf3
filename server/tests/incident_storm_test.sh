#!/usr/bin/env bash
# server/tests/incident_storm_test.sh SERVER CLI
# The incident, replayed: concurrent SET and DEL storms against a server in
# lockgraph abort mode (set by ctest), first from python3-redis clients with
# multi-key commands, then from many concurrent cacheforge-cli processes as in
# the original reproduction. Any lock-order inversion aborts the server.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
start_server --threads 2
timeout 240 "$PY" "$(dirname "$0")/incident_storm_test.py" "$PORT" || fail "client storm"

# The original reproduction: one process per command, SETs and DELs at once
# (bounded: 300 + 300 processes, at most 40 in flight per side).
run_side() {
  local verb=$1
  for i in $(seq 1 300); do
    if [[ $verb == SET ]]; then "$CLI" -p "$PORT" SET "key_$i" "value_$i" >/dev/null &
    else "$CLI" -p "$PORT" DEL "key_$i" >/dev/null &
    fi
    (( i % 40 == 0 )) && wait
  done
  wait
}
run_side SET & set_pid=$!
run_side DEL & del_pid=$!
timeout 120 bash -c "while kill -0 $set_pid 2>/dev/null || kill -0 $del_pid 2>/dev/null; do sleep 0.2; done" \
  && pass "cacheforge-cli SET/DEL storm finished" || fail "cacheforge-cli storm did not finish"
expect "PING after the storms" "PONG" "$("$CLI" -p "$PORT" PING)"
check_server_clean
finish
