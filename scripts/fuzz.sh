#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Fuzz the AoE wire codec (TARGET wire, the default) or the partition table scanner (part) with
# libFuzzer for SECONDS (default 60).
#
#   scripts/fuzz.sh [SECONDS] [wire|part]
#
# Installs clang-14 and its runtime (libFuzzer, sanitizers) when missing, builds
# tests/fuzz/fuzz_aoe_TARGET in its own build directory (AOE_FUZZ_BUILD, default build-fuzz) and
# runs it on a corpus kept in that directory. Exits non-zero when the fuzzer finds a crash, a
# leak or a broken round trip; the input that did it is left in $AOE_FUZZ_BUILD/fuzz-artifacts.
set -euo pipefail

secs=${1:-60}
target=${2:-wire}
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS] [wire|part]" >&2; exit 2 ;;
esac
case $target in
wire | part) ;;
*) echo "usage: $0 [SECONDS] [wire|part]" >&2; exit 2 ;;
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
ninja -C "$build" -j2 "tests/fuzz/fuzz_aoe_$target"
corpus=$build/fuzz-corpus/aoe_$target
artifacts=$build/fuzz-artifacts/
mkdir -p "$corpus" "$artifacts"

# Partition tables: tiny disks partitioned by sfdisk and sgdisk, each seed the disk's size in
# sectors (8 bytes, little-endian), a flags byte (1: the harness fixes the GPT CRCs) and the disk.
part_seed() {
	local name=$1 sectors=$2 flags=$3 img
	shift 3
	img=$(mktemp)
	truncate -s $((sectors * 512)) "$img"
	"$@" "$img" >/dev/null
	python3 -c 'import struct, sys; sys.stdout.buffer.write(struct.pack("<QB", int(sys.argv[1]), int(sys.argv[2])))' \
		"$sectors" "$flags" >"$corpus/seed-$name"
	cat "$img" >>"$corpus/seed-$name"
	rm -f "$img"
}
mbr_logicals() {
	printf 'label: dos\nstart=2,size=4,type=83\nstart=8,size=48,type=5\nstart=56,size=2\nstart=58,size=2\n' |
		sfdisk -q --no-reread --no-tell-kernel "$1" &&
		printf ',4\n,4\n,4\n' | sfdisk -q --append --no-reread --no-tell-kernel "$1"
}
gpt_two() { sgdisk -o -n 1:0:+2K -n 3:0:+4K "$1"; }
if [ "$target" = part ]; then
	if [ -z "$(ls -A "$corpus")" ]; then
		part_seed mbr-logicals 64 0 mbr_logicals
		part_seed gpt 80 0 gpt_two
		part_seed gpt-fixcrc 80 1 gpt_two
	fi
	echo "fuzz.sh: running fuzz_aoe_part for ${secs}s" >&2
	exec "$build/tests/fuzz/fuzz_aoe_part" -max_total_time="$secs" -print_final_stats=1 \
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
