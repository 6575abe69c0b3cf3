#!/usr/bin/env bash
# server/tests/security_test.sh SERVER CLI
# Security defaults: loopback-only unless told otherwise, requirepass with
# AUTH in both forms, NOAUTH and WRONGPASS, and protected mode (startup
# refusal with a message that says how to fix it; per-client refusal when
# the password is removed at runtime).
SERVER=$1 CLI=$2
source "$(dirname "$0")/lib.sh"

# listening_addresses PORT: the local addresses of listening sockets on PORT.
listening_addresses() {
  local hex; hex=$(printf '%04X' "$1")
  awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" {print $2}' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# start_plain ARGS: starts the server with exactly ARGS (no --bind); sets SERVER_PID.
start_plain() {
  SERVER_LOG="$WORK/plain.$RANDOM.log"
  "$SERVER" --dir "$WORK" "$@" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do
    redis-cli -p "$PORT" PING 2>/dev/null | grep -qE 'PONG|NOAUTH' && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  fail "server did not start: $(cat "$SERVER_LOG")"
}
stop() { redis-cli -p "$PORT" --no-auth-warning ${1:+-a "$1"} SHUTDOWN >/dev/null 2>&1; wait_exit "$SERVER_PID"; }

# Loopback only by default.
PORT=$(free_port)
start_plain --port "$PORT" --threads 1
expect "listens on 127.0.0.1 only" "0100007F:$(printf '%04X' "$PORT")" "$(listening_addresses "$PORT")"
expect "bind default" $'bind\n127.0.0.1' "$(redis-cli -p "$PORT" CONFIG GET bind)"
check_server_clean
stop

# requirepass: every form of AUTH, on one connection per scenario.
start_server --threads 1 --requirepass 'hunter2'
"$PY" - "$PORT" <<'PY' || fail "AUTH checks"
import socket
import sys
port = int(sys.argv[1])
failures = []

class Conn:
    """One raw connection: commands in, the first reply line out."""
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.f = self.s.makefile("rb")
    def __call__(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        line = self.f.readline().rstrip(b"\r\n").decode()
        if line.startswith("*"):  # HELLO: skip the map, report its size
            for _ in range(int(line[1:])):
                item = self.f.readline()
                if item.startswith(b"$") and item[1:2] != b"-":
                    self.f.readline()
                elif item.startswith(b"*"):
                    for _ in range(int(item[1:])):
                        self.f.readline()
        return line

def check(name, want, got):
    ok = got == want
    print(("ok: " if ok else "FAIL: ") + name + ("" if ok else f": want {want!r} got {got!r}"))
    if not ok:
        failures.append(name)

WRONG = "-WRONGPASS invalid username-password pair or user is disabled."
NOAUTH = "-NOAUTH Authentication required."
c = Conn()
check("NOAUTH before AUTH", NOAUTH, c("GET", "k"))
check("SHUTDOWN needs AUTH too", NOAUTH, c("SHUTDOWN"))
check("WRONGPASS one-argument form", WRONG, c("AUTH", "wrong"))
check("WRONGPASS default user", WRONG, c("AUTH", "default", "wrong"))
check("WRONGPASS other user", WRONG, c("AUTH", "admin", "hunter2"))
check("WRONGPASS password prefix", WRONG, c("AUTH", "hunter"))
check("still locked", NOAUTH, c("GET", "k"))
check("AUTH default PASS", "+OK", c("AUTH", "default", "hunter2"))
check("in after AUTH", "$-1", c("GET", "k"))
c2 = Conn()
check("AUTH PASS", "+OK", c2("AUTH", "hunter2"))
check("in after AUTH PASS", "+PONG", c2("PING"))
c3 = Conn()
check("HELLO with a wrong password", WRONG, c3("HELLO", "2", "AUTH", "default", "nope"))
check("HELLO without AUTH is refused", True, c3("HELLO", "2").startswith("-NOAUTH"))
check("HELLO 2 AUTH default PASS", "*14", c3("HELLO", "2", "AUTH", "default", "hunter2"))
check("in after HELLO AUTH", "+PONG", c3("PING"))
sys.exit(1 if failures else 0)
PY
check_server_clean
stop hunter2

# Protected mode: a non-loopback address without a password is refused at
# startup, with what to do about it.
out=$(timeout 10 "$SERVER" --port "$(free_port)" --bind 0.0.0.0 2>&1); rc=$?
if ((rc == 1)) && grep -q "refusing to listen on 0.0.0.0: protected mode is on and no password is set" <<<"$out" \
   && grep -q -- "--requirepass PASSWORD" <<<"$out" && grep -q -- "--protected-mode no" <<<"$out"; then
  pass "0.0.0.0 without a password refused, with the fixes named"
else
  fail "protected mode at startup: rc=$rc out=$out"
fi
out=$(timeout 10 "$SERVER" --port "$(free_port)" --bind "127.0.0.1 0.0.0.0" 2>&1); rc=$?
((rc == 1)) && pass "any non-loopback address in the list is refused" || fail "rc=$rc out=$out"
printf 'bind 0.0.0.0\n' >"$WORK/open.conf"
out=$(timeout 10 "$SERVER" "$WORK/open.conf" --port "$(free_port)" 2>&1); rc=$?
((rc == 1)) && grep -q "refusing to listen on 0.0.0.0" <<<"$out" && pass "from a config file too" \
  || fail "config file: rc=$rc out=$out"

PORT=$(free_port)
start_plain --port "$PORT" --threads 1 --bind 0.0.0.0 --protected-mode no
expect "--protected-mode no starts and answers on loopback" "PONG" "$(redis-cli -p "$PORT" PING)"
expect "listens on the wildcard address" "00000000:$(printf '%04X' "$PORT")" "$(listening_addresses "$PORT")"

# Per client: with protected mode back on and no password, a client that is
# not on this host is refused; loopback clients are not.
other_ip=$("$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.connect(("10.255.255.255", 1)); print(s.getsockname()[0])
except OSError:
    print("")')
expect "CONFIG SET protected-mode yes" "OK" "$(redis-cli -p "$PORT" CONFIG SET protected-mode yes)"
if [[ -n $other_ip && $other_ip != 127.* ]]; then
  reply=$(redis-cli -h "$other_ip" -p "$PORT" PING 2>&1)
  [[ $reply == DENIED* ]] && pass "a client from $other_ip is refused with DENIED" \
    || fail "non-loopback client in protected mode got: $reply"
  expect "a loopback client is served" "PONG" "$(redis-cli -p "$PORT" PING)"
  redis-cli -p "$PORT" CONFIG SET requirepass pw >/dev/null
  expect "with a password it is let in (to authenticate)" "NOAUTH Authentication required." \
    "$(redis-cli -h "$other_ip" -p "$PORT" PING 2>&1)"
  check_server_clean
  stop pw
else
  echo "skip: no non-loopback IPv4 address to test per-client protected mode from"
  check_server_clean
  stop
fi

PORT=$(free_port)
start_plain --port "$PORT" --threads 1 --bind 0.0.0.0 --requirepass pw
expect "0.0.0.0 with a password starts" "PONG" "$(redis-cli -p "$PORT" --no-auth-warning -a pw PING)"
check_server_clean
stop pw
finish
