#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# FLUSH through the block-device API (aoe_bdev_flush), driven by aoe-perf -w flush, against
# vblade: the engine sends FLUSH CACHE EXT (0xEA) first; vblade aborts it (it implements only
# FLUSH CACHE 0xE7, as a no-op), so the engine falls back to 0xE7 once for the target and every
# flush succeeds. Checked on the wire (helpers/aoe_sniff.py; af_packet's qdisc_bypass=0 lets the
# host see what the PMD sends) and in aoe-perf's JSON; a flush writes nothing.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-perf

t_dpdk_args fls
H=(-l 0 "${T_DPDK_ARGS[@]}")
HELP=$(t_perf 30 "${H[@]}" -- --help 2>/dev/null)
if ! grep -Eq -- '^ *-w WORKLOAD .*flush' <<<"$HELP"; then
	t_fail "aoe-perf has a flush workload" "its --help lists none; this build is too old"
	t_summary
	exit 1
fi

t_testbed_up fls --targets 1.1:8M || { t_summary; exit 1; }
FILE=$(t_testbed_file fls 1.1)
t_dpdk_args fls "$(t_af_packet "" qdisc_bypass=0)"
E=(-l 0 "${T_DPDK_ARGS[@]}")
TMP=$(mktemp -d /tmp/it-flush.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"

sniffed() { t_sniffed "$TMP" "$@"; }
# n_out ATA: requests with that ATA command sent to e1.1.
n_out() { grep -Ec "^out shelf=1 slot=1 cmd=0 .* ata=$1 " "$TMP/frames"; }
# status_of ATA: the ATA status of the responses to the requests with that command, by tag.
status_of() {
	awk -v want="$1" '
		$1 == "out" && $4 == "cmd=0" { for (i = 5; i <= NF; i++) { split($i, kv, "=")
			f[kv[1]] = kv[2] } if (f["ata"] == want) tags[f["tag"]] = 1 }
		$1 == "in" && $4 == "cmd=0" { for (i = 5; i <= NF; i++) { split($i, kv, "=")
			f[kv[1]] = kv[2] } if (f["tag"] in tags) print f["flags"], f["ata"] }' \
		"$TMP/frames" | sort | uniq -c | sed 's/^ *//'
}

before=$(md5sum <"$FILE")
sniffed t_perf 30 "${E[@]}" -- -T e1.1 -w flush -o 512 -q 1 --size 2k --json >"$TMP/f1.json" \
	2>"$TMP/f1.err"
t_check "aoe-perf -w flush, 4 flushes one at a time: exit 0" test $? = 0 || cat "$TMP/f1.err"
t_check "... 4 completed, none failed, no data moved" jq -e '.workload == "flush" and
	.io_completed == 4 and .io_failed == 0 and .mibps == 0' "$TMP/f1.json"
t_check "... one FLUSH CACHE EXT fallback reported" jq -e '.flush_ext_fallbacks == 1' "$TMP/f1.json"
t_check "... on the wire: FLUSH CACHE EXT (0xEA) once" test "$(n_out 0xea)" = 1
t_check "... vblade answered it with R, ATA status DRDY|ERR (0x41)" \
	test "$(status_of 0xea)" = "1 0x08 0x41"
t_check "... then FLUSH CACHE (0xE7) 4 times, never EXT again" test "$(n_out 0xe7)" = 4
# vblade's no-op FLUSH CACHE answers with status 0: no error bit (0xa9) is what counts.
t_check "... each answered with R and no ATA error bit (vblade: status 0x00)" \
	grep -Eqx '4 0x08 0x(00|40|50)' <<<"$(status_of 0xe7)"
t_check "... no read or write went out" \
	test "$(t_io_frames "$TMP/frames" | wc -l)" = 0
t_check "the backing file is unchanged" test "$(md5sum <"$FILE")" = "$before"

# Several in flight, timed; the fallback is per process (each run starts with EXT).
sniffed t_perf 30 "${E[@]}" -- -T e1.1 -w flush -o 512 -q 4 -t 1 --json >"$TMP/f2.json" 2>"$TMP/f2.err"
t_check "timed flush, 4 in flight, 1 s: exit 0" test $? = 0 || cat "$TMP/f2.err"
t_check "... many completed, none failed, 1 to 4 fallbacks" jq -e '.io_completed > 4 and
	.io_failed == 0 and .flush_ext_fallbacks >= 1 and .flush_ext_fallbacks <= 4' "$TMP/f2.json"
t_check "... at most 4 FLUSH CACHE EXT on the wire (those in flight before the first abort)" \
	test "$(n_out 0xea)" -ge 1 -a "$(n_out 0xea)" -le 4

# Writes, a flush, and the data is where it was written.
t_check "write 64 KiB, then flush, then read it back checked" bash -c '
	"$@" -w write -o 4k -q 4 --size 64k --seed 9 &&
	"$@" -w flush -o 512 -q 1 --size 512 &&
	"$@" -w read -o 4k -q 4 --size 64k --seed 9 --check' _ \
	timeout 30 "$(t_bin aoe-perf)" "${E[@]}" -- -T e1.1
t_check "... the file holds it" t_pattern check "$FILE" 0 128 9

t_summary
