#!/usr/bin/env bash
# Runs the lockgraph microbenchmarks (std::mutex, absl::Mutex with deadlock
# detection, lockgraph::Mutex side by side, interleaved, 12 repetitions) on a
# release build and prints the medians. Usage: scripts/bench.sh [extra benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target lockgraph_bench >/dev/null
bench=build/release/lockgraph/bench/lockgraph_bench
"$bench" --benchmark_filter=-BM_GraphMemory \
  --benchmark_repetitions=12 --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 "$@"
# Memory is measured once, on a fresh process (later runs reuse freed memory).
"$bench" --benchmark_filter=BM_GraphMemory
