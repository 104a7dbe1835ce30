#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The initiator under loss, duplication, reordering and delay: aoe-target (ram disk) injects
# the faults on its responses, aoe-perf runs a verify workload against it over a memif link.
# Every I/O must complete with the right data and the engine's counters must show what it
# recovered from. Then a target that goes silent past --deadsecs: the outstanding I/O fails,
# promptly, instead of hanging.
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

DIR=$(mktemp -d /tmp/aoefault.XXXXXX)
t_cleanup_add rm -rf "$DIR"
SOCK=$DIR/memif.sock
TARGET=$(t_bin aoe-target)
PERF=$(t_bin aoe-perf)

# run_case NAME FAULT_SPEC [aoe-target options...] -- [aoe-perf options...]
# Leaves aoe-perf's exit status in CASE_RC and its JSON in CASE_JSON.
run_case() {
	local name=$1 fault=$2 tpid targs=() pargs=()
	shift 2
	while [[ $# -gt 0 && $1 != -- ]]; do targs+=("$1"); shift; done
	[[ $# -gt 0 ]] && shift
	pargs=("$@")
	rm -f "$SOCK"
	t_dpdk_args "fault-t-$name" "net_memif0,role=server,socket=$SOCK"
	local tdpdk=("${T_DPDK_ARGS[@]}")
	t_dpdk_args "fault-i-$name" "net_memif0,role=client,socket=$SOCK"
	local idpdk=("${T_DPDK_ARGS[@]}")
	local fopt=()
	[[ -n $fault ]] && fopt=(--fault "$fault")
	"$TARGET" -l 1 "${tdpdk[@]}" -- --disk 1.1=ram:16M "${fopt[@]}" "${targs[@]}" \
		>"$DIR/target-$name.log" 2>&1 &
	tpid=$!
	t_cleanup_add kill "$tpid"
	sleep 1
	CASE_JSON=$(t_timeout 120 "$PERF" -l 0 "${idpdk[@]}" -- -T e1.1 --json "${pargs[@]}" \
		2>"$DIR/perf-$name.err" | tail -n 1)
	CASE_RC=$?
	kill -INT "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
}

jq_check() {
	local name=$1 expr=$2
	if jq -e "$expr" <<<"$CASE_JSON" >/dev/null 2>&1; then
		t_pass "$name"
	else
		t_fail "$name" "$CASE_JSON $(tail -n 5 "$DIR/perf-$name.err" 2>/dev/null)"
	fi
}

verify=(-w verify -o 8192 -q 16 --size 8M --deadsecs 30)

for rate in 1% 5% 20%; do
	case=drop-${rate%\%}
	run_case "$case" "drop=$rate" -- "${verify[@]}"
	[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" ||
		t_fail "$case: verify passes" "exit $CASE_RC: $(tail -n 5 "$DIR/perf-$case.err")"
	jq_check "$case: no failed I/O, retransmits counted" \
		'.io_failed == 0 and .io_completed == 2048 and .retransmits > 0'
done

for rate in 5% 30%; do
	case=dup-${rate%\%}
	run_case "$case" "dup=$rate" -- "${verify[@]}"
	[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" ||
		t_fail "$case: verify passes" "exit $CASE_RC"
	jq_check "$case: duplicates refused as unexpected, nothing failed" \
		'.io_failed == 0 and .io_completed == 2048 and .unexpected > 0'
done

for rate in 10% 50%; do
	case=reorder-${rate%\%}
	run_case "$case" "reorder=$rate" -- "${verify[@]}"
	[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" ||
		t_fail "$case: verify passes" "exit $CASE_RC"
	jq_check "$case: no failed I/O" '.io_failed == 0 and .io_completed == 2048'
done

case=mixed
run_case "$case" "drop=3%,dup=3%,reorder=10%,delay=200" -- "${verify[@]}" --seed 7
[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" || t_fail "$case: verify passes" "exit $CASE_RC"
jq_check "$case: retransmits and duplicates counted, nothing failed" \
	'.io_failed == 0 and .io_completed == 2048 and .retransmits > 0 and .unexpected > 0'

# Corruption of the tag or the data: a corrupted tag is refused; corrupted data would be caught
# by the check, so this case only asks that nothing hangs and the counters move.
case=corrupt
run_case "$case" "corrupt=2%" -- -w randread -o 4096 -q 8 -t 3 --deadsecs 30
[[ $CASE_RC -le 1 ]] && t_pass "$case: the run ends (exit $CASE_RC)" ||
	t_fail "$case: the run ends" "exit $CASE_RC"

# Silence past deadsecs: the target answers 300 ATA requests, then nothing.
case=silent
start=$(date +%s)
run_case "$case" "" --silent-after 300 -- -w randread -o 4096 -q 8 -t 60 --deadsecs 2
elapsed=$(($(date +%s) - start))
[[ $CASE_RC -ne 0 ]] && t_pass "$case: aoe-perf reports the failure (exit $CASE_RC)" ||
	t_fail "$case: aoe-perf reports the failure" "exit 0: $CASE_JSON"
((elapsed < 20)) && t_pass "$case: failed after ${elapsed}s, not at the end of the 60 s run" ||
	t_fail "$case: fails promptly" "took ${elapsed}s"
jq_check "$case: outstanding I/O failed with timeouts counted" '.io_failed > 0 and .timeouts > 0'
if grep -q -i "timed out" "$DIR/perf-$case.err"; then
	t_pass "$case: the failure says the target timed out"
else
	t_fail "$case: the failure says the target timed out" "$(tail -n 5 "$DIR/perf-$case.err")"
fi
t_summary
