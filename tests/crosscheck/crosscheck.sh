#!/usr/bin/env bash
# Runs each lock pattern of cases.cc under ThreadSanitizer's deadlock detector
# (detect_deadlocks=1; a build with lockgraph compiled out, so TSan sees the
# plain standard locks) and under lockgraph, and compares what they report.
# lockgraph must report every real inversion (everything TSan finds among
# them) and none of the patterns that cannot deadlock (where TSan may).
# Usage: crosscheck.sh TSAN_BINARY LOCKGRAPH_BINARY [--markdown FILE]
set -uo pipefail
tsan_bin=$1 lg_bin=$2
markdown=${4:-}
# case:truth  (real = can deadlock)
cases="abba:real cycle3:real cycle10:real read_write:real many_held:real
address_reuse:safe read_read:safe trylock:safe scoped_group:safe"
fails=0
table="| pattern | can deadlock? | ThreadSanitizer | lockgraph |
|---|---|---|---|"
for entry in $cases; do
  name=${entry%%:*} truth=${entry#*:}
  tsan_out=$(TSAN_OPTIONS="detect_deadlocks=1 second_deadlock_stack=1 exitcode=0 halt_on_error=0" \
             timeout 120 "$tsan_bin" "$name" 2>&1)
  if grep -q "CHECK failed" <<<"$tsan_out"; then
    tsan="crashed (CHECK failed)"
  elif grep -q "ThreadSanitizer: lock-order-inversion" <<<"$tsan_out"; then
    tsan="reports"
  else
    tsan="silent"
  fi
  out=$(LOCKGRAPH_OPTIONS=mode=report timeout 120 "$lg_bin" "$name" 2>&1)
  rc=$?
  if grep -q "^lockgraph: potential deadlock (lock-order inversion)" <<<"$out"; then
    lg="reports"
  else
    lg="silent"
  fi
  grep -q "case $name: done" <<<"$out" || { echo "case $name did not finish under lockgraph (exit $rc)"; echo "$out" | tail -20; fails=$((fails + 1)); }
  # Everything TSan finds that is real, lockgraph finds too.
  if [[ $tsan == reports && $truth == real && $lg != reports ]]; then fails=$((fails + 1)); fi
  verdict=ok
  if [[ $truth == real && $lg != reports ]]; then verdict="MISSED"; fi
  if [[ $truth == safe && $lg == reports ]]; then verdict="FALSE POSITIVE"; fi
  [[ $verdict == ok ]] || fails=$((fails + 1))
  printf '%-14s %-5s tsan=%-24s lockgraph=%-8s %s\n' "$name" "$truth" "$tsan" "$lg" "$verdict"
  label=$([[ $truth == real ]] && echo yes || echo no)
  mark() { if [[ $1 == reports && $truth == safe ]]; then echo "reports (false positive)";
           elif [[ $1 == silent && $truth == real ]]; then echo "silent (missed)"; else echo "$1"; fi; }
  table+="
| \`$name\` | $label | $(mark "$tsan") | $(mark "$lg") |"
done
if [[ -n $markdown ]]; then printf '%s\n' "$table" >"$markdown"; fi
echo "crosscheck: $fails failed"
((fails == 0))
