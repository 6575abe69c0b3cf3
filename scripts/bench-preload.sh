#!/usr/bin/env bash
# What lockgraph preload costs, side by side in one run:
#  1. real programs: Debian's memcached (4 worker threads) under memcslap,
#     natively, under `lockgraph preload` (detector only, then with graph_out
#     and the watchdog), and under Valgrind's Helgrind and DRD; redis-server
#     (jemalloc) under redis-benchmark, natively and under `lockgraph preload`;
#  2. one lock-bound C loop (lockgraph/bench/preload/lock_loop.c) against
#     ThreadSanitizer and Helgrind, timed with hyperfine.
#
# Usage: scripts/bench-preload.sh [RUNS] [LOOP_ITERATIONS]
#   RUNS per real-program setup (default 5); LOOP_ITERATIONS per thread of
#   the C loop (default 2000000). Prints Markdown tables (medians, ratios to
#   native); the numbers in docs/benchmarks.md come from this script.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
runs=${1:-5}
loop_n=${2:-2000000}
for tool in memcached memcslap redis-server redis-benchmark valgrind hyperfine; do
  command -v $tool >/dev/null || { echo "bench-preload: $tool is not installed" >&2; exit 1; }
done
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target lockgraph_preload lockgraph_cli >/dev/null
build=build/release
cli=$build/analyzer/lockgraph
work=$(mktemp -d)
trap 'pkill -f -- "$work" 2>/dev/null || true; pkill -f "memcached -p 1819[0-9]" 2>/dev/null || true; rm -rf "$work"' EXIT

