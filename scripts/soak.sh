#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/soak.sh [-t SECONDS] [-d DEADSECS] [-f FAULTS] [-b MTU] [-k]
#
# A soak that would see a lost write: for SECONDS (default 600) four aoe-perf workloads run at
# once on four targets while faults are injected, and every I/O is accounted for.
#
#   verify   e1.1  vblade (test bed), two paths: A on the test bed's veth, B a second vblade
#                  exporting the same file from another MAC, at MTU 1500 at first (-b 9000:
#                  jumbo at first; see docs/soak.md)
#   randrw   e1.2  vblade (test bed), --check, after a write pass that fills the region
#   verify   e3.1  aoe-target over af_packet, --fault FAULTS (-f, default
#                  drop=1%,dup=1%,reorder=5%,delay=100: its answers lost, duplicated, reordered,
#                  delayed)
#   randrw   e3.2  the same aoe-target, --check, after a write pass
#
# verify writes generation P of the pattern in its pass P (docs/usage-aoe-perf.md), so a write
# that is acknowledged and never stored fails the next check. While they run, in turn: path B
# killed and restarted; path B restarted with the other MTU (1500 <-> 9000) on the same MAC;
# e1.2's vblade killed and restarted (testbed.sh kill/start); aoe-target killed (SIGTERM: it
# reports its fault counters) and restarted on the same files; and once, e1.2 down for longer
# than deadsecs (-d, default 10). An aoe-perf run that fails is restarted for the time left.
#
# The report: per workload I/Os completed, I/Os failed and why, data errors; faults injected by
# kind. Checks: I/O completed on every workload; no data error; every failed I/O explained by a
# deadline (it failed while its target was down for longer than deadsecs); every kind of fault
# injected; every aoe-target exited with its counters. The last line is "N passed, N failed".
# -k keeps the work directory (logs, JSON results) for inspection. -f with lose-write=P added
# (aoe-target acknowledges writes it does not store) must make the soak fail with data errors:
# that is how it is known to see a lost write. Run as root; the machine's own interfaces are
# never used (veth pairs and a namespace of its own, removed at exit).
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"

SECS=600
DEADSECS=10
FAULTS=drop=1%,dup=1%,reorder=5%,delay=100
B_MTU=1500
KEEP=0
while getopts "t:d:f:b:kh" opt; do
	case $opt in
	t) SECS=$OPTARG ;;
	d) DEADSECS=$OPTARG ;;
	f) FAULTS=$OPTARG ;;
	b) B_MTU=$OPTARG ;;
	k) KEEP=1 ;;
	h) sed -n '4,32s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) sed -n '4s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
