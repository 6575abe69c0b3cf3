#!/usr/bin/env bash
# examples/check_lock_order_demo.sh DEMO SOURCE
# Runs the lock_order_demo binary DEMO and checks that its report points at
# the user's code: the first frame of each edge is Transfer at the line of
# SOURCE (examples/lock_order_demo.cc) that takes the second lock. In an
# optimized build the guard, lock() and lockgraph's fast path are all inlined
# into Transfer, so this is where a release build's report used to go wrong.
set -u
DEMO=$1 SOURCE=$2
line=$(grep -n 'std::lock_guard credit(' "$SOURCE" | cut -d: -f1)
[[ -n $line ]] || { echo "FAIL: no 'std::lock_guard credit(' line in $SOURCE"; exit 1; }
out=$(LOCKGRAPH_OPTIONS=mode=report "$DEMO" 2>&1)
rc=$?
echo "$out"
((rc == 0)) || { echo "FAIL: the demo exited $rc"; exit 1; }
grep -q '^lockgraph: potential deadlock (lock-order inversion) between ' <<<"$out" ||
  { echo "FAIL: no inversion report"; exit 1; }
first_frames=$(grep -E '^    #0 ' <<<"$out")
want="in \(anonymous namespace\)::Transfer\(.* at examples/lock_order_demo\.cc:$line\$"
edges=$(grep -c . <<<"$first_frames")
matching=$(grep -cE "$want" <<<"$first_frames")
if ((edges != 2 || matching != 2)); then
  echo "FAIL: expected both edges to start at examples/lock_order_demo.cc:$line in Transfer"
  exit 1
fi
echo "ok: both edges start at examples/lock_order_demo.cc:$line"
