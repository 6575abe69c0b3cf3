#!/usr/bin/env bash
# server/tests/blocking_clients_test.sh SERVER CLI
# Runs blocking_clients_test.py (python3-redis) against a real server with two
# I/O threads: waits woken from the other thread, a job queue, disconnects and
# CLIENT KILL of waiting clients.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
start_server --threads 2
timeout 240 "$PY" "$(dirname "$0")/blocking_clients_test.py" "$PORT" || fail "blocking clients"
check_server_clean
finish
