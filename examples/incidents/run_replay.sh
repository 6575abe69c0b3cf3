#!/usr/bin/env bash
# examples/incidents/run_replay.sh REPLAY BIN_DIR [LOCKGRAPH_CLI] [sanitized]
# Runs one incident replay and checks what lockgraph says about it:
#   cache_hashtable      the shipped order is reported (abort mode: no hang)
#   cache_hashtable_fix  both fixes run clean
#   cache_hashtable_hang the hang itself, captured and analyzed by `lockgraph analyze --pid`
#   lock_manager         order report, the sleep under the session lock (block_warn_ms),
#                        long wait naming the sleep, long hold
#   lock_manager_fix     clean
#   row_transactions     order report on the row lock class with both stacks
#   row_transactions_fix clean (rows ranked by id)
#   shard_restore        (BIN_DIR is cacheforge-server) restore over maxmemory
#   blocked_loop         a blocked event loop seen by /healthz and latencystats
#   descriptors          descriptor limits: clamp, refusal, no leak
set -u
REPLAY=$1 BIN=$2 CLI=${3:-} SANITIZED=${4:-}
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
# expect_in NAME REGEX: the last run's output must match.
expect_in() { if grep -Eq -- "$2" "$OUT"; then pass "$1"; else fail "$1: no match for /$2/"; fi; }
# run_clean NAME CMD...: exits 0 and lockgraph says nothing.
run_clean() {
  local name=$1
  shift
  LOCKGRAPH_OPTIONS=${OPTS:-mode=abort} timeout 120 "$@" >"$OUT" 2>&1
  local rc=$?
  if ((rc == 0)) && ! grep -q '^lockgraph: ' "$OUT"; then pass "$name"; else
    fail "$name (exit $rc)"; cat "$OUT"
  fi
}

case $REPLAY in
  cache_hashtable)
    LOCKGRAPH_OPTIONS=mode=abort timeout 120 "$BIN/incident_cache_hashtable" >"$OUT" 2>&1
    rc=$?
    if ((rc == 124)); then fail "hung instead of being reported"; fi
    ((rc != 0)) && pass "abort mode stops the run at the inversion (exit $rc)" || fail "exit 0"
    expect_in "inversion between the bucket and table classes" \
      'potential deadlock \(lock-order inversion\) between "cache\.(table|bucket)" and "cache\.(bucket|table)"'
    expect_in "stack of HashTable::Set" 'in \(anonymous namespace\)::HashTable::Set\('
    expect_in "stack of HashTable::Remove" 'in \(anonymous namespace\)::HashTable::Remove\('
    ;;
  cache_hashtable_fix)
    run_clean "--fix=order is clean" "$BIN/incident_cache_hashtable" --fix=order
    run_clean "--fix=scoped_lock is clean" "$BIN/incident_cache_hashtable" --fix=scoped_lock
    ;;
  cache_hashtable_hang)
    if ! gdb -nx -batch -ex 'python print(1)' >/dev/null 2>&1; then
      echo "gdb with Python is not available: skipping"; exit 77
    fi
    for attempt in 1 2 3 4 5; do
      LOCKGRAPH_OPTIONS=mode=off "$BIN/incident_cache_hashtable" --rounds=100000 >/dev/null 2>&1 &
      pid=$!
      # A hung process stops using CPU; give it up to 10 s to get there.
      hung=0
      for _ in $(seq 50); do
        sleep 0.2
        kill -0 "$pid" 2>/dev/null || break
        t1=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null)
        sleep 0.2
        t2=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null)
        if [[ -n $t1 && $t1 == "$t2" ]]; then hung=1; break; fi
      done
      if ((hung)); then break; fi
      kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    done
    if ((!hung)); then echo "the workload never hung in 5 tries: skipping"; exit 77; fi
    timeout 120 "$CLI" analyze --pid "$pid" >"$OUT" 2>&1
    rc=$?
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    if grep -q "ptrace" "$OUT" && ((rc == 2)); then
      echo "ptrace is not permitted here: skipping"; cat "$OUT"; exit 77
    fi
    ((rc == 1)) && pass "analyze exits 1 (deadlock)" || { fail "analyze exit $rc"; cat "$OUT"; }
    expect_in "a 2-thread cycle is named" 'deadlock: 1 cycle among 2 threads'
    expect_in "one side waits in HashTable::Set" 'HashTable::Set at examples/incidents/cache_hashtable\.cc'
    expect_in "the other in HashTable::Remove" 'HashTable::Remove at examples/incidents/cache_hashtable\.cc'
    ;;
  lock_manager)
    LOCKGRAPH_OPTIONS=hold_warn_ms=100,wait_warn_ms=100,block_warn_ms=100 timeout 120 \
      "$BIN/incident_lock_manager" \
      >"$OUT" 2>&1 || fail "exit $?"
    expect_in "task A/B inversion reported" \
      'lock-order inversion\) between "lockmgr\.lock_(a|b)" and "lockmgr\.lock_(b|a)"'
    expect_in "long wait names the session lock" 'long wait: thread [0-9]+ has waited [0-9]+ ms for "lockmgr\.session"'
    # Under ThreadSanitizer a signal reaches a sleeping thread only when the
    # sleep returns, so the sampled stack no longer shows it.
    if [[ $SANITIZED != sanitized ]]; then
      expect_in "the holder's current stack shows the sleep" 'BlockingSleepInHandler\(\) at examples/incidents/lock_manager\.cc'
    fi
    expect_in "long hold reported at release" 'long hold: "lockmgr\.session" was held for'
    # The sleep itself, named as the call made under the lock, with its caller.
    expect_in "the sleep under the session lock" \
      'blocked while holding: thread [0-9]+ (spent [0-9]+ ms in nanosleep\(\)|has been in nanosleep\(\) for [0-9]+ ms), holding "lockmgr\.session"'
    expect_in "made the call here: the handler" '#[0-9]+ .*BlockingSleepInHandler\(\) at examples/incidents/lock_manager\.cc'
    ;;
  lock_manager_fix)
    OPTS=hold_warn_ms=100,wait_warn_ms=100,block_warn_ms=100,mode=abort run_clean "--fixed is clean" \
      "$BIN/incident_lock_manager" --fixed
    ;;
  row_transactions)
    timeout 120 "$BIN/incident_row_transactions" >"$OUT" 2>&1 || fail "exit $?"
    expect_in "cycle between two locks of the row class" 'Cycle: "db\.row" #[0-9]+ -> "db\.row" #[0-9]+ -> "db\.row"'
    [[ $(grep -c 'TransferTransaction' "$OUT") -ge 2 ]] && pass "two stacks in TransferTransaction" ||
      fail "expected two stacks in TransferTransaction"
    ;;
  row_transactions_fix)
    run_clean "--fixed is clean" "$BIN/incident_row_transactions" --fixed
    ;;
  shard_restore|blocked_loop|descriptors)
    # BIN is cacheforge-server here.
    work=$(mktemp -d)
    timeout 300 /usr/bin/python3 "$(dirname "$0")/server_replays.py" "$REPLAY" "$BIN" "$work"
    rc=$?
    pkill -9 -f -- "--dir $work" 2>/dev/null
    rm -rf "$work"
    exit $rc
    ;;
  *)
    echo "unknown replay $REPLAY"; exit 2 ;;
esac
if ((FAILS > 0)); then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
