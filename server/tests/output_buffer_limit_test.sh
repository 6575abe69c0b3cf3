#!/usr/bin/env bash
# server/tests/output_buffer_limit_test.sh SERVER CLI
# client-output-buffer-limit and client-query-buffer-limit: a slow reader, one
# huge reply and an oversized request each get their client disconnected, with
# a log line naming the client and the limit; the server keeps serving others.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
start_server --threads 2
timeout 200 "$PY" "$(dirname "$0")/output_buffer_limit_test.py" "$PORT" || fail "buffer limits"
expect "output limit disconnections logged" "3" \
  "$(grep -c 'for overcoming of output buffer limits: .* client-output-buffer-limit normal' "$SERVER_LOG")"
grep -q 'Closing client id=[0-9]* addr=127.0.0.1:[0-9]* name=slow-reader for overcoming' "$SERVER_LOG" \
  && pass "the log names the client" || fail "the log does not name the client"
grep -q 'query buffer of [0-9]* bytes over client-query-buffer-limit' "$SERVER_LOG" \
  && pass "query buffer disconnection logged" || fail "no log line for the query buffer limit"
check_server_clean
finish
