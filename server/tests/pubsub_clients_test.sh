#!/usr/bin/env bash
# server/tests/pubsub_clients_test.sh SERVER CLI
# Runs pubsub_clients_test.py (python3-redis) against a real server with two
# I/O threads: delivery across threads in order, a slow subscriber closed by
# the pubsub output limit, subscribers that come and go during a publish load.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
start_server --threads 2
timeout 240 "$PY" "$(dirname "$0")/pubsub_clients_test.py" "$PORT" || fail "pub/sub clients"
check_server_clean
finish
