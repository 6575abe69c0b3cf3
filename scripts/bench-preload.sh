#!/usr/bin/env bash
# LD_PRELOAD mode against ThreadSanitizer and Helgrind on one unmodified C
# program (lockgraph/bench/preload/lock_loop.c), timed with hyperfine.
# Usage: scripts/bench-preload.sh [ITERATIONS]   (default 200000 per thread)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v hyperfine >/dev/null || { echo "bench-preload: needs hyperfine (apt-get install hyperfine)"; exit 1; }
command -v valgrind >/dev/null || { echo "bench-preload: needs valgrind"; exit 1; }
n=${1:-200000}
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target lockgraph_preload >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=lockgraph/bench/preload/lock_loop.c
gcc -O2 -g -pthread "$src" -o "$work/plain"
gcc -O2 -g -pthread -fsanitize=thread "$src" -o "$work/tsan"
preload=$PWD/build/release/lockgraph/preload/liblockgraph_preload.so
hyperfine --warmup 1 --runs 5 --export-markdown "$work/table.md" \
  -n "native" "$work/plain $n" \
  -n "lockgraph LD_PRELOAD" "LD_PRELOAD=$preload $work/plain $n" \
  -n "ThreadSanitizer" "TSAN_OPTIONS=report_bugs=0 $work/tsan $n" \
  -n "Helgrind" "valgrind --tool=helgrind -q $work/plain $((n / 10))"
cat "$work/table.md"
echo "(Helgrind runs a tenth of the iterations; multiply its time by 10 to compare.)"
