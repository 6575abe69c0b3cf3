#!/usr/bin/env bash
# server/tests/redis_cli_test.sh SERVER CLI
# Drives a real cacheforge-server with Debian's redis-cli: replies and error
# texts of the connection, string and key commands, expiry with ms TTLs, INFO,
# CONFIG and CLIENT. (redis-cli prints bare replies when stdout is not a tty.)
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"
# profile=1: DEBUG LOCKGRAPH STATS below reads the contention profile.
export LOCKGRAPH_OPTIONS="${LOCKGRAPH_OPTIONS:+$LOCKGRAPH_OPTIONS:}profile=1"
start_server --threads 2
r() { redis-cli -p "$PORT" "$@" 2>&1; }

expect "PING" "PONG" "$(r PING)"
expect "PING msg" "hello" "$(r PING hello)"
expect "ECHO" "a b" "$(r ECHO 'a b')"
expect "SET" "OK" "$(r SET k v)"
expect "GET" "v" "$(r GET k)"
expect "GET missing" "" "$(r GET nope)"
expect "unknown command" "ERR unknown command 'foo', with args beginning with: 'bar' " "$(r foo bar)"
expect "arity" "ERR wrong number of arguments for 'get' command" "$(r GET)"
expect "syntax" "ERR syntax error" "$(r SET k v NX XX)"
expect "not integer" "ERR value is not an integer or out of range" "$(r INCR k)"
expect "MSET" "OK" "$(r MSET a 1 b 2 c 3)"
expect "MGET" $'1\n2\n\n3' "$(r MGET a b missing c)"
expect "INCRBY" "12" "$(r INCRBY a 11)"
expect "INCRBYFLOAT" "12.5" "$(r INCRBYFLOAT a 0.5)"
expect "APPEND" "4" "$(r APPEND s abcd)"
expect "GETRANGE" "bc" "$(r GETRANGE s 1 2)"
expect "DEL" "3" "$(r DEL a b c zz)"
expect "EXISTS" "1" "$(r EXISTS k)"
expect "TYPE" "string" "$(r TYPE k)"
expect "RENAME" "OK" "$(r RENAME k k2)"
expect "RENAME missing" "ERR no such key" "$(r RENAME k k3)"
expect "SELECT 16" "ERR DB index is out of range" "$(r SELECT 16)"
# redis-cli -n selects a database on connect; its keys stay in it.
expect "SET -n 3" "OK" "$(redis-cli -p "$PORT" -n 3 SET only3 x)"
expect "GET -n 3" "x" "$(redis-cli -p "$PORT" -n 3 GET only3)"
expect "GET db 0" "" "$(r GET only3)"
expect "MOVE" "1" "$(redis-cli -p "$PORT" -n 3 MOVE only3 0)"
expect "GET moved" "x" "$(r GET only3)"
expect "HELLO 4" "NOPROTO unsupported protocol version" "$(r HELLO 4)"
# RESP3 (redis-cli -3 says HELLO 3 first); --no-raw shows the reply types.
r3() { redis-cli -3 --no-raw -p "$PORT" "$@" 2>&1; }
r ZADD z3 1 a 2.5 b >/dev/null
r HSET h3 f v >/dev/null
r SADD s3 m >/dev/null
expect "RESP3 HELLO" "3" "$(redis-cli -3 -p "$PORT" HELLO 3 | sed -n 's/^proto //p')"
expect "RESP3 double" "(double) 2.5" "$(r3 ZSCORE z3 b)"
expect "RESP3 pairs" $'1) 1) "a"\n   2) (double) 1\n2) 1) "b"\n   2) (double) 2.5' \
  "$(r3 ZRANGE z3 0 -1 WITHSCORES)"
expect "RESP3 map" '1# "f" => "v"' "$(r3 HGETALL h3)"
expect "RESP3 set" '1~ "m"' "$(r3 SMEMBERS s3)"
expect "RESP3 null" "(nil)" "$(r3 GET nope)"
expect "RESP2 after RESP3" $'a\n1\nb\n2.5' "$(r ZRANGE z3 0 -1 WITHSCORES)"

