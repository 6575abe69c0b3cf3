#!/usr/bin/env bash
# server/tests/memory_accounting_test.sh SERVER CLI
# INFO memory's used_memory is accurate: a pipelined load of 1,000,000 keys
# grows it within 10% of how much the process's RSS grew.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
# Under AddressSanitizer or ThreadSanitizer RSS also holds shadow memory and
# quarantined blocks, so it says nothing about the heap: nothing to compare.
if grep -qaE '__asan_init|__tsan_init' "$SERVER"; then
  echo "skipped: sanitizer build (RSS includes the sanitizer's shadow memory)"
  exit 0
fi
start_server --threads 2
timeout 280 "$PY" "$(dirname "$0")/memory_accounting_test.py" "$PORT" || fail "used_memory vs RSS"
check_server_clean
finish
