#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main program: the lock-order
# demo, which shows the report lockgraph prints for an ABBA inversion that did
# not hang. Usage: scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target lock_order_demo
exec build/release/examples/lock_order_demo "$@"
