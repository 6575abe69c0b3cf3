#!/usr/bin/env bash
# server/tests/cli_usage_test.sh CLI CHECK_AOF
# The command lines of cacheforge-cli and cacheforge-check-aof, no server
# needed: --help on stdout with exit 0, and usage errors (unknown option,
# missing argument, option without its value) on stderr with each program's
# usage status (cacheforge-cli 1, as redis-cli; cacheforge-check-aof 2) and a
# message that names what was wrong.
CLI=$1 CHECK_AOF=$2
source "$(dirname "$0")/lib.sh"

# usage_error NAME WANT_STATUS WANT_FIRST_LINE COMMAND...
usage_error() {
  local name=$1 want_rc=$2 want=$3; shift 3
  "$@" >"$WORK/out" 2>"$WORK/err"; local rc=$?
  expect "$name: exit status" "$want_rc" "$rc"
  expect "$name: nothing on stdout" "" "$(cat "$WORK/out")"
  expect "$name: message" "$want" "$(head -n 1 "$WORK/err")"
  grep -q "^Usage: " "$WORK/err" && pass "$name: help follows" || fail "$name: no help on stderr"
}

for prog in "$CLI" "$CHECK_AOF"; do
  name=$(basename "$prog")
  out=$("$prog" --help 2>"$WORK/err"); rc=$?
  expect "$name --help: exit status" "0" "$rc"
  expect "$name --help: nothing on stderr" "" "$(cat "$WORK/err")"
  grep -q "^Usage: $name " <<<"$out" && pass "$name --help: usage" || fail "$name --help: $out"
  expect "$name --version" "$name 0.1.0" "$("$prog" --version)"
done
out=$("$CHECK_AOF" -h); expect "cacheforge-check-aof -h: exit status" "0" "$?"
grep -q -- "--fix" <<<"$out" && pass "cacheforge-check-aof -h: help" || fail "check-aof -h: $out"

usage_error "cli unknown long option" 1 "cacheforge-cli: unknown option '--frobnicate'" \
  "$CLI" --frobnicate PING
usage_error "cli unknown short option" 1 "cacheforge-cli: unknown option '-x'" "$CLI" -x PING
usage_error "cli option without its value" 1 "cacheforge-cli: option -p needs a value" "$CLI" -p
usage_error "cli host without its value" 1 "cacheforge-cli: option -h needs a value" "$CLI" -h

touch "$WORK/empty.aof"
usage_error "check-aof unknown option" 2 "cacheforge-check-aof: unknown option '--frobnicate'" \
  "$CHECK_AOF" --frobnicate "$WORK/empty.aof"
usage_error "check-aof missing FILE" 2 "cacheforge-check-aof: FILE is required" "$CHECK_AOF"
usage_error "check-aof missing FILE with --fix" 2 "cacheforge-check-aof: FILE is required" \
  "$CHECK_AOF" --fix
usage_error "check-aof two files" 2 "cacheforge-check-aof: unexpected argument 'b.aof'" \
  "$CHECK_AOF" a.aof b.aof
"$CHECK_AOF" "$WORK/empty.aof" >/dev/null; expect "check-aof on an empty file" "0" "$?"
finish
