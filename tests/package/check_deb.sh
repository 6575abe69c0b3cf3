#!/usr/bin/env bash
# The Debian packages: builds them with CPack from BUILD_DIR, checks what each
# holds and declares, unpacks all three into a temporary root (dpkg-deb -x)
# and uses them from there: a plain Makefile project links lockgraph through
# pkg-config (static and shared library) and gets its report, the CLI runs a
# program under its preload library, and the server starts with the packaged
# config and answers.
# Usage: check_deb.sh BUILD_DIR CONSUMER_SOURCE CLI_PROGRAM
set -euo pipefail
build=$1 src=$2 cli_program=$3
work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

(cd "$work" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/debs") \
  >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
root=$work/root
for p in liblockgraph-dev lockgraph cacheforge-server; do
  deb=$(ls "$work"/debs/${p}_*.deb 2>/dev/null | head -1)
  [[ -n $deb ]] || fail "no $p package: $(ls "$work/debs")"
  [[ $(dpkg-deb -f "$deb" Package) == "$p" ]] || fail "$deb: wrong Package field"
  [[ -n $(dpkg-deb -f "$deb" Depends) ]] || fail "$deb: no Depends"
  dpkg-deb -x "$deb" "$root"
  dpkg-deb -c "$deb" >"$work/$p.list"
  echo "ok: $p $(dpkg-deb -f "$deb" Version), $(wc -l <"$work/$p.list") entries"
done
has() {  # has PACKAGE PATH: the package installs PATH
  grep -Eq " \./$2\$" "$work/$1.list" || fail "$1 lacks /$2"
}
has liblockgraph-dev usr/include/lockgraph/mutex.h
has liblockgraph-dev usr/include/lockgraph/lockgraph.h
has liblockgraph-dev 'usr/lib/liblockgraph\.a'
has liblockgraph-dev 'usr/lib/liblockgraph\.so.*'
has liblockgraph-dev 'usr/lib/pkgconfig/lockgraph\.pc'
has liblockgraph-dev 'usr/lib/pkgconfig/lockgraph-shared\.pc'
has liblockgraph-dev 'usr/lib/cmake/lockgraph/lockgraphConfig\.cmake'
has liblockgraph-dev 'usr/share/gdb/auto-load/lockgraph_gdb\.py'
has lockgraph usr/bin/lockgraph
has lockgraph 'usr/lib/liblockgraph_preload\.so'
has cacheforge-server usr/bin/cacheforge-server
has cacheforge-server usr/bin/cacheforge-cli
has cacheforge-server etc/cacheforge/cacheforge.conf
has cacheforge-server 'lib/systemd/system/cacheforge-server\.service'
echo "ok: each package holds its files"

# The server package's maintainer scripts and conffile.
server_deb=$(ls "$work"/debs/cacheforge-server_*.deb)
dpkg-deb -e "$server_deb" "$work/control"
grep -qx /etc/cacheforge/cacheforge.conf "$work/control/conffiles" || fail "config is not a conffile"
for s in postinst prerm postrm; do
  [[ -x $work/control/$s ]] || fail "no executable $s"
  sh -n "$work/control/$s" || fail "$s: syntax"
done
grep -q 'useradd --system' "$work/control/postinst" || fail "postinst makes no cacheforge user"
grep -q '^User=cacheforge$' "$root/lib/systemd/system/cacheforge-server.service" || fail "unit user"
grep -q '^ExecStart=/usr/bin/cacheforge-server /etc/cacheforge/cacheforge.conf$' \
  "$root/lib/systemd/system/cacheforge-server.service" || fail "unit ExecStart"
# On a machine that runs systemd, systemd itself checks the unit (with the
# unpacked binary in place of /usr/bin's).
if [[ -d /run/systemd/system ]] && command -v systemd-analyze >/dev/null; then
  sed "s|/usr/bin/cacheforge-server|$root/usr/bin/cacheforge-server|" \
    "$root/lib/systemd/system/cacheforge-server.service" >"$work/cacheforge-server.service"
  systemd-analyze verify "$work/cacheforge-server.service" >"$work/verify.log" 2>&1 ||
    { cat "$work/verify.log"; fail "systemd-analyze verify"; }
fi
[[ $(grep -c . "$work/control/conffiles") == 1 ]] || fail "conffiles: $(cat "$work/control/conffiles")"
echo "ok: conffile, maintainer scripts and systemd unit"

# A Makefile consumer through pkg-config, against the unpacked root.
export PKG_CONFIG_PATH=$root/usr/lib/pkgconfig
cp "$src" "$work/consumer.cc"
for pc in lockgraph lockgraph-shared; do
  ${CXX:-c++} -std=c++20 -g $(pkg-config --cflags $pc) -o "$work/consumer-$pc" "$work/consumer.cc" \
    $(pkg-config --libs $pc) >"$work/cc.log" 2>&1 || { cat "$work/cc.log"; fail "build with $pc"; }
  LD_LIBRARY_PATH=$root/usr/lib "$work/consumer-$pc" 2>"$work/report.txt" || true
  grep -q '^lockgraph: potential deadlock (lock-order inversion) between "consumer\.' \
    "$work/report.txt" || { cat "$work/report.txt"; fail "no report from the $pc consumer"; }
done
readelf -d "$work/consumer-lockgraph-shared" | grep -q 'NEEDED.*liblockgraph\.so' ||
  fail "the lockgraph-shared consumer does not load liblockgraph.so"
if readelf -d "$work/consumer-lockgraph" | grep -q 'NEEDED.*liblockgraph\.so'; then
  fail "the lockgraph (static) consumer loads liblockgraph.so"
fi
echo "ok: Makefile consumers link the packaged library, static and shared, and get the report"

# The CLI, with the packaged preload library found beside it.
"$root/usr/bin/lockgraph" --version >/dev/null || fail "lockgraph --version"
"$root/usr/bin/lockgraph" preload "$cli_program" >"$work/preload.txt" 2>&1 || true
grep -q '^lockgraph: potential deadlock' "$work/preload.txt" ||
  { cat "$work/preload.txt"; fail "lockgraph preload found nothing"; }
echo "ok: the packaged CLI runs a program under the packaged preload library"

# The server with the packaged config (port and directory moved for the test).
port=$((20000 + RANDOM % 20000))
mkdir "$work/data"
"$root/usr/bin/cacheforge-server" "$root/etc/cacheforge/cacheforge.conf" --port "$port" \
  --dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  reply=$("$root/usr/bin/cacheforge-cli" -p "$port" PING 2>/dev/null || true)
  [[ $reply == PONG ]] && break
  sleep 0.1
done
[[ $reply == PONG ]] || { cat "$work/server.log"; fail "server with the packaged config"; }
echo "ok: cacheforge-server starts with the packaged config and answers"
