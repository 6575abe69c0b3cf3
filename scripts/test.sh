#!/usr/bin/env bash
# Builds everything and runs every test (the README's test command; .ci/run
# calls exactly this): the debug build's full suite, then the same suite under
# ThreadSanitizer. Usage: scripts/test.sh [--no-tsan]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== debug build: all tests"
cmake --preset debug >/dev/null
cmake --build --preset debug -j "$jobs"
ctest --preset debug -j "$jobs"

if [[ ${1:-} != --no-tsan ]]; then
  echo "== ThreadSanitizer build: all tests (options and reasons: sanitizers/README.md)"
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$jobs"
  ctest --preset tsan -j "$jobs"
fi
