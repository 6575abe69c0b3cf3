#!/usr/bin/env bash
# Runs units of Redis's own Tcl test suite in "external server" mode against
# cacheforge-server (or, for a reference score, against a real redis-server)
# and prints a per-unit summary.
#
# This is a by-hand compatibility tool: it is NOT run in CI, and Redis's
# tests are never copied into this repository. Point it at a Redis checkout
# elsewhere, of the version we aim to be compatible with (7.0.x):
#
#   git clone --branch 7.0.15 --depth 1 https://github.com/redis/redis /tmp/redis-src
#   scripts/redis-tcl-suite.sh /tmp/redis-src                       # cacheforge (default binary)
#   scripts/redis-tcl-suite.sh /tmp/redis-src --server /usr/bin/redis-server   # reference score
#
# Usage: scripts/redis-tcl-suite.sh REDIS_SRC_DIR [options] [-- extra test_helper.tcl args]
#   --server BINARY     server to start (default build/release/server/cacheforge-server);
#                       cacheforge-server and redis-server are recognised by --version
#   --port P            don't start anything: test the server already listening on
#                       127.0.0.1:P (it is flushed by the tests!)
#   --units "U1 U2 ..." units to run, e.g. "unit/type/hash unit/expire"
#                       (default: the data-type/keyspace units listed in DEFAULT_UNITS)
#   --logs DIR          where each unit's full log goes (default /tmp/redis-tcl-logs)
#   --unit-timeout S    hard wall-clock limit per unit (default 600)
#   --tags "T1 -T2"     extra --tags filters for test_helper.tcl, added to the defaults
#   --durable           pass --durable: a Tcl exception inside a test counts as a
#                       failure and the unit goes on, instead of aborting the unit
#   --lenient-harness   tolerate a missing FUNCTION command in the harness's own
#                       per-server setup (see make_overlay); off by default so the
#                       default score is what Redis's unmodified harness reports
#   --threads N         cacheforge-server I/O threads (default 2)
#   --multidb           let the units SELECT 9 (as with redis-server) instead of
#                       passing --singledb
#
# Output: one line per unit (tests passed, failed, exceptions, ignored, how the
# unit ended), plus under --logs: UNIT.log (harness output), UNIT.server.log,
# summary.tsv and failures.txt (every failed test with its first error line).
# Exit status: 0 all units ran clean, 1 some test failed or a unit aborted,
# 2 usage or setup error.
set -uo pipefail   # no -e: failing units are the normal case here

DEFAULT_UNITS="unit/type/incr unit/type/string unit/keyspace unit/type/list
unit/type/hash unit/type/set unit/type/zset unit/bitops unit/multi unit/pubsub
unit/expire"

# Tests that need things an external cacheforge server cannot offer (replication
# stream, DEBUG/OBJECT, memory limits, SAVE, RESET, CONFIG RESETSTAT, PFDEBUG).
# The same filter is applied to redis-server so the two scores are comparable.
DEFAULT_TAGS="-needs:repl -needs:debug -needs:pfdebug -needs:config-maxmemory
-needs:config-resetstat -needs:reset -needs:save"

usage() { sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 2; }
die() { echo "redis-tcl-suite: $*" >&2; exit 2; }

repo_root=$(cd "$(dirname "$0")/.." && pwd)
[[ $# -ge 1 && $1 != -* ]] || usage
redis_src=$(cd "$1" 2>/dev/null && pwd) || die "no such directory: $1"
shift
server_bin="$repo_root/build/release/server/cacheforge-server"
ext_port="" units="$DEFAULT_UNITS" logs=/tmp/redis-tcl-logs unit_timeout=600
extra_tags="" durable=0 multidb=0 lenient=0 threads=2 passthrough=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --server) server_bin=$2; shift 2 ;;
    --port) ext_port=$2; shift 2 ;;
    --units) units=$2; shift 2 ;;
    --logs) logs=$2; shift 2 ;;
    --unit-timeout) unit_timeout=$2; shift 2 ;;
    --tags) extra_tags=$2; shift 2 ;;
    --durable) durable=1; shift ;;
    --multidb) multidb=1; shift ;;
    --lenient-harness) lenient=1; shift ;;
    --threads) threads=$2; shift 2 ;;
    --) shift; passthrough=("$@"); break ;;
    -h|--help) usage ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
