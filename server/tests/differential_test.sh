#!/usr/bin/env bash
# server/tests/differential_test.sh SERVER CLI
# Sends the same random command sequences to cacheforge-server and to a real
# redis-server and compares every reply (differential_test.py); skipped when
# redis-server is not installed. DIFF_SECONDS (whole seconds, default 20) and
# DIFF_GROUPS (comma-separated; default: strings, keys and each data-type or
# bitmaps group whose first command cacheforge-server knows) tune a run. The
# keyspace notifications each command publishes are compared too, in RESP2
# and then in RESP3. A failure prints the seed and the command line that
# replays it.
SERVER=$1 CLI=$2
if ! command -v redis-server >/dev/null; then
  echo "SKIP: redis-server not installed"
  exit 0
fi
source "$(dirname "$0")/lib.sh"
start_server --threads 2

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
  >"$WORK/redis.log" 2>&1 &
SERVER_PIDS+=($!)
for _ in $(seq 100); do
  redis-cli -p "$REDIS_PORT" PING 2>/dev/null | grep -q PONG && break
  sleep 0.05
done
redis-cli -p "$REDIS_PORT" PING 2>/dev/null | grep -q PONG \
  || { echo "redis-server did not start:"; cat "$WORK/redis.log"; exit 1; }

# A group joins once its data type exists in cacheforge-server (COMMAND INFO
# names a known command, and is empty for an unknown one); from then on every
# command of the group must match Redis.
groups=strings,keys
for group_command in lists:lpush hashes:hset sets:sadd zsets:zadd bitmaps:setbit databases:swapdb \
    transactions:multi; do
  command=${group_command#*:}
  if [[ "$(redis-cli -p "$PORT" COMMAND INFO "$command" | head -1)" == "$command" ]]; then
    groups+=",${group_command%%:*}"
  fi
done

# Three fifths of the time in RESP2, the rest in RESP3 (HELLO 3 on every
# connection, the keyspace subscribers' included).
seconds=${DIFF_SECONDS:-20}
resp2_seconds=$((seconds * 3 / 5))
resp3_seconds=$((seconds - resp2_seconds))
for protocol in resp2 resp3; do
  [[ $protocol == resp2 ]] && part=$resp2_seconds flag="" || part=$resp3_seconds flag=--resp3
  ((part > 0)) || continue
  timeout $((part + 60)) "$PY" "$(dirname "$0")/differential_test.py" \
    --redis-port "$REDIS_PORT" --cacheforge-port "$PORT" \
    --seconds "$part" --groups "${DIFF_GROUPS:-$groups}" --notifications $flag \
    || fail "replies differ from redis-server's in ${protocol^^} (see above)"
done
check_server_clean
finish
