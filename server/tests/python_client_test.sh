#!/usr/bin/env bash
# server/tests/python_client_test.sh SERVER CLI
# Runs python_client_test.py (python3-redis) against a real server.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
start_server --threads 2
timeout 240 "$PY" "$(dirname "$0")/python_client_test.py" "$PORT" || fail "python3-redis checks"
check_server_clean
finish
