#!/usr/bin/env bash
# server/tests/twemproxy_test.sh SERVER
# Three instances behind twemproxy (Debian's nutcracker); skipped without it.
SERVER=$1
if ! command -v nutcracker >/dev/null; then
  echo "nutcracker (twemproxy) is not installed: skipping"
  exit 77
fi
WORK=$(mktemp -d)
trap 'pkill -9 -f -- "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
timeout 300 /usr/bin/python3 "$(dirname "$0")/twemproxy_test.py" "$SERVER" "$WORK"
