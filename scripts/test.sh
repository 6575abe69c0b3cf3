#!/usr/bin/env bash
# Builds everything and runs every test (the README's test command; .ci/run
# calls exactly this): the debug build's full suite, then the same suite under
# ThreadSanitizer and under AddressSanitizer + UndefinedBehaviorSanitizer, and
# finally the README's "First steps" on a fresh clone of HEAD.
# Usage: scripts/test.sh [--quick]   (--quick: the debug suite only)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

run_suite() {  # run_suite PRESET
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
  ctest --preset "$1" -j "$jobs"
}

echo "== debug build: all tests"
run_suite debug
if [[ ${1:-} != --quick ]]; then
  # Sanitizer options and the reason for each: sanitizers/README.md.
  echo "== ThreadSanitizer build: all tests"
  run_suite tsan
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer build: all tests"
  run_suite asan
  echo "== the README's first steps, literally, on a fresh clone (release build)"
  bash tests/newcomer/newcomer_test.sh
fi
