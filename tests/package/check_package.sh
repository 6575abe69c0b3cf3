#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds a separate project with
# find_package(lockgraph CONFIG REQUIRED), runs it and checks its report.
# Usage: check_package.sh BUILD_DIR CONSUMER_SOURCE_DIR [CXX_FLAGS [LINKER_FLAGS]]
# (the flags of a sanitizer build, which the consumer must share to link)
set -euo pipefail
build=$1 src=$2 cxx_flags=${3:-} link_flags=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$cxx_flags" -DCMAKE_EXE_LINKER_FLAGS="$link_flags" >"$work/log" 2>&1 ||
  { cat "$work/log"; exit 1; }
cmake --build "$work/build" >>"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
LOCKGRAPH_OPTIONS="graph_out=$work/graph.json" "$work/build/consumer" 2>"$work/report.txt"
grep -q '^lockgraph: potential deadlock (lock-order inversion) between "consumer.inbox" and "consumer.outbox"\|^lockgraph: potential deadlock (lock-order inversion) between "consumer.outbox" and "consumer.inbox"' "$work/report.txt" ||
  { echo "no report from the consumer:"; cat "$work/report.txt"; exit 1; }
grep -q 'consumer.cc:' "$work/report.txt" || { echo "report lacks consumer.cc frames"; cat "$work/report.txt"; exit 1; }
grep -q '"cycles"' "$work/graph.json" || { echo "graph_out missing"; exit 1; }
echo "package consumer: report and graph_out OK"