(($# == 0)) || aoe_die "unexpected argument '$1' (see -h)"
# Every kind of fault takes a round of about a minute, after the set-up and before a quiet end.
[[ $SECS =~ ^[1-9][0-9]*$ ]] && ((SECS >= 120)) || aoe_die "-t: at least 120 seconds, not '$SECS'"
[[ $DEADSECS =~ ^[1-9][0-9]*$ ]] && ((DEADSECS >= 5 && DEADSECS <= 60)) ||
	aoe_die "-d: 5 to 60 seconds, not '$DEADSECS'"
[[ $B_MTU == 1500 || $B_MTU == 9000 ]] || aoe_die "-b: 1500 or 9000, not '$B_MTU'"
aoe_is_root || aoe_die "run as root (network namespaces, veth pairs, raw sockets)"
for tool in ip vblade jq python3 timeout; do
	command -v "$tool" >/dev/null || aoe_die "$tool is missing; run scripts/setup.sh"
done
BUILD=$(aoe_build_dir)
PERF=$BUILD/app/aoe-perf/aoe-perf
TARGET=$BUILD/app/aoe-target/aoe-target
for b in "$PERF" "$TARGET"; do
	[[ -x $b ]] || aoe_die "$b is not built (AOE_BUILD_DIR=$BUILD)"
done
TESTBED=$AOE_ROOT/scripts/testbed.sh

# ---- names, the work directory and what is cleaned up at exit --------------------------------

NAME=sk$$ # the test bed: namespace NAME-ns, veth NAME-h; path B NAMEb-h; aoe-target NAMEc-h/-t
PATH_B=${NAME}b
TGT_LINK=${NAME}c
DIR=$(mktemp -d /tmp/aoe-soak.XXXXXX)
CPUS="(0-$(($(nproc) - 1)))" # every process may run on every CPU: the kernel spreads them
EVENTS=$DIR/events           # KIND TARGETS START END [NOTE]: what was injected, and when
PIDS=()                      # workload loops and the processes started here, stopped at exit
VBLADE_B=""
TGT_PID=""
TGT_N=0

log() { printf 'soak: %s %s\n' "$(date +%T)" "$*"; }

cleanup() {
	local p
	local -a runs=()
	trap - EXIT INT TERM HUP
	for p in "${PIDS[@]}" $TGT_PID $VBLADE_B; do
		kill -TERM "$p" 2>/dev/null
	done
	# The workload loops' aoe-perf runs: each loop writes its current one's PID. Stopped, they
	# would drain their I/O for up to deadsecs with their targets gone: killed with the rest.
	for p in "$DIR"/*.pid; do
		[[ -f $p ]] && runs+=("$(cat "$p")")
	done
	for p in "${runs[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 1
	for p in "${PIDS[@]}" $TGT_PID $VBLADE_B "${runs[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	ip link del "$PATH_B-h" 2>/dev/null
	ip link del "$TGT_LINK-h" 2>/dev/null
	"$TESTBED" down --name "$NAME" >/dev/null 2>&1
	for p in $(cat "$DIR/prefixes" 2>/dev/null); do
		aoe_eal_cleanup "$p" 2>/dev/null
	done
	if ((KEEP)); then
		log "work directory kept: $DIR"
	else
		rm -rf -- "$DIR"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# eal NAME VDEV...: EAL arguments of one DPDK process (a file prefix of its own, --no-pci).
eal() {
	aoe_eal_prefix "$1" >>"$DIR/prefixes"
	echo "--lcores 0@$CPUS $(aoe_eal_args "$@")"
}

# ---- checks and the report's last line -------------------------------------------------------

PASSED=0 FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'not ok - %s\n' "$1"; [[ -n ${2:-} ]] && printf '#   %s\n' "${2//$'\n'/$'\n'#   }"; return 0; }
finish() {
	echo "$PASSED passed, $FAILED failed"
	((FAILED == 0 && PASSED > 0))
	exit
}

# ---- the links and the targets ---------------------------------------------------------------

veth() { # veth NAME MTU [NETNS]: NAME-h here, NAME-t (in NETNS if given), both up, no IPv6
	local n=$1 mtu=$2 ns=${3:-}
	ip link add "$n-h" mtu "$mtu" type veth peer name "$n-t" mtu "$mtu" || return 1
	sysctl -qw "net.ipv6.conf.$n-h.disable_ipv6=1"
	sysctl -qw "net.ipv6.conf.$n-t.disable_ipv6=1"
	if [[ -n $ns ]]; then
		ip link set "$n-t" netns "$ns" && ip -n "$ns" link set "$n-t" up || return 1
	else
		ip link set "$n-t" up || return 1
	fi
	ip link set "$n-h" up
}

# answers IFACE SHELF SLOT SECONDS: true once SHELF.SLOT answers a query config on IFACE.
answers() {
	local until=$((EPOCHSECONDS + $4))
	while ((EPOCHSECONDS < until)); do
		aoe_probe "$1" "$2" "$3" -t 0.5 >/dev/null 2>&1 && return 0
	done
	return 1
}

# Path B: a second vblade exporting e1.1's backing file, on its own veth in the test bed's
# namespace (another MAC). Its MTU is the one the veth has when it starts.
vblade_b_start() {
	ip netns exec "$AOE_TB_NS" vblade 1 1 "$PATH_B-t" "$E11_FILE" >>"$DIR/vblade-b.log" 2>&1 \
		</dev/null &
	VBLADE_B=$!
	answers "$PATH_B-h" 1 1 10
}

vblade_b_kill() {
	[[ -n $VBLADE_B ]] || return 0
	kill -KILL "$VBLADE_B" 2>/dev/null
	wait "$VBLADE_B" 2>/dev/null
	VBLADE_B=""
}

# aoe-target: e3.1 and e3.2 from files, faults on every answer; a new seed for each start.
target_start() {
	local -a args
	TGT_N=$((TGT_N + 1))
	read -ra args <<<"$(eal "soak-tgt$TGT_N" "net_af_packet0,iface=$TGT_LINK-t,qpairs=1")"
	"$TARGET" "${args[@]}" -- --disk "3.1=file:$DIR/e3.1.img" --disk "3.2=file:$DIR/e3.2.img" \
		--fault "$FAULTS" --seed "$TGT_N" \
		>"$DIR/target.$TGT_N.log" 2>&1 </dev/null &
	TGT_PID=$!
	answers "$TGT_LINK-h" 3 1 20
}

# Stop it as an operator does: it prints its counters, which the report adds up.
target_stop() {
	[[ -n $TGT_PID ]] || return 0
	kill -TERM "$TGT_PID" 2>/dev/null
	wait "$TGT_PID"
	echo "$TGT_N $?" >>"$DIR/target.exits"
	TGT_PID=""
}

: >"$EVENTS"
log "set-up: test bed $NAME (e1.1, e1.2), path B $PATH_B, aoe-target on $TGT_LINK; work in $DIR"
if ! out=$("$TESTBED" up --name "$NAME" --targets 1.1:32M,1.2:32M 2>&1); then
	fail "set-up: test bed $NAME" "$out"
	finish
fi
eval "$("$TESTBED" env --name "$NAME")"
E11_FILE=$AOE_TB_DIR/$NAME-e1.1.img
truncate -s 32M "$DIR/e3.1.img" "$DIR/e3.2.img"
# The initiator's end takes jumbo frames throughout; vblade's end has path B's MTU of the moment.
if ! veth "$PATH_B" 9000 "$AOE_TB_NS" || ! ip -n "$AOE_TB_NS" link set "$PATH_B-t" mtu "$B_MTU" ||
	! vblade_b_start; then
	fail "set-up: path B ($PATH_B, MTU $B_MTU)" "$(tail -n 5 "$DIR/vblade-b.log" 2>/dev/null)"
	finish
fi
if ! veth "$TGT_LINK" 1500 || ! target_start; then
	fail "set-up: aoe-target on $TGT_LINK" "$(tail -n 20 "$DIR/target.$TGT_N.log" 2>/dev/null)"
	finish
fi
pass "set-up: test bed, path B at MTU $B_MTU, aoe-target with --fault $FAULTS"

# ---- the workloads ---------------------------------------------------------------------------

START=$EPOCHSECONDS
END=$((START + SECS))

# workload NAME TARGET KIND VDEV...: aoe-perf runs of KIND (verify, or randrw after a write
# pass) on TARGET until END, one after another: a run that fails is followed by a new one for
# the time left. Each run leaves NAME.RUN.json (its report) and NAME.RUN.err, and a line
# "RUN KIND START END EXIT" in NAME.runs.
workload() {
	local name=$1 target=$2 kind=$3 run=0 filled=0 left t0 rc
	shift 3
	local -a args wl
	while left=$((END - EPOCHSECONDS)) && ((left >= 3)); do
		run=$((run + 1))
		if [[ $kind == verify ]]; then
			wl=(-w verify -o 16k -q 8 -t "$left")
		elif ((!filled)); then
			wl=(-w write -o 64k -q 8) # randrw --check reads what this wrote
		else
			wl=(-w randrw -M 50 --check -o 8k -q 16 -t "$left")
		fi
		read -ra args <<<"$(eal "soak-$name-$run" "$@")"
		t0=$EPOCHSECONDS
		"$PERF" "${args[@]}" -- -T "$target" "${wl[@]}" --size 16M --deadsecs "$DEADSECS" \
			--discover-wait 60000 --json >"$DIR/$name.$run.json" 2>"$DIR/$name.$run.err" \
			</dev/null &
		echo $! >"$DIR/$name.pid"
		wait $!
		rc=$?
		rm -f "$DIR/$name.pid"
		echo "$run ${wl[1]} $t0 $EPOCHSECONDS $rc" >>"$DIR/$name.runs"
		[[ ${wl[1]} == write ]] && ((rc == 0)) && filled=1
		aoe_eal_cleanup "$(aoe_eal_prefix "soak-$name-$run")" 2>/dev/null
		((rc == 0)) || sleep 1
	done
	[[ $kind == verify ]] || ((filled)) || : >"$DIR/$name.unfilled"
}

WORKLOADS=(v11 r12 v31 r32)
declare -A WL_TARGET=([v11]=e1.1 [r12]=e1.2 [v31]=e3.1 [r32]=e3.2)
declare -A WL_KIND=([v11]=verify [r12]=randrw [v31]=verify [r32]=randrw)
tb_vdev="net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1"
b_vdev="net_af_packet1,iface=$PATH_B-h,qpairs=1,framesz=16384,blocksz=16384"
tgt_vdev="net_af_packet0,iface=$TGT_LINK-h,qpairs=1"
workload v11 e1.1 verify "$tb_vdev" "$b_vdev" &
PIDS+=($!)
workload r12 e1.2 randrw "$tb_vdev" &
PIDS+=($!)
workload v31 e3.1 verify "$tgt_vdev" &
PIDS+=($!)
workload r32 e3.2 randrw "$tgt_vdev" &
PIDS+=($!)
log "workloads started for $SECS s: verify e1.1 (2 paths), randrw e1.2, verify e3.1, randrw e3.2"

# ---- the faults ------------------------------------------------------------------------------

event() { echo "$*" >>"$EVENTS"; }

# Each takes a target or a path away and gives it back, and records when it was away.
fault_path_restart() {
	local t0=$EPOCHSECONDS
	log "fault: path-restart: e1.1's path B killed, restarted 3 s later"
	vblade_b_kill
	sleep 3
	vblade_b_start || log "path B did not answer after its restart"
	event path-restart e1.1 "$t0" "$EPOCHSECONDS" "path B"
}

fault_mtu_change() {
	local t0=$EPOCHSECONDS mtu
	mtu=$((B_MTU == 9000 ? 1500 : 9000))
	log "fault: mtu-change: e1.1's path B restarted at MTU $mtu"
	vblade_b_kill
	ip -n "$AOE_TB_NS" link set "$PATH_B-t" mtu "$mtu"
	B_MTU=$mtu
	vblade_b_start || log "path B did not answer at MTU $mtu"
	event mtu-change e1.1 "$t0" "$EPOCHSECONDS" "path B now MTU $mtu"
}

# target_down_for KIND SECONDS: e1.2's vblade away for that long (testbed.sh kill and start).
target_down_for() {
	local t0=$EPOCHSECONDS
	log "fault: $1: e1.2's vblade killed, restarted $2 s later"
	"$TESTBED" kill 1.2 --name "$NAME" >/dev/null
	sleep "$2"
	"$TESTBED" start 1.2 --name "$NAME" >/dev/null || log "e1.2 did not come back"
	event "$1" e1.2 "$t0" "$EPOCHSECONDS" "vblade down ${2} s"
}

fault_target_restart() { target_down_for target-restart 2; }

fault_aoe_target_restart() {
	local t0=$EPOCHSECONDS
	log "fault: target-restart: aoe-target (e3.1, e3.2) stopped, restarted on its files"
	target_stop
	sleep 1
	target_start || log "aoe-target did not answer after its restart"
	event target-restart e3.1,e3.2 "$t0" "$EPOCHSECONDS" "aoe-target $TGT_N"
}

# The fills come first: faults start once the randrw workloads write no more (or after 30 s).
for _ in $(seq 30); do
	[[ $(cat "$DIR"/r12.runs "$DIR"/r32.runs 2>/dev/null | grep -c ' write .* 0$') -ge 2 ]] && break
	sleep 1
done
GAP=4
ROUND=(fault_path_restart fault_mtu_change fault_target_restart fault_aoe_target_restart)
OUTAGE=$((DEADSECS + 6)) # the one outage longer than deadsecs
outage_done=0 i=0
# No fault starts when it could not end, and everything recover, before the workloads do.
while ((END - EPOCHSECONDS > 25)); do
	if ((!outage_done && i >= ${#ROUND[@]} && END - EPOCHSECONDS > OUTAGE + 35)); then
		target_down_for target-outage "$OUTAGE"
		outage_done=1
	else
		"${ROUND[i % ${#ROUND[@]}]}"
		i=$((i + 1))
	fi
	sleep "$GAP"
done
log "no more faults; the workloads run to the end"
for p in "${PIDS[@]}"; do
	wait "$p"
done
PIDS=()
target_stop

# ---- the report ------------------------------------------------------------------------------

# What aoe-perf prints when it never started: the EAL refused, or a device made no port.
NOT_STARTED='EAL: FATAL|made no Ethernet port'

# runs_of NAME: one JSON object per run: what it did, how it ended, what it reported.
runs_of() {
	local name=$1 run kind t0 t1 rc json err
	while read -r run kind t0 t1 rc; do
		json=$(grep '^{' "$DIR/$name.$run.json" 2>/dev/null | tail -n 1)
		# No report at all is null too (jq -e passes on empty input): the run stays in the table.
		[[ -n $json ]] && jq -e . >/dev/null 2>&1 <<<"$json" || json=null
		err=$(grep -E "^job [0-9]+ .*failed I/O|went down during the run|$NOT_STARTED" \
			"$DIR/$name.$run.err" | head -n 1)
		jq -c -n --argjson r "$json" --arg err "$err" --argjson run "$run" \
			--arg kind "$kind" --argjson t0 "$t0" --argjson t1 "$t1" --argjson rc "$rc" \
			'{run: $run, kind: $kind, t0: $t0, t1: $t1, rc: $rc, err: $err,
			  completed: ($r.io_completed // 0), failed: ($r.io_failed // 0),
			  data_errors: ($r.data_errors // 0), report: ($r != null),
			  ghosts: ($r.ghost_writes // 0), fenced: ($r.fenced_writes // 0),
			  abandoned: ($r.ghosts_abandoned // 0)}'
	done <"$DIR/$name.runs"
}

# explain RUN TARGET: why the run's I/O failed, if a deadline says so: its target (each of
# e3.1,e3.2's) was away for deadsecs or longer, and the run ended during that or soon after
# (the engine fails I/O deadsecs after a frame went unanswered, aoe-perf then drains).
explain() {
	jq -r -n --argjson run "$1" --arg t "$2" --argjson d "$DEADSECS" --rawfile ev "$EVENTS" '
		[$ev | split("\n")[] | select(length > 0) | split(" ")
		 | {kind: .[0], targets: (.[1] | split(",")), t0: (.[2] | tonumber),
		    t1: (.[3] | tonumber)}
		 | select((.targets | index($t)) and .t1 - .t0 >= $d
			  and .t0 + $d - 2 <= $run.t1 and $run.t1 <= .t1 + $d + 5)]
		| if length > 0 then "\(.[0].kind) at +\(.[0].t0 - '"$START"') s for \(.[0].t1 - .[0].t0) s"
		  else "" end'
}

echo
ROW='%-8s %-6s %-26s %5s %9s %7s %12s  %s\n'
# shellcheck disable=SC2059 # ROW is the table's format
printf "$ROW" workload target what runs I/Os failed data_errors "failed I/O: why"
for name in "${WORKLOADS[@]}"; do
	target=${WL_TARGET[$name]}
	mapfile -t runs < <(runs_of "$name")
	completed=0 failed=0 data_errors=0 deadline=0 why="" unexplained=() unstarted=()
	for r in "${runs[@]}"; do
		read -r c f de rc rep < <(jq -r '"\(.completed) \(.failed) \(.data_errors) \(.rc) \(.report)"' <<<"$r")
		completed=$((completed + c)) failed=$((failed + f)) data_errors=$((data_errors + de))
		((rc == 0)) && continue
		because=$(explain "$r" "$target")
		if ((de > 0)); then
			continue # data errors: the check below names them
		elif [[ $rep == false && $(jq -r .err <<<"$r") =~ $NOT_STARTED ]]; then
			# It never started: the EAL refused (no free hugepages) or its port could not be
			# made (af_packet's fanout group id, pid ^ ifindex, taken on another interface).
			# No I/O was made, none failed.
			unstarted+=("$(jq -r '.err' <<<"$r")")
		elif [[ $rc == 1 && $rep == true && -n $because ]]; then
			why+="${why:+; }$f: deadline, $because"
			deadline=$((deadline + f))
		else
			unexplained+=("$(jq -r --argjson s "$START" '"run \(.run) (\(.kind), +\(.t0 - $s)..+\(.t1 - $s) s, exit \(.rc)): \(.err)"' <<<"$r")")
		fi
	done
	((data_errors > 0)) && why+="${why:+; }$data_errors: data errors"
	((${#unexplained[@]} > 0)) && why+="${why:+; }${#unexplained[@]} run(s) unexplained"
	((${#unstarted[@]} > 0)) && why+="${why:+; }${#unstarted[@]} run(s) did not start (${unstarted[0]})"
	what=${WL_KIND[$name]}
	[[ $what == randrw ]] && what+=" --check"
	[[ $target == e3.* ]] && what+=", aoe-target" || what+=", vblade"
	[[ $name == v11 ]] && what+=" x2"
	# shellcheck disable=SC2059
	printf "$ROW" "$name" "$target" "$what" "${#runs[@]}" "$completed" "$failed" "$data_errors" \
		"${why:--}"
	if ((completed > 0)); then
		pass "$name ($target): $completed I/Os completed"
	else
		fail "$name ($target): I/Os completed" "none: $(tail -n 5 "$DIR/$name.1.err" 2>/dev/null)"
	fi
	if ((data_errors == 0)); then
		pass "$name ($target): no data error"
	else
		fail "$name ($target): no data error" \
			"$data_errors: $(grep -h 'data mismatch' "$DIR/$name".*.err | head -n 3)"
	fi
	if ((${#unexplained[@]} == 0)); then
		pass "$name ($target): every failed I/O explained ($deadline by a deadline)"
	else
		fail "$name ($target): every failed I/O explained by a deadline" \
			"$(printf '%s\n' "${unexplained[@]}")"$'\n'"faults: $(awk -v s="$START" \
				'{ printf "%s %s +%d..+%d; ", $1, $2, $3 - s, $4 - s }' "$EVENTS")"
	fi
	if [[ -e $DIR/$name.unfilled ]]; then
		fail "$name ($target): its write pass completed" "randrw never started"
	fi
done

# The write fence (docs/architecture.md) at work on the verify workloads: how often a write was
# done with a copy unanswered, how many later writes it kept behind one, how many it gave up.
for name in v11 v31; do
	runs_of "$name" | jq -s -r --arg n "$name" --arg t "${WL_TARGET[$name]}" \
		'"write fence on \($n) (\($t)): \(map(.ghosts) | add // 0) writes done with a copy unanswered, \(map(.fenced) | add // 0) later writes sent behind one, \(map(.abandoned) | add // 0) copies abandoned"'
done

echo
# Faults the aoe-target injected (each kind -f names), added up over its runs: each printed its
# counters at exit. Then those injected here.
declare -A INJECTED=() WHAT=(
	[drop]="aoe-target answers dropped"
	[dup]="aoe-target answers sent twice"
	[reorder]="aoe-target answers held back behind the next"
	[delay]="aoe-target answers delayed"
	[corrupt]="aoe-target answers with a bit flipped"
	[lose-write]="aoe-target writes acknowledged, not stored"
	[path-restart]="e1.1's path B killed, restarted 3 s later"
	[target-restart]="e1.2's vblade (2 s) or aoe-target killed and restarted"
	[target-outage]="e1.2's vblade away for $OUTAGE s, longer than deadsecs $DEADSECS s"
	[mtu-change]="path B restarted at the other MTU (1500 <-> 9000), same MAC"
)
KINDS=()
for item in ${FAULTS//,/ }; do
	k=${item%%=*}
	KINDS+=("$k")
	INJECTED[$k]=$(awk -v k="fault_${k//-/_}" '$1 == k { n += $2 } END { print n + 0 }' \
		"$DIR"/target.*.log)
done
for k in path-restart target-restart target-outage mtu-change; do
	KINDS+=("$k")
	INJECTED[$k]=$(awk -v k="$k" '$1 == k { n++ } END { print n + 0 }' "$EVENTS")
done
printf '%-16s %10s  %s\n' fault injected what
for k in "${KINDS[@]}"; do
	printf '%-16s %10s  %s\n' "$k" "${INJECTED[$k]}" "${WHAT[$k]:-aoe-target --fault $k}"
done
for k in "${KINDS[@]}"; do
	[[ $k == target-outage ]] && continue
	if ((INJECTED[$k] > 0)); then
		pass "fault $k injected (${INJECTED[$k]})"
	else
		fail "fault $k injected" "none"
	fi
done
# The outage needs deadsecs + 35 s of the run after the first round of faults.
if ((INJECTED[target-outage] > 0)); then
	pass "fault target-outage injected (${INJECTED[target-outage]})"
elif ((SECS >= 4 * GAP + 2 * OUTAGE + 60)); then
	fail "fault target-outage injected" "none in $SECS s"
fi
bad_exits=$(awk '$2 != 0' "$DIR/target.exits" 2>/dev/null)
missing=$(for ((n = 1; n <= TGT_N; n++)); do grep -q '^  fault_drop' "$DIR/target.$n.log" || echo "$n"; done)
if [[ -z $bad_exits && -z $missing ]]; then
	pass "aoe-target: $TGT_N runs, each exited 0 with its counters"
else
	fail "aoe-target: every run exited 0 with its counters" \
		"exits (run status): ${bad_exits:-all 0}; without counters: ${missing:-none}"
fi
echo "soak: $SECS s, deadsecs $DEADSECS s, $(uptime | sed 's/.*load/load/')"
finish
