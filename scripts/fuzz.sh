#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Fuzz the AoE wire codec (or, with TARGET nbd, the NBD server's option and request parsers)
# with libFuzzer for SECONDS (default 60).
#
#   scripts/fuzz.sh [SECONDS] [aoe_wire|nbd]
#
# Installs clang-14 and its runtime (libFuzzer, sanitizers) when missing, builds
# tests/fuzz/fuzz_TARGET in its own build directory (AOE_FUZZ_BUILD, default build-fuzz) and
# runs it on a corpus kept in that directory. Exits non-zero when the fuzzer finds a crash, a
# leak or a broken round trip; the input that did it is left in $AOE_FUZZ_BUILD/fuzz-artifacts.
set -euo pipefail

secs=${1:-60}
target=${2:-aoe_wire}
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS] [aoe_wire|nbd]" >&2; exit 2 ;;
esac
case $target in
aoe_wire | nbd) ;;
*) echo "usage: $0 [SECONDS] [aoe_wire|nbd]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=${AOE_FUZZ_BUILD:-$root/build-fuzz}

missing=()
command -v clang-14 >/dev/null 2>&1 || missing+=(clang-14)
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || missing+=(libclang-rt-14-dev)
if [ ${#missing[@]} -gt 0 ]; then
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "fuzz.sh: installing ${missing[*]}" >&2
	$sudo apt-get update -q
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

if [ ! -f "$build/build.ninja" ]; then
	CC=clang-14 meson setup "$build" "$root" -Dfuzz=true -Dtests=true
else
	meson configure "$build" -Dfuzz=true -Dtests=true
fi
ninja -C "$build" -j2 "tests/fuzz/fuzz_$target"

corpus=$build/fuzz-corpus/$target
artifacts=$build/fuzz-artifacts/
mkdir -p "$corpus" "$artifacts"
if [ "$target" = nbd ]; then
	# A client's bytes: flags, options that reach the transmission phase, then requests.
	if [ -z "$(ls -A "$corpus")" ]; then
		python3 - "$corpus" <<'PY'
import struct, sys
d = sys.argv[1]
def opt(o, data=b""): return b"IHAVEOPT" + struct.pack(">II", o, len(data)) + data
def req(t, f, off, n, payload=b""): return struct.pack(">IHHQQI", 0x25609513, f, t, 7, off, n) + payload
name = b"e1.1"
go = struct.pack(">I", len(name)) + name + struct.pack(">HH", 1, 3)
meta = struct.pack(">I", len(name)) + name + struct.pack(">II", 1, 15) + b"base:allocation"
reqs = (req(0, 0, 0, 4096) + req(1, 1, 4096, 512, bytes(512)) + req(6, 3, 0, 1 << 20) +
        req(7, 8, 0, 65536) + req(3, 0, 0, 0) + req(5, 0, 0, 512) + req(2, 0, 0, 0))
open(f"{d}/seed-go", "wb").write(struct.pack(">I", 3) + opt(8) + opt(10, meta) + opt(3) + opt(7, go) + reqs)
open(f"{d}/seed-export-name", "wb").write(struct.pack(">I", 1) + opt(1, b"e1.2") + req(1, 0, 0, 512, bytes(512)))
open(f"{d}/seed-addr", "wb").write(b"tcp:[::1]:10809")
PY
	fi
	echo "fuzz.sh: running fuzz_nbd for ${secs}s" >&2
	exec "$build/tests/fuzz/fuzz_nbd" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$artifacts" "$corpus"
fi

# A few valid frames to start from, so the fuzzer spends its time past the EtherType check.
eth='\x00\x11\x22\x33\x44\x55\x02\xaa\xbb\xcc\xdd\xee\x88\xa2'
seed() {
	printf "$2" >"$corpus/seed-$1"
}
if [ -z "$(ls -A "$corpus")" ]; then
	# Common header after the addresses: ver|flags, error, shelf 7, slot 3, command, tag.
	seed ata-read "$eth"'\x10\x00\x00\x07\x03\x00\x00\x00\x00\x01'\
'\x40\x00\x02\x24\x01\x02\x03\x04\x05\x06\x00\x00'
	seed ata-lba28 "$eth"'\x10\x00\x00\x07\x03\x00\x00\x00\x00\x02'\
'\x00\x00\x01\x20\x01\x02\x03\xe4\x00\x00\x00\x00'
	seed ata-write "$eth"'\x10\x00\x00\x07\x03\x00\x00\x00\x00\x03'\
'\x41\x00\x01\x34\x00\x00\x00\x10\x00\x00\x00\x00'
	head -c 512 /dev/zero >>"$corpus/seed-ata-write"
	seed ata-rsp "$eth"'\x18\x00\x00\x07\x03\x00\x00\x00\x00\x01'\
'\x40\x00\x02\x50\x01\x02\x03\x04\x05\x06\x00\x00'
	seed ata-err "$eth"'\x1c\x03\x00\x07\x03\x00\x00\x00\x00\x01'
	seed cfg-rsp "$eth"'\x18\x00\x00\x07\x03\x01\x00\x00\x00\x2a'\
'\x00\x10\x40\x19\x02\x14\x00\x05hello'
	seed mask "$eth"'\x10\x00\x00\x07\x03\x02\x00\x00\x00\x63\x00\x01\x00\x02'\
'\x00\x01\x02\x11\x11\x11\x11\x11\x00\x02\x02\x22\x22\x22\x22\x22'
	seed res "$eth"'\x10\x00\x00\x07\x03\x03\x00\x00\x01\x00'\
'\x01\x01\x02\x11\x11\x11\x11\x11'
fi

echo "fuzz.sh: running fuzz_aoe_wire for ${secs}s" >&2
exec "$build/tests/fuzz/fuzz_aoe_wire" -max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$artifacts" "$corpus"
