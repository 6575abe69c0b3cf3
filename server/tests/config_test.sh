#!/usr/bin/env bash
# server/tests/config_test.sh SERVER CLI
# Settings end to end: config file plus --name value flags, CONFIG GET shows the
# result, bad settings stop startup with a message and exit 1.
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"

cat >"$WORK/cacheforge.conf" <<'CONF'
# settings for the test
maxmemory 2mb
appendonly yes
loglevel warning
hz 20
CONF
start_server --config "$WORK/cacheforge.conf" --maxmemory 100mb --threads 2
r() { redis-cli -p "$PORT" "$@" 2>&1; }
expect "flag overrides file" $'maxmemory\n104857600' "$(r CONFIG GET maxmemory)"
expect "file value" $'appendonly\nyes' "$(r CONFIG GET appendonly)"
expect "file hz" $'hz\n20' "$(r CONFIG GET hz)"
expect "threads" $'threads\n2' "$(r CONFIG GET threads)"
expect "bind default" $'bind\n127.0.0.1' "$(r CONFIG GET bind)"
expect "INFO aof_enabled" "aof_enabled:1" "$(r INFO persistence | tr -d '\r' | grep aof_enabled)"
expect "CONFIG SET loglevel" "OK" "$(r CONFIG SET loglevel verbose)"
expect "CONFIG RESETSTAT" "OK" "$(r CONFIG RESETSTAT)"
check_server_clean

# SIGTERM: a clean shutdown with exit status 0.
kill -TERM "$SERVER_PID"
for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
wait "$SERVER_PID"; expect "exit status after SIGTERM" "0" "$?"
grep -q "Received SIGTERM scheduling shutdown" "$SERVER_LOG" && pass "SIGTERM logged" \
  || fail "SIGTERM not logged"

# --logfile and --loglevel verbose: the banner and the per-second SET line.
start_server --threads 1 --loglevel verbose --logfile "$WORK/cacheforge.log"
redis-cli -p "$PORT" -r 200 SET k v >/dev/null
# The per-second line comes with the next second's statistics: poll for it.
for _ in $(seq 300); do
  grep -qE "Processed [0-9]+ SET operations in last second" "$WORK/cacheforge.log" && break
  sleep 0.05
done
grep -q "cacheforge-server .* starting: port=$PORT bind=127.0.0.1 threads=1" "$WORK/cacheforge.log" \
  && pass "startup banner in the log file" || fail "no banner in $(cat "$WORK/cacheforge.log")"
grep -qE "lockgraph: compiled (in|out), mode=" "$WORK/cacheforge.log" && pass "lockgraph mode logged" \
  || fail "lockgraph mode not logged"
grep -qE "Processed [0-9]+ SET operations in last second" "$WORK/cacheforge.log" \
  && pass "per-second SET line at verbose" || fail "no per-second SET line"
redis-cli -p "$PORT" SHUTDOWN >/dev/null 2>&1

# Bad settings: exit 1 with a message naming the problem.
startup_error() {  # startup_error NAME WANT-IN-MESSAGE ARGS...
  local name=$1 want=$2; shift 2
  local out rc
  out=$(timeout 10 "$SERVER" "$@" 2>&1); rc=$?
  if ((rc == 1)) && grep -qF -- "$want" <<<"$out"; then pass "$name"; else fail "$name: rc=$rc out=$out"; fi
}
startup_error "unknown option" "unknown option '--frobnicate'" --frobnicate yes
startup_error "bad port" "bad value '99999' for --port" --port 99999
startup_error "bad size" "bad value '12parsecs' for --maxmemory: argument must be a memory value" \
  --maxmemory 12parsecs
startup_error "missing value" "option '--port' needs a value" --port
printf 'port 1234\nnot-a-setting 5\n' >"$WORK/bad.conf"
startup_error "config file line" "$WORK/bad.conf:2: unknown setting 'not-a-setting'" --config "$WORK/bad.conf"
startup_error "missing dir" "can't chdir to '$WORK/nope'" --dir "$WORK/nope" --port "$(free_port)"
start_server --threads 1
startup_error "port in use" "could not create server TCP listening socket" --port "$PORT"
finish
