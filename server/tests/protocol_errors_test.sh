#!/usr/bin/env bash
# server/tests/protocol_errors_test.sh SERVER CLI
# Protocol garbage and limits: error reply, then close; the server carries on.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
start_server --threads 2
timeout 120 "$PY" "$(dirname "$0")/protocol_errors_test.py" "$PORT" || fail "protocol error checks"
check_server_clean
finish
