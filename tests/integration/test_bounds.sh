#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The ends of a target with an odd sector count (vblade on 8 MiB + 512 bytes: 16385 sectors):
# its last sector is written and read back; a region past the end is refused by aoe-perf with
# exit 2 and the target's size in the message, and no read or write frame reaches the wire
# (watched with helpers/aoe_sniff.py; af_packet's qdisc_bypass=0 lets the host see what the PMD
# sends); zero, negative or non-multiple-of-512 sizes and offsets are refused.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-perf

t_testbed_up bnd --targets 1.2:8M+512 || { t_summary; exit 1; }
FILE=$(t_testbed_file bnd 1.2)
BYTES=8389120
LAST=16384
t_dpdk_args bnd "$(t_af_packet "" qdisc_bypass=0)"
E=(-l 0 "${T_DPDK_ARGS[@]}")
TMP=$(mktemp -d /tmp/it-bounds.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"
pat() { t_pattern "$@"; }
perf() { t_perf 60 "${E[@]}" -- -T e1.2 "$@"; }
fsize() { stat -c %s -- "$1"; }

# sniffed CMD...: run CMD while listing the AoE frames on the root-side veth into $TMP/frames.
sniffed() { t_sniffed "$TMP" "$@"; }
# No READ/WRITE (EXT) request left this host in the last sniffed run, which did find e1.2
# (its query config and IDENTIFY were seen going out): an empty capture is not "nothing sent".
no_rw_sent() {
	grep -Eq '^out shelf=65535 slot=255 cmd=1 ' "$TMP/frames" &&
		grep -Eq '^out shelf=1 slot=2 cmd=0 .* ata=0xec ' "$TMP/frames" ||
		{ echo "the capture lacks the discovery and IDENTIFY:"; cat "$TMP/frames"; return 1; }
	! t_io_frames "$TMP/frames" | grep -q . ||
		{ echo "read/write frames were sent:"; grep '^out .* ata=' "$TMP/frames"; return 1; }
}

# ---- the last sector ---------------------------------------------------------------------------
t_check "test bed: e1.2 has $((BYTES / 512)) sectors" test "$(fsize "$FILE")" = $BYTES
t_check "write the last sector (--offset $((LAST * 512)) -o 512): exit 0" \
	sniffed perf -w write -o 512 -q 1 --offset $((LAST * 512)) --seed 0x42
t_check "... one WRITE EXT of 1 sector at LBA $LAST went out" \
	test "$(grep -Ec "^out .* ata=0x34 aflags=0x41 count=1 lba=$LAST$" "$TMP/frames")" = 1
t_check "... the file's last sector holds the pattern" pat check "$FILE" $LAST 1 0x42
t_check "... the sector before it is untouched" pat zero "$FILE" $((LAST - 1)) 1
t_check "... the file did not grow" test "$(fsize "$FILE")" = $BYTES
t_check "read the last sector back with --check: exit 0" \
	perf -w read -o 512 -q 1 --offset $((LAST * 512)) --size 512 --seed 0x42 --check
t_check "the last two sectors as one 1 KiB I/O, verify: exit 0" \
	perf -w verify -o 1k -q 1 --offset $(((LAST - 1) * 512)) --seed 0x43
t_check "... the file holds them" pat check "$FILE" $((LAST - 1)) 2 0x43
t_check "a 4 KiB-I/O pass over the last 4.5 KiB ends with a 512-byte I/O: exit 0" \
	perf -w write -o 4k -q 2 --offset $((BYTES - 4608)) --seed 0x44
t_check "... every sector up to the end holds the pattern" pat check "$FILE" $((LAST - 8)) 9 0x44
t_check "the whole odd-sized target, verify in 64 KiB I/Os: exit 0" \
	perf -w verify -o 64k -q 4 --seed 0x45
t_check "... the file holds all 16385 sectors" pat check "$FILE" 0 $((LAST + 1)) 0x45

# ---- past the end ------------------------------------------------------------------------------
before=$(md5sum <"$FILE")
refused() { # refused NAME ARGS...: exit 2, the size in the message, nothing sent, file unchanged
	local name=$1
	shift
	sniffed perf "$@" >"$TMP/out" 2>&1
	t_check "$name: exit 2" test $? = 2 || cat "$TMP/out"
	t_check "... says the target's size ($BYTES bytes)" \
		grep -Eq "past the end of target e1.2 \($BYTES bytes\)" "$TMP/out"
	t_check "... sent no read or write" no_rw_sent
}
refused "3 sectors from the next-to-last sector" -w write -o 1k -q 1 --offset $(((LAST - 1) * 512)) \
	--size 1536
refused "1 KiB --size from the last sector" -w write -o 512 -q 1 --offset $((LAST * 512)) --size 1k
refused "--offset at the end" -w write -o 512 -q 1 --offset $BYTES
refused "--offset far past the end (1 TiB)" -w write -o 512 -q 1 --offset 1t
refused "read past the end" -w read -o 512 -q 1 --offset $((LAST * 512)) --size 4k
refused "verify of the whole target plus one sector" -w verify -o 4k -q 1 --size $((BYTES + 512))
refused "randwrite over a region past the end" -w randwrite -o 4k -q 4 -t 1 --offset 4m --size 8m
t_check "the backing file is unchanged by the refused runs" test "$(md5sum <"$FILE")" = "$before"
t_check "... and its size too" test "$(fsize "$FILE")" = $BYTES

# ---- sizes that are not sizes (refused before the EAL starts) -----------------------------------
bad_opt() { # bad_opt OPTION VALUE
	local -a io=(-o 512)
	[[ $1 == -o ]] && io=()
	# Both the exit status and the message count (the grep's result was once thrown away).
	t_check_exit "$1 $2 is refused with exit 2" 2 perf -w write -q 1 "${io[@]}" "$1" "$2"
	t_check "... naming $1" grep -q -- "^aoe-perf: $1: " <<<"$T_OUT"
}
bad_opt -o 0
bad_opt -o 1000
bad_opt -o 513
bad_opt -o -512
bad_opt --size 0
bad_opt --size 1000
bad_opt --size -512
bad_opt --offset 1000
bad_opt --offset -512
t_check "after all that the file is still unchanged" test "$(md5sum <"$FILE")" = "$before"

t_summary
