#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# libaoe as an appliance developer gets it: a shared build of the project (its own build
# directory, AOE_INSTALL_BUILD_DIR, default <build dir>-shared, kept between runs so that only
# what changed is rebuilt) installed with `meson install --destdir` into a temporary staging
# root. Checks the installed files (public headers under include/aoe, libaoe.so with a
# versioned soname, libaoe.pc), that the library exports exactly the functions its installed
# headers declare, then builds examples/hello_bdev outside the tree with its Makefile and
# PKG_CONFIG_PATH pointing into the stage, and runs it (libaoe from the stage) on a vblade
# test bed, where it must write, read back and find the data intact.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

BUILD=${AOE_INSTALL_BUILD_DIR:-$(aoe_build_dir)-shared}
WORK=$(mktemp -d /tmp/aoeinstall.XXXXXX)
t_cleanup_add rm -rf "$WORK"
STAGE=$WORK/stage

# A shared library with a relocatable .pc, whatever the directory was configured with before.
opts=(-Ddefault_library=shared -Dpkgconfig.relocatable=true -Dtests=false)
if [[ -f $BUILD/build.ninja ]]; then
	t_check "configure $BUILD" meson configure "$BUILD" "${opts[@]}"
else
	t_check "set up $BUILD" meson setup "$BUILD" "$AOE_ROOT" "${opts[@]}" -Dwerror=true
fi
t_check "shared build" ninja -C "$BUILD" || { t_summary; exit 1; }
t_check "meson install --destdir" meson install -C "$BUILD" --destdir "$STAGE" --no-rebuild ||
	{ t_summary; exit 1; }

prefix=$(meson introspect "$BUILD" --buildoptions |
	python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
INC=$STAGE$prefix/include/aoe
PC=$(find "$STAGE" -name libaoe.pc)
LIBDIR=$(dirname "$(dirname "$PC")")
SO=$(find "$LIBDIR" -maxdepth 1 -type f -name 'libaoe.so.*')

for h in aoe.h aoe_bdev.h aoe_stats.h; do
	t_check "installed $h" test -f "$INC/$h"
done
t_check "no private header installed" bash -c "! ls '$INC' | grep -qx 'aoe_internal.h\|aoe_log.h\|aoe_wire.h\|aoe_tag.h'"
# The statistics region's reader is useless without its layout, and the layout without a reader.
shm=$( (test -f "$INC/aoe_shm.h" && echo 1) || echo 0)$( (test -f "$INC/aoe_shm_read.h" && echo 1) || echo 0)
t_check "aoe_shm.h and aoe_shm_read.h installed together or not at all ($shm)" \
	test "$shm" = 00 -o "$shm" = 11
t_check "libaoe.pc requires libdpdk" grep -qx 'Requires: libdpdk' "$PC"
t_check "libaoe.so has a versioned soname" \
	bash -c "readelf -d '$SO' | grep -q 'SONAME.*\[libaoe\.so\.[0-9][0-9]*\]'"
soname=$(readelf -d "$SO" | sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
t_check "$soname links to the library" test "$(readlink -f "$LIBDIR/$soname")" = "$SO"

# Exported: exactly the functions the installed headers declare (comments and macros aside;
# "(*name)(" is a callback type, not a function).
python3 - "$INC"/*.h >"$WORK/declared" <<'PY'
import re, sys
names = set()
for path in sys.argv[1:]:
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#[^\n]*(\\\n[^\n]*)*", " ", text, flags=re.M)
    names.update(re.findall(r"\b(aoe_\w+)\s*\(", text))
print("\n".join(sorted(names)))
PY
nm -D --defined-only --format=posix "$SO" | awk '$2 != "A" { sub(/@.*/, "", $1); print $1 }' |
	sort -u >"$WORK/exported"
t_check "the headers declare functions ($(wc -l <"$WORK/declared"))" test -s "$WORK/declared"
t_check "exported = declared in the installed headers" \
	diff -u "$WORK/declared" "$WORK/exported"
t_check "engine internals are not exported" \
	bash -c "! grep -E '^(aoe_session_|aoe_engine|aoe_mgmt_|aoe_target_lookup|aoe_wire|aoe_shm_)' '$WORK/exported'"

# The example, built away from the tree with nothing but pkg-config and the stage.
cp -r "$AOE_ROOT/examples/hello_bdev" "$WORK/hello_bdev"
rm -rf "$WORK/hello_bdev/build"
t_check "hello_bdev builds with pkg-config libaoe" env -u CPATH -u LIBRARY_PATH \
	PKG_CONFIG_PATH="$(dirname "$PC")" CFLAGS=-Werror make -C "$WORK/hello_bdev"
EX=$WORK/hello_bdev/build/hello_bdev
t_check "hello_bdev takes libaoe from the stage" \
	bash -c "LD_LIBRARY_PATH='$LIBDIR' ldd '$EX' | grep -q '$soname => $LIBDIR/'"

t_testbed_up inst --targets 1.1:16M || { t_summary; exit 1; }
t_dpdk_args install "$(t_af_packet)"
t_check "hello_bdev runs on e1.1" t_timeout 30 env LD_LIBRARY_PATH="$LIBDIR" "$EX" -l 0 "${T_DPDK_ARGS[@]}" -- e1.1 net_af_packet0
OUT=$T_OUT
t_check "hello_bdev says the data matched" grep -qx 'data matched: 65536 bytes at offset 0 of e1.1' <<<"$OUT"
t_check "hello_bdev flushed" grep -qx 'flushed' <<<"$OUT"
# The installed daemon runs from the stage too.
t_check "installed dpdk-aoe --status runs" t_timeout 30 env LD_LIBRARY_PATH="$LIBDIR" \
	"$STAGE$prefix/bin/dpdk-aoe" -l 0 "${T_DPDK_ARGS[@]}" -- --status
t_check "the installed daemon found e1.1 up" grep -Eq '^ *e1\.1 .* up *$' <<<"$T_OUT"
t_summary
