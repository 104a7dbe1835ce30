#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# aoe-perf's data pattern end to end against a real vblade: what aoe-perf writes is checked in
# the target's backing file directly (word[i] = ((L << 6) | i) XOR seed in the sector at LBA L),
# and what is put in the file directly is read back and checked by aoe-perf; with seeds, offsets,
# I/O sizes that split into frames unevenly, verify and randrw; a wrong seed fails the check and
# names the first bad LBA; a flush at the end leaves it all in place.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-perf

t_testbed_up iop || { t_summary; exit 1; }
FILE=$(t_testbed_file iop 1.1)
t_dpdk_args iop "$(t_af_packet)"
E=(-l 0 "${T_DPDK_ARGS[@]}")
TMP=$(mktemp -d /tmp/it-io.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"

# perf OUT ARGS...: aoe-perf --json on e1.1; stdout to OUT.json, stderr to OUT.err.
perf() {
	local out=$1
	shift
	t_perf 60 "${E[@]}" -- -T e1.1 --json "$@" >"$TMP/$out.json" 2>"$TMP/$out.err"
}
# jqok OUT FILTER: the run's JSON satisfies FILTER.
jqok() { jq -e "$2" "$TMP/$1.json" >/dev/null || { cat "$TMP/$1.json" "$TMP/$1.err"; return 1; }; }
pat() { t_pattern "$@"; }

# ---- write, then the file, then read back --------------------------------------------------------
perf w1 -w write -o 4k -q 8 --offset 1m --size 256k
t_check "write 256 KiB at 1 MiB, seed 0: exit 0" test $? = 0
t_check "... 64 writes, none failed" jqok w1 '.write_ios == 64 and .read_ios == 0 and .io_failed == 0'
t_check "... the backing file holds the pattern at LBAs 2048-2559" pat check "$FILE" 2048 512 0
t_check "... nothing before the region (LBA 2047)" pat zero "$FILE" 2047 1
t_check "... nothing after it (LBA 2560)" pat zero "$FILE" 2560 1
perf r1 -w read -o 4k -q 8 --offset 1m --size 256k --check
t_check "read it back with --check: exit 0" test $? = 0
t_check "... 64 checked reads, none failed" jqok r1 '.read_ios == 64 and .io_failed == 0'

SEED=0xdeadbeefcafef00d
perf w2 -w write -o 64k -q 4 --offset 3m --size 512k --seed "$SEED"
t_check "write 512 KiB at 3 MiB in 64 KiB I/Os, seed $SEED: exit 0" test $? = 0
t_check "... the file holds the seeded pattern at LBAs 6144-7167" pat check "$FILE" 6144 1024 "$SEED"
t_check_fails "... which is not the seed-0 pattern" pat check "$FILE" 6144 1 0
perf r2 -w read -o 64k -q 4 --offset 3m --size 512k --seed "$SEED" --check
t_check "read it back with the same seed: exit 0" test $? = 0
t_check "... 8 reads, none failed" jqok r2 '.read_ios == 8 and .io_failed == 0'

# The wrong seed: exit 1, and the message names the first LBA and the words.
perf bad -w read -o 4k -q 1 --offset 3m --size 64k --seed 0x1 --check
t_check "read with the wrong seed exits 1" test $? = 1
t_check "... reports failed I/O" jqok bad '.io_failed > 0'
t_check "... names the first bad LBA (6144) and the expected and found words" \
	grep -q "data mismatch at LBA 6144, word 0: expected $(printf '0x%016x' $(((6144 << 6) ^ 1))), found $(printf '0x%016x' $(((6144 << 6) ^ SEED)))" \
	"$TMP/bad.err"
# A region never written: the check fails there too (zeros are not a pattern).
perf zero -w read -o 4k -q 1 --offset 20m --size 4k --check
t_check "--check of a never-written region exits 1 (LBA 40960)" \
	bash -c "(( $? == 1 )) && grep -q 'data mismatch at LBA 40960,' '$TMP/zero.err'"

# ---- the file written directly, read by aoe-perf -----------------------------------------------
pat fill "$FILE" 10240 256 7
perf r3 -w read -o 4k -q 8 --offset 5m --size 128k --seed 7 --check
t_check "a pattern put in the file directly reads back checked (seed 7): exit 0" test $? = 0
t_check "... 32 reads, none failed" jqok r3 '.read_ios == 32 and .io_failed == 0'

# ---- I/O sizes that do not divide into 1024-byte frames -----------------------------------------
perf w4 -w write -o 1536 -q 3 --offset 6m --size 15k --seed 0x55
t_check "write in 1536-byte I/Os (2 + 1 sector frames): exit 0" test $? = 0
t_check "... the file holds every sector, LBAs 12288-12317" pat check "$FILE" 12288 30 0x55
t_check "... and nothing after" pat zero "$FILE" 12318 2
perf w5 -w write -o 4k -q 2 --offset 7m --size 6k --seed 0x66
t_check "a region that is not a multiple of -o (6 KiB in 4 KiB I/Os): exit 0" test $? = 0
t_check "... the short last I/O wrote LBAs 14344-14347, no more" \
	bash -c "python3 '$T_HELPERS/aoe_pattern.py' check '$FILE' 14336 12 0x66 &&
		python3 '$T_HELPERS/aoe_pattern.py' zero '$FILE' 14348 4"

# ---- verify, then randrw --check over what verify wrote -----------------------------------------
perf v1 -w verify -o 8k -q 4 --offset 8m --size 1m
t_check "-w verify over 1 MiB at 8 MiB: exit 0" test $? = 0
t_check "... 128 writes and 128 checked reads" jqok v1 '.write_ios == 128 and .read_ios == 128 and .io_failed == 0'
t_check "... the file holds the pattern at LBAs 16384-18431" pat check "$FILE" 16384 2048 0
perf rw1 -w randrw -M 50 -o 4k -q 8 --offset 8m --size 1m --check -t 2
t_check "randrw 50 % for 2 s with --check: exit 0" test $? = 0
t_check "... both reads and writes, none failed" \
	jqok rw1 '.read_ios > 0 and .write_ios > 0 and .io_failed == 0 and .read_pct == 50'
t_check "... the region still holds the pattern" pat check "$FILE" 16384 2048 0
perf v2 -w verify -o 4k -q 16 -t 2 --offset 9m --size 256k --seed 0x99
t_check "timed verify (2 s, seed 0x99): exit 0, passes repeated" \
	jqok v2 '.io_failed == 0 and .write_ios >= 64 and .read_ios >= 64'

t_check "the backing file's size never changed" test "$(stat -c %s "$FILE")" = 67108864
perf fl -w flush -o 512 -q 1 --size 512
t_check "a flush after all that: exit 0, no failure (more in test_flush.sh)" \
	jqok fl '.io_completed == 1 and .io_failed == 0'
t_check "... and the data is still there" pat check "$FILE" 2048 512 0

t_summary
