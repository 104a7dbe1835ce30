#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The bdev layer on the real engine and real vblade targets (progs/aoe_bdev_check.c): partition
# tables written by sfdisk (MBR, primary and logical) and sgdisk (GPT) on the targets' backing
# files become bdevs e1.Xp{N} with exactly the starts and sizes sfdisk reads back; a table with
# overlapping entries gives none and a log line; vectored I/O cut at random places (inside
# sectors and frames) lands where sfdisk says the partition is, in the backing file; I/O at a
# partition's end stays inside it; after REMOVE nothing is left in flight, new I/O is refused
# and the target stays down,closewait until the close (REMOVE with I/O held in flight across
# it: tests/unit/test_aoe_bdev.c); open and close race the target going down and up from a
# control thread; aoe_init, aoe_fini, aoe_init again; the ports aoe_init takes (named, or
# all_ports next to a port the application owns) and gives back.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

for p in sfdisk sgdisk; do
	command -v "$p" >/dev/null || { t_fail "$p is installed" "run scripts/setup.sh"; t_summary; exit 1; }
done
N=bdv
CHECK=$(aoe_build_dir)/tests/integration/progs/aoe-bdev-check
TMP=$(mktemp -d /tmp/it-bdev.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"
t_testbed_up "$N" --targets 1.1:64M,1.2:64M,1.3:16M || { t_summary; exit 1; }
IMG1=$(t_testbed_file "$N" 1.1)
IMG2=$(t_testbed_file "$N" 1.2)
IMG3=$(t_testbed_file "$N" 1.3)

# ---- the tables, written before any initiator reads them ---------------------------------------
printf 'label: dos\nstart=2048, size=16384, type=83\nstart=18432, size=16384, type=83
start=34816, size=81920, type=5\nstart=36864, size=16384, type=83\nstart=55296, size=8192, type=83\n' |
	sfdisk -q "$IMG1"
sgdisk -n 1:2048:+8M -n 2:0:+16M -n 3:0:+4M "$IMG2" >/dev/null
printf 'label: dos\nstart=2048, size=8192, type=83\nstart=10240, size=8192, type=83\n' |
	sfdisk -q "$IMG3"
# e1.3's second entry now starts inside its first: refused whole.
python3 - "$IMG3" <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(446 + 16 + 8)
    f.write(struct.pack("<I", 4096))
PY

# "e1.1p5 36864 16384" lines, as sfdisk reads the table (extended containers left out).
expected() {
	local disk=$1 img=$2
	sfdisk -d "$img" | sed -n 's/^.*[^0-9]\([0-9]*\) : start= *\([0-9]*\), size= *\([0-9]*\), type=\([^,]*\).*/\1 \2 \3 \4/p' |
		while read -r num start size type; do
			[[ $type == 5 || $type == f || $type == 85 ]] && continue
			echo "${disk}p$num $start $size"
		done
}

t_dpdk_args "$N" "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1"
EAL=(-l 0 "${T_DPDK_ARGS[@]}")
run() { t_timeout 120 "$CHECK" "${EAL[@]}" -- "$@"; }

# ---- partitions as bdevs -----------------------------------------------------------------------
t_check "aoe-bdev-check list" run list 3000
LIST=$T_OUT
bdevs=$(grep -E '^e1\.[0-9]' <<<"$LIST")
want=$(printf 'e1.1 0 131072\n%s\ne1.2 0 131072\n%s\ne1.3 0 32768\n' \
	"$(expected e1.1 "$IMG1")" "$(expected e1.2 "$IMG2")")
t_check "MBR e1.1p1 p2 p5 p6 and GPT e1.2p1-3: starts and sizes as sfdisk reads them" \
	diff -u <(echo "$want") <(echo "$bdevs")
t_check "... four MBR partitions, the extended container not among them" \
	test "$(grep -c '^e1\.1p' <<<"$bdevs")" = 4
t_check "... three GPT partitions" test "$(grep -c '^e1\.2p' <<<"$bdevs")" = 3
t_check "overlapping entries (e1.3): no partitions, and the log says why" \
	grep -q "e1.3: no partitions: partition table refused: .*overlaps" <<<"$LIST"
t_check "the log names each table" \
	bash -c 'grep -q "e1.1: MBR, 4 partitions" <<<"$1" && grep -q "e1.2: GPT, 3 partitions" <<<"$1"' \
	_ "$LIST"

# ---- vectored I/O lands inside the partition ---------------------------------------------------
# at PART IMG: the partition's first sector in IMG
at() { awk -v p="$1" '$1 == p { print $2 }' <<<"$bdevs"; }
for part in e1.1p5 e1.2p2; do
	img=$IMG1
	[[ $part == e1.2* ]] && img=$IMG2
	start=$(at "$part")
	t_check "$part: 4 MiB of vectored writes and reads, cut at random places, verified" \
		run verify "$part" $((4 << 20)) $RANDOM "$TMP/$part.pat"
	t_check "... payload 1024 (2 sectors a frame): the cuts cross frames" \
		grep -q "payload 1024" <<<"$T_OUT"
	t_check "... the backing file holds them from sector $start on (where sfdisk says)" \
		cmp "$TMP/$part.pat" <(dd if="$img" bs=512 skip="$start" count=8192 status=none)
done

# The last block of e1.1p1 is written; one past it (e1.1p2's first) is not.
p1_end=$(($(at e1.1p1) + 16384 - 1))
python3 - "$IMG1" "$p1_end" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    end = int(sys.argv[2])
    f.seek(end * 512); f.write(b"\xcd" * 512)
    f.write(b"\xab" * 512)
PY
t_check "e1.1p1: the last block written, I/O past it refused (-ERANGE) for each kind" \
	run edges e1.1p1
t_check "... the last block holds what was written" \
	cmp <(head -c 512 /dev/zero) <(dd if="$IMG1" bs=512 skip="$p1_end" count=1 status=none)
t_check "... the next partition's first block is untouched" \
	cmp <(head -c 512 /dev/zero | tr '\0' '\253') \
	<(dd if="$IMG1" bs=512 skip=$((p1_end + 1)) count=1 status=none)

# ---- the ports aoe_init takes, and ethdev ownership ----------------------------------------------
t_dpdk_args "$N-ports" "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1" net_null0
t_check "aoe_init: ports named or all_ports, never neither or both; a missing port refused" \
	t_timeout 60 "$CHECK" -l 0 "${T_DPDK_ARGS[@]}" -- ports net_af_packet0 net_null0
OUT=$T_OUT
for line in "no port named: Invalid argument" "ports and all_ports: Invalid argument" \
	"a port that does not exist: No such device" \
	"the application's port named: Device or resource busy" \
	"all ports: the engine drives 1 port(s)" \
	"net_af_packet0 owned by 'libaoe (aoe-bdev-check)', net_null0 by 'the application'" \
	"after aoe_fini: net_af_packet0 has no owner" "our port named, after aoe_fini: ok"; do
	t_check "... $line" grep -qxF "$line" <<<"$OUT"
done
t_check "... the log names the other owner" \
	grep -q "port 1 is owned by 'the application': not taken" <<<"$OUT"

# ---- aoe_init, aoe_fini, aoe_init ------------------------------------------------------------
t_check "aoe_init, I/O, aoe_fini, three times in one process" run initfini e1.2p1 3
t_check "... each run wrote and read back" test "$(grep -c 'written, read back' <<<"$T_OUT")" = 3

# ---- REMOVE with I/O in flight; closewait until closed -----------------------------------------
"$CHECK" "${EAL[@]}" -- --deadsecs 2 remove e1.1p5 >"$TMP/remove.out" 2>&1 &
pid=$!
t_cleanup_add kill "$pid"
aoe_wait 30 grep -q '^reading' "$TMP/remove.out"
sleep 0.5
t_testbed "$N" pause 1.1 >/dev/null
wait "$pid"
rc=$?
t_testbed "$N" resume 1.1 >/dev/null
OUT=$(cat "$TMP/remove.out")
t_check "the target went down under 16 reads: exit 0" test "$rc" = 0
t_check "... REMOVE came, and nothing was left in flight after it" \
	grep -q '^none in flight after REMOVE' <<<"$OUT"
t_check "... a new read is refused: No such device" grep -qx 'a new read: No such device' <<<"$OUT"
t_check "... held (a partition holds its disk): down,closewait past discovery" \
	grep -qx 'held: e1.1 down,closewait' <<<"$OUT"
t_check "... closed: released" grep -qE '^closed: e1.1 (down|probing|up)$' <<<"$OUT"
grep -q '^FAIL' <<<"$OUT" && t_fail "aoe-bdev-check remove saw no failure" "$OUT"

# ---- open and close racing the target going down and up ---------------------------------------
"$CHECK" "${EAL[@]}" -- --deadsecs 1 race e1.2 14 >"$TMP/race.out" 2>&1 &
pid=$!
t_cleanup_add kill "$pid"
aoe_wait 30 grep -q '^racing' "$TMP/race.out"
for _ in 1 2 3; do
	sleep 1
	t_testbed "$N" pause 1.2 >/dev/null
	sleep 2
	t_testbed "$N" resume 1.2 >/dev/null
done
wait "$pid"
rc=$?
OUT=$(cat "$TMP/race.out")
t_check "open and close from a control thread while e1.2 goes down and up: exit 0" test "$rc" = 0
t_check "... opens and refusals, nothing else; the application reopened after each REMOVE" \
	grep -qE '^race: [1-9][0-9]* opens, [1-9][0-9]* refused, 0 bad; [1-9][0-9]* removes, [1-9]' \
	<<<"$OUT"
t_check "... it went down and came back" \
	bash -c 'grep -q "e1.2 down" <<<"$1" && grep -q "e1.2 up" <<<"$1"' _ "$OUT"
t_summary
