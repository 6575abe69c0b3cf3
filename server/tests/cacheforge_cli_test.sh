#!/usr/bin/env bash
# server/tests/cacheforge_cli_test.sh SERVER CLI
# cacheforge-cli: one-shot replies printed like redis-cli, the line-by-line
# mode on a non-terminal stdin, and a clear failure when nothing listens.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
start_server --threads 1
c() { "$CLI" -p "$PORT" "$@" 2>&1; }

expect "PING" "PONG" "$(c PING)"
expect "SET" "OK" "$(c SET k 'hello world')"
expect "GET quoted" '"hello world"' "$(c GET k)"
expect "GET nil" "(nil)" "$(c GET missing)"
expect "INCR" "(integer) 1" "$(c INCR n)"
expect "error" "(error) ERR value is not an integer or out of range" "$(c INCR k)"
c INCR k >/dev/null; expect "exit status on error reply" "1" "$?"
c PING >/dev/null; expect "exit status on success" "0" "$?"
c MSET a 1 b 2 >/dev/null
expect "array" $'1) "1"\n2) "2"\n3) (nil)' "$(c MGET a b zz)"
expect "empty array" "(empty array)" "$(c KEYS 'nomatch*')"
expect "escapes" '"a\nb\x01"' "$(c ECHO $'a\nb\x01')"
expect "nested array" $'1) "0"\n2) 1) "k"' "$(c SCAN 0 MATCH k)"
expect "raw" "hello world" "$("$CLI" -p "$PORT" --raw GET k)"
expect "-h" "PONG" "$("$CLI" -h 127.0.0.1 -p "$PORT" PING)"
# From the command on, words that look like options are the command's.
expect "negative argument" "(integer) -4" "$(c INCRBY n -5)"
expect "option-like argument" '"--raw"' "$(c ECHO --raw)"
expect "-h as an argument" '"-h"' "$(c ECHO -h)"

# Interactive mode reading a pipe: one reply per line, quotes like redis-cli.
out=$(printf 'SET x "two words"\nGET x\n\nPING\nbad "quote\nDBSIZE\nquit\nPING\n' | "$CLI" -p "$PORT")
expect "stdin mode" $'OK\n"two words"\nPONG\nInvalid argument(s)\n(integer) 5' "$out"

# -3: RESP3, printed as redis-cli -3 prints it.
c3() { "$CLI" -3 -p "$PORT" "$@" 2>&1; }
c ZADD z 1 a 2.5 b >/dev/null
c HSET h f v g w >/dev/null
expect "RESP3 double" "(double) 2.5" "$(c3 ZSCORE z b)"
expect "RESP3 pairs" $'1) 1) "a"\n   2) (double) 1\n2) 1) "b"\n   2) (double) 2.5' \
  "$(c3 ZRANGE z 0 -1 WITHSCORES)"
expect "RESP3 map" $'1# "f" => "v"\n2# "g" => "w"' "$(c3 HGETALL h)"
expect "RESP3 empty set" "(empty set)" "$(c3 SMEMBERS nothing)"
expect "RESP3 map, raw" $'f v\ng w' "$("$CLI" -3 --raw -p "$PORT" HGETALL h)"

expect "--version" "cacheforge-cli 0.1.0" "$("$CLI" --version)"

# Nothing listening: a message and exit 1.
dead=$(free_port)
msg=$("$CLI" -p "$dead" PING 2>&1); rc=$?
expect "connection refused exit" "1" "$rc"
grep -q "Could not connect to cacheforge at 127.0.0.1:$dead: Connection refused" <<<"$msg" \
  && pass "connection refused message" || fail "connection refused message: $msg"
"$CLI" -p 2>/dev/null; expect "missing option value" "1" "$?"
check_server_clean
# SHUTDOWN: the server closes the connection, which is success (as in redis-cli).
msg=$("$CLI" -p "$PORT" SHUTDOWN 2>&1); rc=$?
expect "SHUTDOWN exit" "0" "$rc"
expect "SHUTDOWN prints nothing" "" "$msg"
for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVER_PID" 2>/dev/null && fail "server still running after SHUTDOWN" || pass "server exited"
finish