[[ -f $redis_src/tests/test_helper.tcl ]] || die "$redis_src has no tests/test_helper.tcl"
command -v tclsh >/dev/null || die "tclsh not found (apt-get install tcl)"
mkdir -p "$logs" || die "cannot create $logs"

tmp_root=$(mktemp -d /tmp/redis-tcl-suite.XXXXXX)
server_pid=""
stop_server() {
  [[ -n $server_pid ]] || return 0
  kill "$server_pid" 2>/dev/null
  # Give it a moment to exit cleanly, then make sure it is gone.
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
}
trap 'stop_server; rm -rf "$tmp_root"' EXIT
trap 'exit 130' INT TERM

# The harness must run from the root of a Redis tree (it sources tests/...
# and writes tests/tmp). Run it from an overlay of symlinks instead of the
# checkout itself, so the checkout stays read-only, two runs (reference and
# cacheforge) can go in parallel without sharing tests/tmp, and
# --lenient-harness can swap in one patched harness file.
make_overlay() {
  local ov=$tmp_root/tree f
  mkdir -p "$ov/tests/support" "$ov/tests/tmp"
  for f in "$redis_src"/*; do [[ ${f##*/} == tests ]] || ln -s "$f" "$ov/"; done
  for f in "$redis_src"/tests/*; do
    case ${f##*/} in support|tmp) ;; *) ln -s "$f" "$ov/tests/" ;; esac
  done
  for f in "$redis_src"/tests/support/*; do ln -s "$f" "$ov/tests/support/"; done
  if [[ $lenient == 1 ]]; then
    # In external mode every start_server block begins with "r flushall" and
    # "r function flush" (support/server.tcl, run_external_server_test). A
    # server without FUNCTION therefore aborts every unit before its first
    # test; wrapping that one call in catch lets the real tests run.
    rm "$ov/tests/support/server.tcl"
    sed 's/^\( *\)r function flush$/\1catch {r function flush}/' \
      "$redis_src/tests/support/server.tcl" >"$ov/tests/support/server.tcl"
    grep -q 'catch {r function flush}' "$ov/tests/support/server.tcl" ||
      die "--lenient-harness: 'r function flush' not found in support/server.tcl"
  fi
  echo "$ov"
}
overlay=$(make_overlay) || exit 2

# Which server is it? The two binaries take different flags.
server_kind=""
if [[ -z $ext_port ]]; then
  [[ -x $server_bin ]] || die "server binary not found: $server_bin"
  case $("$server_bin" --version 2>&1) in
    *cacheforge*) server_kind=cacheforge ;;
    *"Redis server"*) server_kind=redis ;;
    *) die "cannot tell what $server_bin is from its --version" ;;
  esac
fi

# True if something accepts connections on 127.0.0.1:$1 and answers PING.
# Uses bash's /dev/tcp so that redis-cli is not required.
pings() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'PING\r\n' >&3
  read -r -t 2 reply <&3
  exec 3<&- 3>&-
  [[ $reply == +PONG* ]]
} 2>/dev/null

# Start a fresh server for one unit (fresh so that one unit's leftovers or a
# crash cannot affect the next). Listens on 127.0.0.1 only, on a random port
# that nothing answers on; retried if the port turns out to be taken.
# Sets the globals port and server_pid (so it must not run in a subshell).
start_server() {
  local srvlog=$1 dir attempt
  dir=$(mktemp -d "$tmp_root/data.XXXXXX")
  for attempt in 1 2 3 4 5; do
    port=$((30000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if [[ $server_kind == cacheforge ]]; then
      "$server_bin" --port "$port" --bind 127.0.0.1 --dir "$dir" \
        --threads "$threads" --appendonly no >>"$srvlog" 2>&1 &
    else
      # Persistence off, like Redis's own external-mode CI job; DEBUG stays
      # disabled, which is what the needs:debug filter assumes.
      "$server_bin" --port "$port" --bind 127.0.0.1 --dir "$dir" \
        --save '' --appendonly no --daemonize no --logfile '' >>"$srvlog" 2>&1 &
    fi
    server_pid=$!
    for _ in $(seq 50); do
      pings "$port" && return 0
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_server
  done
  return 1
}

# Turn a harness log into one summary line (tab separated):
#   passed failed exceptions ignored outcome
# and append "unit<TAB>test<TAB>first error line" rows for each failure to
# the file named by $2. What the harness (tests/test_helper.tcl) prints:
#   [ok]: NAME (N ms)
#   [err]: NAME in tests/FILE.tcl   then the assertion message; under --durable
#          a Tcl error inside a test is also an [err], whose next lines are
#          the message minus its first 10 characters, then the errorInfo
#          (starting with the full message, then "    while executing")
#   [err]: MESSAGE   (no " in tests/...": under --durable, an error outside
#          any test ended its start_server block; the rest of it was skipped)
#   [exception]: Executing test client: MESSAGE   then the errorInfo; the
#          unit stops there
#   [TIMEOUT]: ...   then the client state, "(IN PROGRESS) NAME"
#   [1/1 done]: UNIT (N seconds)   when the unit ran to its end
parse_log() {
  awk -v unit="$3" -v failures="$2" '
    function emit(msg) {
      printf "%s\t%s\t%s\n", unit, name, msg >> failures
      pending = 0
    }
    # Resolve a pending [err]: its first line, unless the line after next
    # shows an errorInfo, whose first line is the untruncated message.
    pending && /^\[/ { emit(l1) }
    pending && NF {
      n++
      if (n == 1) { l1 = $0; next }
      if (n == 2) { l2 = $0; next }
      emit(/^    while executing/ ? l2 : l1)
    }
    /^\[ok\]: /      { ok++; last = substr($0, 7); sub(/ \([0-9]+ ms\)$/, "", last) }
    /^\[ignore\]: /  { ign++ }
    /^\[err\]: / {
      name = substr($0, 8)
      if (sub(/ in tests\/[^ ]*\.tcl$/, "", name)) err++
      else { blk++; name = "(start_server block aborted, rest of it skipped)" }
      last = name; pending = 1; n = 0; next
    }
    /^\[exception\]: / {
      exc++; emsg = $0; sub(/^\[exception\]: (Executing test client: )?/, "", emsg)
      in_exc = 1; next
    }
    # In the errorInfo (innermost call first), the first quoted command that
    # is not client plumbing is what raised the exception, and the first
    # "test NAME {" is the test it happened in.
    in_exc && /^"/ && cmd == "" && !/^"(\[srv |::redis|redis_|error |uplevel|return )/ { cmd = $0 }
    in_exc && /^"test / && etest == "" {
      etest = substr($0, 7)
      if (match(etest, /^\{[^}]*\}/) || match(etest, /^"[^"]*"/)) etest = substr(etest, 2, RLENGTH - 2)
    }
    /^\[TIMEOUT\]/   { tmo = 1 }
    tmo && /\(IN PROGRESS\) / { ttest = $0; sub(/.*\(IN PROGRESS\) /, "", ttest) }
    /^\[[0-9]+\/[0-9]+ done\]: / { done = 1 }
    END {
      if (pending) emit(n >= 1 ? l1 : "")
      if (exc) {
        where = (etest != "") ? "in test \"" etest "\"" : \
                (last != "") ? "outside any test (after \"" last "\")" : "before the first test"
        out = "ABORTED " where ": " emsg (cmd != "" ? " <- " cmd : "")
        printf "%s\t(exception)\t%s\n", unit, out >> failures
      } else if (tmo)  out = "TIMEOUT in test " ttest
      else if (done)   out = "completed"
      else             out = "STOPPED unfinished, after \"" last "\" (see log)"
      if (blk) out = out ", " blk " start_server block(s) aborted"
      printf "%d\t%d\t%d\t%d\t%s\n", ok, err, exc, ign, out
    }' "$1"
}

# --singledb: run in database 0 only, unless --multidb is given (the units
# then SELECT 9 as against redis-server, and keyspace.tcl's MOVE, SWAPDB and
# COPY ... DB cases run). --ignore-encoding and
# --ignore-digest (7.0+; skipped if this checkout's harness lacks them): don't
# check OBJECT ENCODING or DEBUG DIGEST, which are Redis internals.
# --clients 1: external mode uses a single client anyway.
harness_args=(--clients 1)
[[ $multidb == 1 ]] || harness_args+=(--singledb)
for opt in --ignore-encoding --ignore-digest; do
  grep -q -- "\$opt eq {$opt}" "$redis_src/tests/test_helper.tcl" && harness_args+=("$opt")
done
for t in $DEFAULT_TAGS $extra_tags; do harness_args+=(--tags "$t"); done
[[ $durable == 1 ]] && harness_args+=(--durable)

summary=$logs/summary.tsv failures=$logs/failures.txt
printf 'unit\tpassed\tfailed\texceptions\tignored\toutcome\n' >"$summary"
: >"$failures"
if [[ -n $ext_port ]]; then
  pings "$ext_port" || die "nothing answers PING on 127.0.0.1:$ext_port"
  echo "Redis tests: $redis_src   server: 127.0.0.1:$ext_port (already running)   logs: $logs"
else
  echo "Redis tests: $redis_src   server: $server_bin   logs: $logs"
fi
[[ $lenient == 1 ]] && echo "(--lenient-harness: FUNCTION FLUSH errors in harness setup are ignored)"
status=0
for unit in $units; do
  slug=${unit//\//_}
  log=$logs/$slug.log srvlog=$logs/$slug.server.log
  : >"$srvlog"
  if [[ -n $ext_port ]]; then
    port=$ext_port
  else
    start_server "$srvlog" || die "could not start $server_bin (see $srvlog)"
  fi
  # The harness's own --timeout (no progress at all for N seconds) is set
  # below the hard limit so that a hang is reported with the test's name.
  # timeout(1) signals its whole process group, which includes the client
  # tclsh that the harness forks.
  (cd "$overlay" && TERM=dumb timeout -k 10 "$unit_timeout" \
    tclsh tests/test_helper.tcl --host 127.0.0.1 --port "$port" \
      --timeout $((unit_timeout > 240 ? 180 : unit_timeout * 3 / 4)) \
      "${harness_args[@]}" "${passthrough[@]}" --single "$unit") >"$log" 2>&1
  rc=$?
  line=$(parse_log "$log" "$failures" "$unit")
  if [[ $rc == 124 || $rc == 137 ]]; then
    line=$(printf '%s' "$line" | awk -F'\t' -v OFS='\t' -v t="$unit_timeout" '{$5 = "KILLED at the " t "s limit: " $5; print}')
  fi
  if [[ -z $ext_port ]]; then
    kill -0 "$server_pid" 2>/dev/null ||
      line=$(printf '%s' "$line" | awk -F'\t' -v OFS='\t' '{$5 = $5 "; SERVER DIED (see server log)"; print}')
    stop_server
  fi
  printf '%s\t%s\n' "$unit" "$line" >>"$summary"
  IFS=$'\t' read -r ok err exc ign outcome <<<"$line"
  [[ $err == 0 && $exc == 0 && $outcome == completed ]] || status=1
  printf '%-18s passed %4s  failed %4s  exc %s  %s\n' "$unit" "$ok" "$err" "$exc" "$outcome"
done

echo
column -t -s $'\t' "$summary" 2>/dev/null || cat "$summary"
echo
echo "Failed tests with their first error line: $failures"
exit $status
