#!/usr/bin/env bash
# Runs the C API program and checks its report: the cycle between its two
# locks, with frames in the C file, and no assertion report.
set -uo pipefail
out=$("$1" 2>&1)
rc=$?
fail() { echo "FAIL: $1"; echo "$out"; exit 1; }
((rc == 0)) || fail "exit status $rc"
grep -q 'lockgraph: potential deadlock (lock-order inversion) between "c.\(spin\|table\)" and "c.\(spin\|table\)"' <<<"$out" ||
  fail "no cycle report"
grep -q 'c_abba.c:' <<<"$out" || fail "the report has no frame in c_abba.c"
grep -q 'AssertNoLocksHeld\|AssertHeld\|AssertNotHeld' <<<"$out" && fail "an assertion failed"
grep -q '^c_abba: done' <<<"$out" || fail "did not finish"
echo "ok: the C API reports the cycle of a C program's own locks"
