#!/usr/bin/env bash
# Installs what is missing, builds, and starts the main program:
# cacheforge-server with lockgraph on (any lock-order inversion in the server
# is reported on stderr; the watchdog reports threads stuck on each other).
# Extra arguments go to the server, e.g. scripts/run.sh --port 7000 --threads 4.
# Try it from another shell: build/release/server/cacheforge-cli PING
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target cacheforge-server cacheforge-cli
export LOCKGRAPH_OPTIONS=${LOCKGRAPH_OPTIONS:-watchdog=1}
exec build/release/server/cacheforge-server "$@"
