#!/usr/bin/env bash
# Builds everything and runs every test (the README's test command; .ci/run
# calls exactly this): the debug build's full suite, then the same suite under
# ThreadSanitizer and under AddressSanitizer + UndefinedBehaviorSanitizer, a
# clang build that checks the thread-safety annotations, and finally the
# README's "First steps" on a fresh clone of HEAD.
# Usage: scripts/test.sh [--quick]   (--quick: the debug suite only)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
started=$SECONDS

stage() {  # stage NAME COMMAND...: runs COMMAND and prints how long it took
  local name=$1 t0=$SECONDS
  shift
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - t0)) s (total $((SECONDS - started)) s)"
}

run_suite() {  # run_suite PRESET
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
  ctest --preset "$1" -j "$jobs"
}

stage "debug build: all tests" run_suite debug
if [[ ${1:-} != --quick ]]; then
  # Every lock annotation checked: clang's -Wthread-safety, warnings as errors,
  # over the targets the build preset lists (all code the analysis covers).
  stage "clang build: -Wthread-safety -Werror over the code it covers" \
    bash -c "cmake --preset clang >/dev/null && cmake --build --preset clang -j $jobs"
  # Sanitizer options and the reason for each: sanitizers/README.md.
  stage "ThreadSanitizer build: all tests" run_suite tsan
  stage "AddressSanitizer + UndefinedBehaviorSanitizer build: all tests" run_suite asan
  stage "the README's first steps, literally, on a fresh clone (release build)" \
    bash tests/newcomer/newcomer_test.sh
fi
