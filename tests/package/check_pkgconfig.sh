#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a plain Makefile
# project against it through pkg-config alone (no CMake), runs it and checks
# its report; then the same source with -DLOCKGRAPH_DISABLE and no library.
# And a C program using the C API, compiled and linked by the C compiler.
# Usage: check_pkgconfig.sh BUILD_DIR CONSUMER_SOURCE C_SOURCE [CXX_FLAGS [LINKER_FLAGS]]
set -euo pipefail
build=$1 src=$2 c_src=$3 cxx_flags=${4:-} link_flags=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
# Moved after installing: the .pc file finds its prefix relative to itself.
mv "$work/prefix" "$work/moved"
pc=$(dirname "$(find "$work/moved" -name lockgraph.pc | head -1)")
[[ -n $pc ]] || { echo "FAIL: no lockgraph.pc installed"; exit 1; }
cat >"$work/Makefile" <<MAKE
CXXFLAGS += -std=c++20 -g $cxx_flags \$(shell pkg-config --cflags lockgraph)
LDLIBS += \$(shell pkg-config --libs lockgraph)
LDFLAGS += $link_flags
consumer: consumer.cc
	\$(CXX) \$(CXXFLAGS) \$(LDFLAGS) -o \$@ \$< \$(LDLIBS)
MAKE
cp "$src" "$work/consumer.cc"
PKG_CONFIG_PATH=$pc make -s -C "$work" consumer >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
"$work/consumer" 2>"$work/report.txt" || true
grep -q '^lockgraph: potential deadlock (lock-order inversion) between "consumer.\(inbox\|outbox\)" and "consumer.\(inbox\|outbox\)"' "$work/report.txt" ||
  { echo "FAIL: no report from the pkg-config consumer:"; cat "$work/report.txt"; exit 1; }
grep -q 'consumer.cc:' "$work/report.txt" ||
  { echo "FAIL: report lacks consumer.cc frames"; cat "$work/report.txt"; exit 1; }
echo "ok: a Makefile project links lockgraph through pkg-config and gets the report"
# Compiled out: the standard types, nothing to link, no report.
${CXX:-c++} -std=c++20 -DLOCKGRAPH_DISABLE $cxx_flags -I"$work/moved/include" $link_flags \
  -o "$work/off" "$work/consumer.cc" -pthread
"$work/off" 2>"$work/off.txt"
if grep -q lockgraph "$work/off.txt"; then echo "FAIL: compiled out but reported"; exit 1; fi
echo "ok: -DLOCKGRAPH_DISABLE needs no library and reports nothing"
# C, through pkg-config: cc compiles lockgraph/lockgraph.h and links the library.
cp "$c_src" "$work/c_abba.c"
PKG_CONFIG_PATH=$pc ${CC:-cc} -std=c11 -g -Wall -Werror $cxx_flags $link_flags \
  $(PKG_CONFIG_PATH=$pc pkg-config --cflags lockgraph) -o "$work/c_abba" "$work/c_abba.c" \
  $(PKG_CONFIG_PATH=$pc pkg-config --libs lockgraph) >"$work/clog" 2>&1 || { cat "$work/clog"; exit 1; }
"$work/c_abba" 2>"$work/c_report.txt" >/dev/null
grep -q '^lockgraph: potential deadlock (lock-order inversion) between "c.\(spin\|table\)"' "$work/c_report.txt" ||
  { echo "FAIL: no report from the C consumer"; cat "$work/c_report.txt"; exit 1; }
echo "ok: a C program uses the C API through pkg-config and gets the report"
