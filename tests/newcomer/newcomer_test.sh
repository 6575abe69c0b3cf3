#!/usr/bin/env bash
# tests/newcomer/newcomer_test.sh [REPO]
# A newcomer's path, literally: clones REPO (default: this checkout's HEAD)
# into a temporary directory and runs the README's "First steps" block line
# by line. A line ending in `&` runs in the background; a comment
# `# once it logs "TEXT":` waits (up to 15 minutes) for TEXT in that
# background job's output; a trailing `# exit N` is the expected exit status
# (0 otherwise). Any other outcome fails the test.
set -u
repo=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d)
bg_pids=()
cleanup() {
  for pid in "${bg_pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null; done
  pkill -9 -f -- "$work/clone/build/release/server/cacheforge-server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
git clone -q "$repo" "$work/clone" || { echo "FAIL: git clone $repo"; exit 1; }
cd "$work/clone"
block=$(awk '/<!-- newcomer-path -->/{f=1; next} /<!-- \/newcomer-path -->/{f=0} f' README.md |
        sed '/^```/d')
[[ -n $block ]] || { echo "FAIL: README has no newcomer-path block"; exit 1; }

bg_log=""
step=0
while IFS= read -r line; do
  [[ -z ${line// } ]] && continue
  if [[ $line =~ ^#\ once\ it\ logs\ \"(.*)\":$ ]]; then
    want=${BASH_REMATCH[1]}
    echo "-- waiting for \"$want\""
    for _ in $(seq 900); do
      grep -qF -- "$want" "$bg_log" 2>/dev/null && break
      if ! kill -0 "${bg_pids[-1]}" 2>/dev/null; then
        echo "FAIL: the background job ended first:"; tail -50 "$bg_log"; exit 1
      fi
      sleep 1
    done
    grep -qF -- "$want" "$bg_log" || { echo "FAIL: never logged \"$want\""; tail -50 "$bg_log"; exit 1; }
    continue
  fi
  [[ $line =~ ^# ]] && continue
  step=$((step + 1))
  expect=0
  if [[ $line =~ \#\ exit\ ([0-9]+)$ ]]; then expect=${BASH_REMATCH[1]}; fi
  cmd=${line%%#*}
  if [[ $cmd =~ \&[[:space:]]*$ ]]; then
    bg_log="$work/bg.$step.log"
    echo "-- [$step] (background) ${cmd%&*}"
    setsid bash -c "${cmd%&*}" >"$bg_log" 2>&1 &
    bg_pids+=($!)
    continue
  fi
  echo "-- [$step] $cmd"
  timeout 1200 bash -c "$cmd" >"$work/out.$step" 2>&1
  rc=$?
  tail -5 "$work/out.$step"
  if ((rc != expect)); then
    echo "FAIL: step $step exited $rc, the README says $expect"; cat "$work/out.$step"; exit 1
  fi
done <<<"$block"
echo "ok: the README's first steps work on a fresh clone ($step steps)"
