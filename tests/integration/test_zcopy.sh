#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Zero-copy reads (aoe_bdev_zcopy_read) end to end: aoe-perf --zcopy -w verify checks every
# sector in place over the response frames, against aoe-target over memif (clean, then with
# answers dropped, duplicated and reordered, jumbo frames, then reads too big for the lcore's budget of held
# frames, which are refused with -ENOBUFS and submitted again) and against vblade over a veth
# (several frames a read; then the target lost mid-run). Each time, once the run is over, no
# frame is held any more (the lcores' zcopy_held is 0) and the mbuf pool is back to its idle
# in-use count: nothing leaked, whether the reads completed, failed or were refused.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins aoe-target aoe-perf

DIR=$(mktemp -d /tmp/aoezc.XXXXXX)
t_cleanup_add rm -rf "$DIR"
SOCK=$DIR/memif.sock

# jcheck NAME JQ JSON: JQ holds over aoe-perf's JSON report (no report is a failure).
jcheck() {
	if jq -e -n --argjson r "${3:-null}" "\$r | $2" >/dev/null 2>&1; then
		t_pass "$1"
	else
		t_fail "$1" "$3"
	fi
}
# no_leak NAME JSON: nothing held, the pool back to idle.
no_leak() {
	jcheck "$1: no frame held after the run (zcopy_held 0)" '.zcopy_held == 0' "$2"
	jcheck "$1: the mbuf pool is back to its idle in-use count" \
		'.mbufs_in_use_end == .mbufs_in_use_idle' "$2"
}

# memif_case NAME FAULT aoe-perf-options...: a fresh aoe-target (16 MiB of RAM) with FAULT (or
# none; or other options in TARGET_OPTS), memif buffers of BSIZE bytes when set, aoe-perf
# --zcopy --json against it; its report in CASE_JSON, exit status in CASE_RC.
memif_case() {
	local name=$1 fault=$2 tpid targs=(--disk 1.1=ram:16M)
	shift 2
	[[ -n $fault ]] && targs+=(--fault "$fault")
	targs+=("${TARGET_OPTS[@]}")
	rm -f "$SOCK"
	t_dpdk_args "zc-t-$name" "net_memif0,role=server,socket=$SOCK${BSIZE:+,bsize=$BSIZE}"
	t_bg tpid "$(t_bin aoe-target)" -l 1 "${T_DPDK_ARGS[@]}" -- "${targs[@]}" \
		>"$DIR/target-$name.log" 2>&1
	aoe_memif_listening "$tpid" "$SOCK" ||
		t_fail "$name: aoe-target listens on memif" "$(t_tail "$(cat "$DIR/target-$name.log")")"
	t_dpdk_args "zc-i-$name" "net_memif0,role=client,socket=$SOCK${BSIZE:+,bsize=$BSIZE}"
	CASE_JSON=$(t_memif_client 120 "$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 --json --zcopy "$@" \
		2>"$DIR/perf-$name.err" | tail -n 1)
	CASE_RC=$?
	t_interrupt "$tpid"
}

verify=(-w verify -o 8192 -q 16 --size 8M --deadsecs 30)
TARGET_OPTS=()

memif_case clean "" "${verify[@]}"
t_check "clean: verify passes over the segments (exit $CASE_RC)" test "$CASE_RC" = 0
jcheck "clean: every I/O completed and checked" \
	'.io_failed == 0 and .data_errors == 0 and .io_completed == 2048' "$CASE_JSON"
no_leak clean "$CASE_JSON"
# busy_pct is cycles_per_io x io_completed over the lcore's TSC cycles of the run: the TSC rate
# it implies must be a CPU's (0.5-10 GHz), and the share at most 100.
jcheck "clean: busy_pct is the busy cycles' share of the run's (0 < busy_pct <= 100)" \
	'.busy_pct > 0 and .busy_pct <= 100 and
	 (.cycles_per_io * .io_completed / (.busy_pct / 100) / .seconds) as $hz |
	 $hz > 5e8 and $hz < 1e10' "$CASE_JSON"

memif_case faults "drop=3%,dup=30%,reorder=20%" "${verify[@]}" --seed 5
t_check "faults: verify passes with answers dropped, duplicated, reordered (exit $CASE_RC)" \
	test "$CASE_RC" = 0
jcheck "faults: duplicates refused, drops sent again, nothing failed" \
	'.io_failed == 0 and .io_completed == 2048 and .unexpected > 0 and .retransmits > 0' \
	"$CASE_JSON"
no_leak faults "$CASE_JSON"

# 1 MiB reads at 1 KiB a frame, 32 of them: far more frames than the lcore may hold.
memif_case budget "" -w verify -o 1m -q 32 --size 16M --deadsecs 30
t_check "budget: verify passes with reads over the budget (exit $CASE_RC)" test "$CASE_RC" = 0
jcheck "budget: reads refused for the budget (zcopy_refused > 0) went again, none failed" \
	'.io_failed == 0 and .data_errors == 0 and .io_completed == 32 and .zcopy_refused > 0' \
	"$CASE_JSON"
no_leak budget "$CASE_JSON"

# Jumbo frames: 4 KiB of data a frame (memif buffers that hold a whole frame).
TARGET_OPTS=(--sectors 8)
BSIZE=8192 memif_case jumbo "dup=10%" -w verify -o 64k -q 8 --size 8M --deadsecs 30 --mtu 9000
TARGET_OPTS=()
t_check "jumbo: verify of 64 KiB reads in 4 KiB frames passes (exit $CASE_RC)" test "$CASE_RC" = 0
jcheck "jumbo: 4096 bytes a frame, every I/O completed" \
	'.payload_bytes == 4096 and .io_failed == 0 and .io_completed == 256' "$CASE_JSON"
no_leak jumbo "$CASE_JSON"

# ---- vblade ---------------------------------------------------------------------------------
t_testbed_up zc --targets 1.1:64M || { t_summary; exit 1; }
t_cleanup_add t_testbed zc resume 1.1
t_dpdk_args zc "$(t_af_packet)"
E=(-l 0 "${T_DPDK_ARGS[@]}")

# 64 KiB reads: 64 frames of 1 KiB each, answered in any order.
out=$(t_perf 120 "${E[@]}" -- -T e1.1 --json --zcopy -w verify -o 64k -q 8 --size 8M \
	--deadsecs 30 2>"$DIR/vblade.err" | tail -n 1)
jcheck "vblade: verify of 64 KiB reads passes over the segments" \
	'.io_failed == 0 and .data_errors == 0 and .io_completed == 256' "$out"
no_leak vblade "$out"

# The target lost mid-run: the reads in flight fail (deadsecs), the frames they held are freed.
t_bg PPID_ t_perf 60 "${E[@]}" -- -T e1.1 --json --zcopy -w randread -o 16k -q 16 -t 30 -S 1 \
	--deadsecs 2 >"$DIR/lost.out" 2>"$DIR/lost.err"
t_check "lost: aoe-perf runs I/O (a progress line)" t_wait_line 20 'IOPS|iops' "$DIR/lost.err"
t_testbed zc pause 1.1 >/dev/null
wait "$PPID_"
rc=$?
t_testbed zc resume 1.1 >/dev/null
out=$(tail -n 1 "$DIR/lost.out")
t_check "lost: aoe-perf fails when the target stops answering (exit $rc)" test "$rc" = 1
jcheck "lost: the reads in flight failed" '.io_failed > 0' "$out"
no_leak lost "$out"

t_summary
