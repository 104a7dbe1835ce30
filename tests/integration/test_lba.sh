#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# LBA48 against vblade's sparse 3 TiB target (testbed.sh --lba48: e2.1): writes that straddle
# LBA 2^28 and LBA 2^32 and the target's last sector land in the backing file at exactly those
# LBAs, read back checked, and go out as WRITE/READ SECTORS EXT with the E flag and the full
# LBA; --status --json says lba48 true.
#
# A small LBA on an LBA48 target still uses the EXT commands: the engine picks by the target.
# LBA28 (READ/WRITE SECTORS 0x20/0x30) needs an LBA28-only disk, which vblade is not (IDENTIFY
# word 83 = 0x5400): aoe-target --lba28 over memif plays one, and aborts every EXT command.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-perf aoe-target

t_testbed_up lba --targets 1.1:1M --lba48 || { t_summary; exit 1; }
FILE=$(t_testbed_file lba 2.1)
BYTES=3298534883328
SECTORS=$((BYTES / 512))
t_dpdk_args lba "$(t_af_packet "" qdisc_bypass=0)"
E=(-l 0 "${T_DPDK_ARGS[@]}")
TMP=$(mktemp -d /tmp/it-lba.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"
pat() { t_pattern "$@"; }
perf() { t_perf 60 "${E[@]}" -- -T e2.1 "$@"; }

sniffed() { t_sniffed "$TMP" "$@"; }
# sent ATA AFLAGS LBA...: a request with that ATA command, aflags and 2 sectors went out at
# each LBA, and no request used another ATA read/write command.
sent() {
	local ata=$1 af=$2 l
	shift 2
	for l; do
		grep -Eq "^out shelf=2 slot=1 cmd=0 .* ata=$ata aflags=$af count=2 lba=$l$" \
			"$TMP/frames" || { echo "no $ata at LBA $l:"; grep '^out' "$TMP/frames"; return 1; }
	done
	! t_io_frames "$TMP/frames" | grep -vq " ata=$ata " ||
		{ echo "another command:"; grep '^out .* ata=' "$TMP/frames"; return 1; }
}

t_status "${E[@]}" -- --json >"$TMP/st.json" 2>/dev/null
t_check "--json: e2.1 has $SECTORS sectors and lba48 true" jq -e --argjson s $SECTORS \
	'.targets[] | select(.name == "e2.1") | .sectors == $s and .lba48 == true' "$TMP/st.json"

# 4 KiB straddling LBA 2^28 (the LBA28 limit): 268435452 .. 268435459.
L28=$(((1 << 28) - 4))
t_check "write 4 KiB across LBA 2^28: exit 0" \
	sniffed perf -w write -o 4k -q 1 --offset $((L28 * 512)) --size 4k --seed 0x28
t_check "... as WRITE SECTORS EXT, aflags E|W, LBAs $L28 and on" \
	sent 0x34 0x41 $L28 $((L28 + 2)) $((L28 + 4)) $((L28 + 6))
t_check "... the file holds it at those LBAs" pat check "$FILE" $L28 8 0x28
t_check "... nothing at LBA 2^28 + 4" pat zero "$FILE" $((L28 + 8)) 1
t_check "read it back checked: exit 0" \
	sniffed perf -w read -o 4k -q 1 --offset $((L28 * 512)) --size 4k --seed 0x28 --check
t_check "... as READ SECTORS EXT, aflags E" sent 0x24 0x40 $L28 $((L28 + 6))

# Across LBA 2^32 (where a 32-bit LBA would wrap to 0).
L32=$(((1 << 32) - 4))
t_check "write 4 KiB across LBA 2^32: exit 0" \
	sniffed perf -w write -o 4k -q 1 --offset $((L32 * 512)) --size 4k --seed 0x32
t_check "... the LBAs on the wire go past 2^32" sent 0x34 0x41 $L32 $((1 << 32)) $(((1 << 32) + 2))
t_check "... the file holds it at LBAs 2^32-4 .. 2^32+3" pat check "$FILE" $L32 8 0x32
t_check "... LBA 0 was not written (no wrap)" pat zero "$FILE" 0 8
t_check "verify across LBA 2^32 in 64 KiB I/Os: exit 0" \
	perf -w verify -o 64k -q 4 --offset $(((1 << 32) * 512 - 65536)) --size 256k --seed 0x33
t_check "... the file holds it" pat check "$FILE" $(((1 << 32) - 128)) 512 0x33

# The last sectors of the 3 TiB target.
t_check "write the last 1 KiB of the 3 TiB target: exit 0" \
	sniffed perf -w write -o 1k -q 1 --offset $((BYTES - 1024)) --seed 0x3
t_check "... at LBA $((SECTORS - 2))" sent 0x34 0x41 $((SECTORS - 2))
t_check "... the file holds it" pat check "$FILE" $((SECTORS - 2)) 2 0x3
# A refusal is exit 2 with the reason, not any non-zero exit (a crash is not a refusal).
perf -w write -o 1k -q 1 --offset $((BYTES - 512)) --size 1k >"$TMP/past.out" 2>&1
rc=$?
t_check "one sector past the end is refused: exit 2 ($rc)" test $rc = 2
t_check "... saying it is past the end of e2.1" \
	grep -Eq "past the end of target e2.1 \($BYTES bytes\)" "$TMP/past.out"
t_check "the file is still 3 TiB" test "$(stat -c %s "$FILE")" = $BYTES

# A low LBA on an LBA48 target: still the EXT commands (the engine picks by the target).
t_check "write 4 KiB at LBA 8: exit 0" sniffed perf -w write -o 4k -q 1 --offset 4k --size 4k
t_check "... as WRITE SECTORS EXT too" sent 0x34 0x41 8 10 12 14
# LBA28: vblade always reports LBA48, so an LBA28-only disk comes from aoe-target --lba28 over a
# memif link. It aborts every EXT command, so a clean verify (no ATA error) means the engine used
# READ/WRITE SECTORS (0x20/0x30); LBAs past 2^24 put address bits in lba3's low nibble, beside
# the device bits (0xe0) that LBA28 sets there. Each client gets a fresh target: 22.11's memif
# was seen to crash a process whose peer had just left.
LDIR=$(mktemp -d /tmp/aoelba28.XXXXXX)
t_cleanup_add rm -rf "$LDIR"
LRUN=0
# lba28 PROGRAM ARGS...: run PROGRAM (dpdk-aoe or aoe-perf) against a fresh LBA28 target.
lba28() {
	local prog=$1 sock tpid rc
	shift
	LRUN=$((LRUN + 1))
	sock=$LDIR/memif-$LRUN.sock
	t_dpdk_args "lba28-t$LRUN" "net_memif0,role=server,socket=$sock"
	t_bg tpid "$(t_bin aoe-target)" -l 1 "${T_DPDK_ARGS[@]}" -- --disk 3.1=ram:12G --lba28 \
		>"$LDIR/target-$LRUN.log" 2>&1
	aoe_memif_listening "$tpid" "$sock" || echo "aoe-target did not listen on $sock"
	t_dpdk_args "lba28-i$LRUN" "net_memif0,role=client,socket=$sock"
	t_memif_client 60 "$(t_bin "$prog")" -l 0 "${T_DPDK_ARGS[@]}" -- "$@"
	rc=$?
	kill -KILL "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	return $rc
}
t_check "the LBA28 disk: IDENTIFY says no LBA48" \
	lba28 dpdk-aoe --status --json --discover-wait 800
if sed -n '/^{"program"/,$p' <<<"$T_OUT" |
	jq -e '.targets[0].name == "e3.1" and .targets[0].lba48 == false and
		.targets[0].sectors == 25165824' >/dev/null 2>&1; then
	t_pass "... e3.1 is LBA28 with 25165824 sectors"
else
	t_fail "... e3.1 is LBA28 with 25165824 sectors" "$T_OUT"
fi
L24=$(((1 << 24) + 4096))
no_ata_error() { tail -n 1 <<<"$T_OUT" | jq -e '.io_failed == 0 and .ata_errors == 0' >/dev/null; }
t_check "LBA28 verify at LBA 2^24 + 4096 (READ/WRITE SECTORS; EXT would be aborted)" \
	lba28 aoe-perf -T e3.1 -w verify -o 8k -q 4 --offset $((L24 * 512)) --size 1M --seed 0x1b \
	--json
t_check "... no ATA error: no EXT command was sent" no_ata_error
t_check "LBA28 verify of the last MiB" \
	lba28 aoe-perf -T e3.1 -w verify -o 8k -q 4 --offset $((12 * 1024 * 1024 * 1024 - 1048576)) \
	--seed 0x1c --json
t_check "... no ATA error" no_ata_error
t_check "LBA28 flush: FLUSH CACHE, no EXT to fall back from" \
	lba28 aoe-perf -T e3.1 -w flush -o 4k -q 1 --size 16k --json
if tail -n 1 <<<"$T_OUT" | jq -e '.io_failed == 0 and .flush_ext_fallbacks == 0' >/dev/null; then
	t_pass "... flushed without trying FLUSH CACHE EXT"
else
	t_fail "... flushed without trying FLUSH CACHE EXT" "$(tail -n 1 <<<"$T_OUT")"
fi

t_summary
