#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The initiator under loss, duplication, reordering, delay and corrupted headers: aoe-target
# (ram disk) injects the faults on its responses, aoe-perf runs a verify workload against it
# over a memif link. Every I/O must complete with the right data, the target's counters must
# show that the fault happened and the engine's what it recovered from. Then targets that
# misbehave in other ways: one whose sector count shrinks without telling (a "bad argument"
# answer makes the engine ask its config again and resend smaller frames), one that aborts the
# FLUSH CACHE EXT it advertises (an error, not a fallback), one that answers every request
# with an AoE error (logged at a bounded rate), and one that goes silent past --deadsecs (the
# outstanding I/O fails on time, and the path message says there is no other path).
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins aoe-target aoe-perf

DIR=$(mktemp -d /tmp/aoefault.XXXXXX)
t_cleanup_add rm -rf "$DIR"
SOCK=$DIR/memif.sock
TARGET=$(t_bin aoe-target)
PERF=$(t_bin aoe-perf)

# target_start NAME SOCKET-OPTIONS TARGET-OPTIONS...: a fresh aoe-target on memif $SOCK, serving
# e1.1 (16 MiB of RAM); its output in $DIR/target-NAME.log. Sets TPID and IDPDK (the
# initiator's EAL arguments for its link).
target_start() {
	local name=$1 sockopts=$2
	shift 2
	rm -f "$SOCK"
	t_dpdk_args "fault-t-$name" "net_memif0,role=server,socket=$SOCK$sockopts"
	t_bg TPID "$TARGET" -l 1 "${T_DPDK_ARGS[@]}" -- --disk 1.1=ram:16M "$@" \
		>"$DIR/target-$name.log" 2>&1
	aoe_memif_listening "$TPID" "$SOCK" ||
		t_fail "$name: aoe-target listens on memif" "$(t_tail "$(cat "$DIR/target-$name.log")")"
	t_dpdk_args "fault-i-$name" "net_memif0,role=client,socket=$SOCK$sockopts"
	IDPDK=(-l 0 "${T_DPDK_ARGS[@]}")
}

# target_stop: SIGINT, as an operator stops it: it prints its counters. Its exit status in
# TARGET_RC.
target_stop() {
	t_interrupt "$TPID"
	TARGET_RC=$?
}

