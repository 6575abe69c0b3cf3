#!/usr/bin/env bash
# Builds tests/package/fetchcontent (lockgraph through FetchContent, from this
# checkout), runs the consumer and checks its report names the inversion.
# Usage: check_fetchcontent.sh SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$src/tests/package/fetchcontent" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DLOCKGRAPH_SOURCE_DIR="$src" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
cmake --build "$work/build" --target consumer >>"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
"$work/build/consumer" 2>"$work/report.txt"
grep -Eq '^lockgraph: potential deadlock \(lock-order inversion\) between "consumer\.(inbox|outbox)" and "consumer\.(outbox|inbox)"' "$work/report.txt" ||
  { echo "no report from the FetchContent consumer:"; cat "$work/report.txt"; exit 1; }
grep -q 'consumer.cc:' "$work/report.txt" || { echo "report lacks consumer.cc frames"; cat "$work/report.txt"; exit 1; }
echo "FetchContent consumer: report OK"
