#!/usr/bin/env bash
# server/tests/eviction_policies_test.sh SERVER CLI
# Every maxmemory-policy against a real server: a bounded load of five times
# a small maxmemory keeps used_memory near the limit and evicts the right keys.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
start_server --threads 2
timeout 280 "$PY" "$(dirname "$0")/eviction_policies_test.py" "$PORT" || fail "eviction policies"
grep -q "WARNING: the new maxmemory value set via CONFIG SET" "$SERVER_LOG" \
  && pass "lowering maxmemory below usage is logged" || fail "no log line for lowered maxmemory"
check_server_clean
finish
