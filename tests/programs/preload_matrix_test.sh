#!/usr/bin/env bash
# tests/programs/preload_matrix_test.sh PROGRAM LOCKGRAPH_CLI [SERVER_OR_BINARY]
# One program of the preload matrix (preload_matrix_test.py), in its own
# directory; every process left behind is killed.
set -u
WORK=$(mktemp -d)
trap 'pkill -9 -f -- "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
timeout 600 /usr/bin/python3 "$(dirname "$0")/preload_matrix_test.py" "$1" "$2" "$WORK" "${3:-}"
