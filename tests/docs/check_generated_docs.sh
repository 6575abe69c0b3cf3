#!/usr/bin/env bash
# tests/docs/check_generated_docs.sh SOURCE_DIR BUILD_DIR
# Regenerates the command references into a temporary directory and compares
# them with docs/: a --help text or a command changed without the docs.
set -u
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$src/scripts/gen-docs.sh" "$build" "$tmp" || { echo "FAIL: gen-docs.sh failed"; exit 1; }
status=0
for f in cli.md commands.md; do
  if diff -u "$src/docs/$f" "$tmp/$f"; then
    echo "ok: docs/$f is current"
  else
    echo "FAIL: docs/$f is out of date: run scripts/gen-docs.sh and commit the result"
    status=1
  fi
done
exit $status
