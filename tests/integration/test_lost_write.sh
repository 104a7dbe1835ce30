#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A lost write is seen: aoe-target (file disk, over memif) acknowledges a share of the writes
# without storing them (--fault lose-write=P), on a region aoe-perf filled beforehand with the
# pattern's generation 0. A verify run of one pass writes generation 0 again, which the lost
# writes leave in place: it cannot see them and passes. A timed verify run writes generation 1 in
# its second pass: the check of that pass finds generation 0's data where a write was lost, says
# so, and fails. Without the fault the same timed run passes over two passes or more.
#
# Each aoe-perf run gets a fresh aoe-target on the same backing file (memif's 22.11 PMD was seen
# to crash in a process whose peer had just left: see test_memif.sh).
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

PERF=$(t_bin aoe-perf)
TARGET=$(t_bin aoe-target)
t_require_bins "$PERF" "$TARGET"
DIR=$(mktemp -d /tmp/aoe-lostw.XXXXXX)
t_cleanup_add rm -rf -- "$DIR"
IMG=$DIR/disk.img
truncate -s 16M "$IMG"
REGION=(--size 4M -o 64k -q 8)
NB_IOS=64 # 4 MiB in 64 KiB I/O: one pass

# target_up NAME [aoe-target options]: a fresh aoe-target serving e6.1 from $IMG on memif
# $DIR/NAME.sock; sets SOCK and TPID.
target_up() {
	local name=$1
	shift
	SOCK=$DIR/$name.sock
	t_dpdk_args "lostw-tgt-$name" "net_memif0,role=server,socket=$SOCK"
	t_bg TPID "$TARGET" -l 1 "${T_DPDK_ARGS[@]}" -- --disk "6.1=file:$IMG" "$@" \
		>"$DIR/$name.tgt" 2>&1 </dev/null
	aoe_memif_listening "$TPID" "$SOCK" && return 0
	t_fail "aoe-target ($name) listens on memif $SOCK" "$(t_tail "$(cat "$DIR/$name.tgt")")"
	return 1
}

# target_down: stop it as an operator does, so that it prints its counters; its exit status in
# TARGET_RC.
target_down() {
	t_interrupt "$TPID"
	TARGET_RC=$?
}

# counter NAME COUNTER: a counter the named target printed at exit.
counter() { awk -v k="$2" '$1 == k { print $2 }' "$DIR/$1.tgt"; }

# perf NAME AOE-PERF-OPTIONS...: aoe-perf against e6.1; its JSON in $DIR/NAME.json, stderr in
# NAME.err; returns its exit status.
perf() {
	local name=$1 rc
	shift
	t_dpdk_args "lostw-ini-$name" "net_memif0,role=client,socket=$SOCK"
	t_memif_client 120 "$PERF" -l 0 "${T_DPDK_ARGS[@]}" -- -T e6.1 --json "${REGION[@]}" "$@" \
		>"$DIR/$name.json" 2>"$DIR/$name.err"
	rc=$?
	target_down
	return $rc
}

json() { tail -n 1 "$DIR/$1.json"; }

target_up fill && t_check "the region filled with generation 0" perf fill -w write

# The target's count of lost writes is read from what it prints at exit: a void run
# (t_memif_void) runs once more.
ran=0
for _ in 1 2; do
	target_up one-pass --fault lose-write=5% || break
	perf one-pass -w verify
	rc=$? ran=1
	grep -q "^{" "$DIR/one-pass.json" && t_memif_void one-pass "$TARGET_RC" || break
done
if ((ran)); then
	lost=$(counter one-pass fault_lose_write)
	if ((${lost:-0} > 0)); then
		t_pass "one pass: the target lost $lost of its writes"
	else
		t_fail "one pass: the target lost writes" "$(t_tail "$(cat "$DIR/one-pass.tgt")")"
	fi
	if ((rc == 0)); then
		t_pass "one pass cannot see them: they would have written generation 0 again"
	else
		t_fail "one pass cannot see them" "exit $rc: $(t_tail "$(cat "$DIR/one-pass.err")")"
	fi
fi

if target_up passes --fault lose-write=5%; then
	perf passes -w verify -t 20
	rc=$?
	if ((rc == 1)); then
		t_pass "a timed verify run fails against the lost writes"
	else
		t_fail "a timed verify run fails against the lost writes" \
			"exit $rc: $(json passes) $(t_tail "$(cat "$DIR/passes.err")")"
	fi
	if jq -e '.data_errors >= 1 and .write_ios > '$NB_IOS <<<"$(json passes)" >/dev/null; then
		t_pass "in its second pass or later: $(jq -r .data_errors <<<"$(json passes)") data error(s)"
	else
		t_fail "a data error in the second pass or later" "$(json passes)"
	fi
	if grep -q "pass [0-9]*'s data, pass [1-9][0-9]* written: a write acknowledged but never stored" \
		"$DIR/passes.err"; then
		t_pass "the failure names the lost write"
	else
		t_fail "the failure names the lost write" "$(t_tail "$(cat "$DIR/passes.err")")"
	fi
fi

if target_up clean; then
	t_check "without the fault the same run passes" perf clean -w verify -t 3
	if jq -e '.io_failed == 0 and .data_errors == 0 and .write_ios >= 2 * '$NB_IOS \
		<<<"$(json clean)" >/dev/null; then
		t_pass "over $(($(jq -r .write_ios <<<"$(json clean)") / NB_IOS)) passes, no error"
	else
		t_fail "two passes or more, no error" "$(json clean)"
	fi
fi
t_summary