# run_case NAME FAULT_SPEC [aoe-target options...] -- [aoe-perf options...]
# Leaves aoe-perf's exit status in CASE_RC and its JSON in CASE_JSON. A void run (t_memif_void:
# the target's counters died with it) runs once more.
run_case() {
	local name=$1 fault=$2 targs=() pargs=()
	shift 2
	while [[ $# -gt 0 && $1 != -- ]]; do targs+=("$1"); shift; done
	[[ $# -gt 0 ]] && shift
	pargs=("$@")
	[[ -n $fault ]] && targs+=(--fault "$fault")
	for _ in 1 2; do
		target_start "$name" "" "${targs[@]}"
		CASE_JSON=$(t_memif_client 120 "$PERF" "${IDPDK[@]}" -- -T e1.1 --json \
			"${pargs[@]}" 2>"$DIR/perf-$name.err" | tail -n 1)
		CASE_RC=$?
		CASE_END=$(date +%s.%N)
		target_stop
		[[ $CASE_JSON == \{* ]] && t_memif_void "$name" "$TARGET_RC" || break
	done
}

# tcount NAME COUNTER: a counter aoe-target printed at the end of case NAME.
tcount() { sed -n "s/^ *$2  *\([0-9]*\)$/\1/p" "$DIR/target-$1.log"; }
# tcheck NAME COUNTER: the target's COUNTER moved in case NAME (the fault really happened).
tcheck() {
	local n
	n=$(tcount "$1" "$2")
	if [[ -n $n ]] && ((n > 0)); then
		t_pass "$1: the target injected it ($2 $n)"
	else
		t_fail "$1: the target injected it" "$2 '${n}'"$'\n'"$(tail -n 5 "$DIR/target-$1.log")"
	fi
}
# cfg_answers NAME: the config answers target NAME sent (one per query, its announcement): the
# rest of what it sent answered ATA requests.
cfg_answers() { echo $(($(tcount "$1" cmd_config) + $(tcount "$1" unsolicited))); }
# rcheck NAME JQ: JQ over {r: aoe-perf's JSON, t: {drop, dup, cfg}: the target's counts}.
rcheck() {
	local name=$1 t
	t=$(printf '{"drop": %s, "dup": %s, "cfg": %s}' "$(tcount "$name" fault_drop)" \
		"$(tcount "$name" fault_dup)" "$(cfg_answers "$name")")
	if jq -e -n --argjson r "${CASE_JSON:-null}" --argjson t "$t" "$2" >/dev/null 2>&1; then
		t_pass "$3"
	else
		t_fail "$3" "aoe-perf: $CASE_JSON; target: $t"
	fi
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

# At 20 % nearly every 8 KiB I/O loses one of its 8 answers and waits out a timeout of 20 ms
# or more (backed off while losses go on): a quarter of the region keeps that case near 15 s.
for rate in 1% 5% 20%; do
	case=drop-${rate%\%}
	size=8M ios=2048
	[[ $rate == 20% ]] && size=2M ios=512
	run_case "$case" "drop=$rate" -- "${verify[@]}" --size "$size"
	[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" ||
		t_fail "$case: verify passes" "exit $CASE_RC: $(tail -n 5 "$DIR/perf-$case.err")"
	jq_check "$case: no failed I/O, retransmits counted" \
		".io_failed == 0 and .io_completed == $ios and .retransmits > 0"
	tcheck "$case" fault_drop
	# Each ATA answer dropped left its frame to be sent again: a frame whose answer came has
	# at most as many answers dropped as it was sent again.
	rcheck "$case" '$r.retransmits >= $t.drop - $t.cfg' \
		"$case: at least one retransmission per ATA answer the target dropped"
done

for rate in 5% 30%; do
	case=dup-${rate%\%}
	run_case "$case" "dup=$rate" -- "${verify[@]}"
	[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" ||
		t_fail "$case: verify passes" "exit $CASE_RC"
	jq_check "$case: duplicates refused as unexpected, nothing failed" \
		'.io_failed == 0 and .io_completed == 2048 and .unexpected > 0'
	tcheck "$case" fault_dup
	# The second copy of an ATA answer finds its frame done; only the copies of the last
	# answers (16 in flight) may come after aoe-perf's report.
	rcheck "$case" '$r.unexpected >= $t.dup - $t.cfg - 16' \
		"$case: every duplicated ATA answer counted as unexpected"
done

for rate in 10% 50%; do
	case=reorder-${rate%\%}
	run_case "$case" "reorder=$rate" -- "${verify[@]}"
	[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" ||
		t_fail "$case: verify passes" "exit $CASE_RC"
	jq_check "$case: no failed I/O" '.io_failed == 0 and .io_completed == 2048'
	tcheck "$case" fault_reorder
done

case=mixed
run_case "$case" "drop=3%,dup=3%,reorder=10%,delay=200" -- "${verify[@]}" --seed 7
[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" || t_fail "$case: verify passes" "exit $CASE_RC"
jq_check "$case: retransmits and duplicates counted, nothing failed" \
	'.io_failed == 0 and .io_completed == 2048 and .retransmits > 0 and .unexpected > 0'
rcheck "$case" '$r.retransmits >= $t.drop - $t.cfg and $r.unexpected >= $t.dup - $t.cfg - 16' \
	"$case: a retransmission per dropped ATA answer, an unexpected one per duplicate"

# Corrupted headers (shelf, slot, command, tag, ATA flags, count or LBA): each such answer is
# refused one way or another and its frame fetched again, so the verify passes.
case=corrupt-hdr
run_case "$case" "corrupt-hdr=3%" -- "${verify[@]}"
[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes" ||
	t_fail "$case: verify passes" "exit $CASE_RC: $(tail -n 5 "$DIR/perf-$case.err")"
jq_check "$case: nothing failed; refused answers were fetched again" \
	'.io_failed == 0 and .io_completed == 2048 and .retransmits > 0 and
	 .unexpected + .wrong_fields + .wrong_source > 0'
tcheck "$case" fault_corrupt_hdr
# Corrupted data: AoE carries no checksum (it relies on the Ethernet FCS), so a flipped data
# bit is the application's to catch: the read check must see it.
case=corrupt-data
run_case "$case" "corrupt=5%" -- -w verify -o 4096 -q 8 --size 2M --deadsecs 30
[[ $CASE_RC -eq 1 ]] && grep -q "data mismatch" "$DIR/perf-$case.err" &&
	t_pass "$case: the read check reports the corrupted data" ||
	t_fail "$case: the read check reports the corrupted data" \
		"exit $CASE_RC: $(tail -n 3 "$DIR/perf-$case.err")"
tcheck "$case" fault_corrupt

# A target whose sector count halves without a word (restarted with a smaller MTU, its
# announcement lost; aoe-target does it on SIGUSR2): the frames in flight get "bad argument",
# the engine asks the config again and sends them again cut to the new size.
case=shrink
target_start "$case" ",bsize=8192" --sectors 8
(sleep 4 && kill -USR2 "$TPID") &
CASE_JSON=$(t_memif_client 120 "$PERF" "${IDPDK[@]}" -- -T e1.1 --json --mtu 4200 \
	-w verify -o 16k -q 8 --size 4M -t 8 --deadsecs 30 2>"$DIR/perf-$case.err" | tail -n 1)
CASE_RC=$?
target_stop
[[ $CASE_RC -eq 0 ]] && t_pass "$case: verify passes across the shrink" ||
	t_fail "$case: verify passes across the shrink" \
		"exit $CASE_RC: $(tail -n 5 "$DIR/perf-$case.err")"
jq_check "$case: bad arguments asked the config again; frames were cut to 4 sectors" \
	'.io_failed == 0 and (.aoe_errors | add) > 0 and .requeries > 0 and .resplits > 0'
# Its own line at the moment it shrinks (not its counters at exit: 22.11's memif PMD was seen to
# crash the server as its client left, before they were printed).
t_check "$case: the target shrank once (one SIGUSR2)" \
	test "$(grep -c 'now [0-9]* sectors per frame' "$DIR/target-$case.log")" = 1

# FLUSH CACHE EXT advertised by IDENTIFY (aoe-target always does) but aborted: an error, not a
# silent fallback to FLUSH CACHE.
case=abort-flush-ext
run_case "$case" "" --abort-flush-ext -- -w flush -o 4k -q 1 --size 16k --deadsecs 30
[[ $CASE_RC -ne 0 ]] && t_pass "$case: the flush fails (exit $CASE_RC)" ||
	t_fail "$case: the flush fails" "exit 0: $CASE_JSON"
jq_check "$case: an ATA error, no fallback" '.ata_errors > 0 and .flush_ext_fallbacks == 0'

# Error answers for seconds: every one fails its I/O, but the log gets at most 10 lines a
# second from the datapath and says how many it held back.
case=aoe-errors
MANY=$(aoe_build_dir)/tests/integration/progs/aoe-many
target_start "$case" "" --aoe-error 3
t_memif_client 60 "$MANY" "${IDPDK[@]}" -- 3 8 4096 1 1 1 >"$DIR/many-$case.out" 2>"$DIR/many-$case.err"
target_stop
many=$(grep '^{' "$DIR/many-$case.out")
lines=$(grep -c "error packet from" "$DIR/many-$case.err")
echo "# $case: $many; $lines error lines logged"
if [[ -n $many ]] && jq -e '.failed > 1000 and .aoe_errors > 1000' <<<"$many" >/dev/null; then
	t_pass "$case: thousands of error answers failed their I/O"
else
	t_fail "$case: thousands of error answers failed their I/O" "$many"
fi
((lines <= 40)) && grep -q "suppressed" "$DIR/many-$case.err" &&
	t_pass "$case: $lines lines logged in 3 s, the rest counted as suppressed" ||
	t_fail "$case: at most 40 lines logged in 3 s, the rest counted" "$lines lines"

# Silence past deadsecs: the target answers 300 ATA requests, then nothing. The one outstanding
# I/O fails deadsecs after its frame was sent (the test allows 0.7 s for the timer tick, the
# load of a shared host and aoe-perf's exit), not when the backed-off retransmission timer
# next fires (at 4.5 s: 20 ms doubling to 2 s).
case=silent
SILENT_AT=$DIR/silent-at
rm -f "$SILENT_AT"
# Not a wait but a measurement: when the target said it went silent, to 20 ms.
(
	for _ in $(seq 1000); do
		if grep -qs "going silent" "$DIR/target-$case.log"; then
			date +%s.%N >"$SILENT_AT"
			exit 0
		fi
		sleep 0.02
	done
) &
run_case "$case" "" --silent-after 300 -- -w randread -o 4096 -q 1 -t 60 --deadsecs 3
[[ $CASE_RC -ne 0 ]] && t_pass "$case: aoe-perf reports the failure (exit $CASE_RC)" ||
	t_fail "$case: aoe-perf reports the failure" "exit 0: $CASE_JSON"
took=$(awk -v a="$(cat "$SILENT_AT" 2>/dev/null)" -v b="$CASE_END" \
	'BEGIN { if (a == "") print 99; else printf "%.2f", b - a }')
awk -v t="$took" 'BEGIN { exit !(t >= 2.9 && t <= 3.7) }' &&
	t_pass "$case: failed ${took} s after the target went silent (deadsecs 3)" ||
	t_fail "$case: fails deadsecs (3 s) after the target went silent" "took ${took} s"
jq_check "$case: outstanding I/O failed with timeouts counted" '.io_failed > 0 and .timeouts > 0'
if grep -q -i "timed out" "$DIR/perf-$case.err"; then
	t_pass "$case: the failure says the target timed out"
else
	t_fail "$case: the failure says the target timed out" "$(tail -n 5 "$DIR/perf-$case.err")"
fi
if grep -q "failed: no other path" "$DIR/perf-$case.err" &&
	! grep -q "traffic moves to other paths" "$DIR/perf-$case.err"; then
	t_pass "$case: the one path's failure says there is no other path"
else
	t_fail "$case: the one path's failure says there is no other path" \
		"$(grep "path via" "$DIR/perf-$case.err" | head -n 3)"
fi
t_summary
