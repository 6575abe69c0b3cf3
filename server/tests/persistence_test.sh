#!/usr/bin/env bash
# server/tests/persistence_test.sh SERVER CHECK_AOF
# The append-only file end to end: kill -9, rewrite under load, damaged files.
SERVER=$1 CHECK_AOF=$2
PY=/usr/bin/python3
WORK=$(mktemp -d)
trap 'pkill -9 -f -- "--dir $WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
timeout 600 "$PY" "$(dirname "$0")/persistence_test.py" "$SERVER" "$CHECK_AOF" "$WORK"