wait_port() {  # wait_port PORT: until something listens (60 s: Valgrind starts slowly)
  for _ in $(seq 600); do
    (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench-preload: nothing listens on port $1" >&2
  return 1
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

cpu_ticks() {  # cpu_ticks PID: user + system time of a process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# memcached: seconds for memcslap to set and get its keys, and the server's
# own CPU time per run (steadier than wall time when the load generator
# shares the machine's two cores with the server).
memcached_setup() {  # memcached_setup NAME PREFIX...: prints "median_seconds cpu_seconds_per_run"
  local name=$1; shift
  local port=18190 times=()
  "$@" memcached -t 4 -p $port -U 0 -l 127.0.0.1 -m 256 -c "${maxconns:-256}" \
    $( [[ $(id -u) == 0 ]] && echo -u root ) \
    >"$work/$name.log" 2>&1 &
  local pid=$!
  wait_port $port
  # One unmeasured round warms the server (and, under Valgrind, its JIT).
  memcslap --servers=127.0.0.1:$port --concurrency=4 --execute-number=500 >/dev/null
  local cpu_before
  cpu_before=$(cpu_ticks $pid)
  for _ in $(seq "$runs"); do
    t=$(memcslap --servers=127.0.0.1:$port --concurrency=8 --execute-number=5000 |
        awk '/Time total/ {print $(NF-1)}')
    times+=("$t")
  done
  local cpu_after
  cpu_after=$(cpu_ticks $pid)
  kill -INT $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  echo "$(printf '%s\n' "${times[@]}" | median) $(awk -v a="$cpu_before" -v b="$cpu_after" \
    -v n="$runs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b - a) / hz / n}')"
}

# redis-server: requests per second of redis-benchmark (SET and GET, -P 1).
redis_setup() {  # redis_setup NAME PREFIX...: prints "set_rps get_rps" medians
  local name=$1; shift
  local port=18290 sets=() gets=()
  "$@" redis-server --port $port --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" >"$work/$name.log" 2>&1 &
  local pid=$!
  wait_port $port
  for _ in $(seq "$runs"); do
    out=$(redis-benchmark -p $port -n 100000 -c 50 -q -t set,get 2>/dev/null | tr '\r' '\n' |
          grep 'requests per second')
    sets+=("$(awk '/^SET/ {print $2}' <<<"$out")")
    gets+=("$(awk '/^GET/ {print $2}' <<<"$out")")
  done
  redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true
  wait $pid 2>/dev/null || true
  echo "$(printf '%s\n' "${sets[@]}" | median) $(printf '%s\n' "${gets[@]}" | median)"
}

preload=("$cli" preload --)
echo "# $(date -u +%F) on $(nproc) cores, $(uname -r); $runs runs each, medians"
echo
echo "memcached -t 4, memcslap --concurrency=8 --execute-number=5000 (seconds, lower is better)"
echo
native=$(memcached_setup native env)
lg=$(memcached_setup preload "${preload[@]}")
lg_full=$(LOCKGRAPH_OPTIONS=graph_out=$work/graph.json:watchdog=1 memcached_setup preload_full "${preload[@]}")
# memcached sets its descriptor limit (soft and hard) to exactly -c, and
# Valgrind refuses any hard limit but its own (the real one minus the
# descriptors it keeps): with a hard limit of 1024, that is 1012.
valgrind_memcached() {  # valgrind_memcached NAME TOOL
  ulimit -Sn 1024 && ulimit -Hn 1024
  runs=1 maxconns=1012 memcached_setup "$1" valgrind --tool="$2" -q
}
helgrind=$(valgrind_memcached helgrind helgrind)
drd=$(valgrind_memcached drd drd)
echo "| setup | time (s) | vs native | server CPU per run (s) | vs native |"
echo "|---|---:|---:|---:|---:|"
read -r native_t native_cpu <<<"$native"
for row in "native:$native" "lockgraph preload:$lg" "lockgraph preload, graph_out + watchdog:$lg_full" \
           "Helgrind (1 run):$helgrind" "DRD (1 run):$drd"; do
  name=${row%%:*}
  read -r t cpu <<<"${row#*:}"
  echo "| $name | $t | $(awk -v a="$t" -v b="$native_t" 'BEGIN {printf "%.2fx", a / b}') |" \
       "$cpu | $(awk -v a="$cpu" -v b="$native_cpu" 'BEGIN {printf "%.2fx", a / b}') |"
done
echo
echo "redis-server (jemalloc), redis-benchmark -n 100000 -c 50 -t set,get (requests/s, higher is better)"
echo
read -r rn_set rn_get <<<"$(redis_setup native env)"
read -r rl_set rl_get <<<"$(redis_setup preload "${preload[@]}")"
echo "| setup | SET/s | GET/s | SET vs native | GET vs native |"
echo "|---|---:|---:|---:|---:|"
echo "| native | $rn_set | $rn_get | 1.00x | 1.00x |"
echo "| lockgraph preload | $rl_set | $rl_get | $(awk -v a="$rl_set" -v b="$rn_set" 'BEGIN {printf "%.2fx", a / b}') | $(awk -v a="$rl_get" -v b="$rn_get" 'BEGIN {printf "%.2fx", a / b}') |"

echo
echo "lock_loop.c (2 threads, $loop_n lock pairs each; hyperfine, 1 warm-up + 5 runs)"
echo
src=lockgraph/bench/preload/lock_loop.c
gcc -O2 -g -pthread "$src" -o "$work/plain"
gcc -O2 -g -pthread -fsanitize=thread "$src" -o "$work/tsan"
preload_lib=$PWD/$build/lockgraph/preload/liblockgraph_preload.so
hyperfine --warmup 1 --runs 5 --export-markdown "$work/table.md" -N \
  -n "native" "$work/plain $loop_n" \
  -n "lockgraph LD_PRELOAD" "env LD_PRELOAD=$preload_lib $work/plain $loop_n" \
  -n "ThreadSanitizer" "env TSAN_OPTIONS=report_bugs=0 $work/tsan $loop_n" \
  -n "Helgrind (a tenth of the iterations)" "valgrind --tool=helgrind -q $work/plain $((loop_n / 10))" \
  >/dev/null
cat "$work/table.md"