# Expiry in milliseconds: lazily on read and actively for keys nobody reads.
# SET and PTTL in one redis-cli process, so a slow machine cannot eat the TTL.
out=$(printf 'SET short v PX 600\nPTTL short\n' | redis-cli -p "$PORT")
expect "SET PX" "OK" "$(head -1 <<<"$out")"
ttl=$(tail -1 <<<"$out")
if ((ttl > 0 && ttl <= 600)); then pass "PTTL in (0,600]"; else fail "PTTL $ttl"; fi
sleep 0.8
expect "expired on read" "" "$(r GET short)"
base=$(r DBSIZE)
for i in $(seq 1 50); do echo "SET vol:$i x PX 300"; done | redis-cli -p "$PORT" >/dev/null
expect "volatile keys set" "$((base + 50))" "$(r DBSIZE)"
# Active expiry runs on the cron: poll (up to 15 s) until it removed them.
for _ in $(seq 300); do (($(r DBSIZE) == base)) && break; sleep 0.05; done
# DBSIZE counts stored keys, so this proves removal without any read of them.
expect "active expiry removed them" "$base" "$(r DBSIZE)"
expired=$(r INFO stats | tr -d '\r' | sed -n 's/^expired_keys://p')
if ((expired >= 50)); then pass "INFO expired_keys=$expired"; else fail "expired_keys=$expired"; fi

# Repeated commands and SCAN.
r -r 100 INCR counter >/dev/null
expect "INCR x100" "100" "$(r GET counter)"
for i in $(seq 1 30); do echo "SET scan:$i v"; done | redis-cli -p "$PORT" >/dev/null
expect "SCAN MATCH" "30" "$(redis-cli -p "$PORT" --scan --pattern 'scan:*' | sort -u | wc -l)"
expect "DBSIZE" "$(r KEYS '*' | wc -l)" "$(r DBSIZE)"

# Administration.
expect "CONFIG SET" "OK" "$(r CONFIG SET maxmemory 100mb)"
expect "CONFIG GET" $'maxmemory\n104857600' "$(r CONFIG GET maxmemory)"
expect "CONFIG GET glob" "4" "$(r CONFIG GET 'max*' | sed -n '1~2p' | wc -l)"
expect "CONFIG SET immutable" \
  "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config" \
  "$(r CONFIG SET port 1)"
info=$(r INFO | tr -d '\r')
for field in redis_version connected_clients used_memory total_commands_processed role \
             used_cpu_sys db0; do
  grep -q "^$field:" <<<"$info" && pass "INFO has $field" || fail "INFO lacks $field"
done
expect "CLIENT SETNAME" "OK" "$(r CLIENT SETNAME tester)"
expect "COMMAND COUNT > 50" "1" "$( (( $(r COMMAND COUNT) > 50 )) && echo 1)"
r DEBUG LOCKGRAPH >"$WORK/graph.json"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["cycles"] == [], d["cycles"]' \
  "$WORK/graph.json" && pass "DEBUG LOCKGRAPH is JSON without cycles" || fail "DEBUG LOCKGRAPH"
stats=$(r DEBUG LOCKGRAPH STATS)
grep -q "^store.shard$" <<<"$stats" && grep -q "^contended$" <<<"$stats" && grep -q "^live_nodes$" <<<"$stats" \
  && pass "DEBUG LOCKGRAPH STATS lists the shard locks' contention" || { fail "DEBUG LOCKGRAPH STATS"; echo "$stats"; }
r DEBUG LOCKGRAPH DOT | grep -q "^digraph" && pass "DEBUG LOCKGRAPH DOT" || fail "DEBUG LOCKGRAPH DOT"
expect "DEBUG LOCKGRAPH bad argument" "ERR syntax error" "$(r DEBUG LOCKGRAPH PIE)"

check_server_clean
r SHUTDOWN >/dev/null
for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVER_PID" 2>/dev/null && fail "SHUTDOWN did not stop the server" || pass "SHUTDOWN"
wait "$SERVER_PID"; expect "exit status after SHUTDOWN" "0" "$?"
finish
