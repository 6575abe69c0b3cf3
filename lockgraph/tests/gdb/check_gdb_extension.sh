#!/usr/bin/env bash
# Runs the deadlocking fixture, then lockgraph's gdb extension on the live
# process and on a core file of it: both must name the held and awaited locks
# and the deadlock cycle. Usage: check_gdb_extension.sh FIXTURE SCRIPT
set -uo pipefail
fixture=$1 script=$2
work=$(mktemp -d)
"$fixture" >"$work/out" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q ready "$work/out" && break; sleep 0.1; done
grep -q ready "$work/out" || { echo "fixture did not start"; exit 1; }

check() {  # check FILE: the facts a user needs, from the extension's output
  local f=$1 ok=0
  grep -Eq '^lockgraph: thread [0-9]+ holds "cache.bucket" waits for "cache.table" \(owner: thread [0-9]+\)' "$f" || ok=1
  grep -Eq '^lockgraph: thread [0-9]+ holds "cache.table" waits for "cache.bucket" \(owner: thread [0-9]+\)' "$f" || ok=1
  grep -Eq '^lockgraph: deadlock: thread [0-9]+ -> thread [0-9]+ -> thread [0-9]+$' "$f" || ok=1
  grep -Eq '^lockgraph-gdb: thread [0-9]+ waits 0x[0-9a-f]+ "cache.table" exclusive owner [0-9]+$' "$f" || ok=1
  return $ok
}

gdb=(gdb -batch -nx -iex "set debuginfod enabled off" -x "$script")
"${gdb[@]}" -p "$pid" -ex "lockgraph threads" -ex "lockgraph deadlock" \
  -ex "gcore $work/core" >"$work/live" 2>&1
cat "$work/live" | grep -E '^lockgraph'
if ! check "$work/live"; then
  if grep -q "ptrace: Operation not permitted" "$work/live"; then
    echo "SKIP: ptrace not permitted here"; exit 0
  fi
  echo "live process: missing facts"; cat "$work/live"; exit 1
fi
kill -9 $pid
"${gdb[@]}" "$fixture" "$work/core" -ex "lockgraph threads" -ex "lockgraph deadlock" \
  >"$work/core.txt" 2>&1
check "$work/core.txt" || { echo "core file: missing facts"; cat "$work/core.txt"; exit 1; }
echo "gdb extension: live process and core file OK"
