#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/bench.sh [-n RUNS] [-t SECONDS] [--quick] [--zero-copy | --copy] [--write-doc]
#                  [--datapath] [-h]
#
# Measures, in one run on one machine, over a DPDK memif link between two processes (one core
# each: core 1 is the server side, core 0 the client side):
#   (a) the transport's ceiling: testpmd txonly -> testpmd rxonly, frames/s for the AoE frame
#       sizes 60 (a request), 1060 (a response of 2 sectors, MTU 1500) and 4132 (8 sectors);
#   (b) aoe-perf 4 KiB randread and randwrite at QD 1 and 128 against aoe-target's null disk,
#       target on core 1, initiator on core 0, at MTU 1500 and with jumbo frames, and the
#       zero-copy reads (aoe-perf --zcopy: jumbo, QD 1 and 128) when aoe-perf has them;
#   (c) (b) over (a) in frames per second, run by run, and the initiator's cycles per I/O.
# Both with the client side of memif (testpmd rxonly, aoe-perf) in zero-copy mode
# (zero-copy=yes, --single-file-segments: the peer writes frames straight into its mbufs, as
# a NIC does) and in copy mode (memif copies each frame once more), one table each; --zero-copy
# or --copy measures one of them only. Each of the RUNS iterations measures, mode by mode,
# every ceiling and then every aoe-perf case, so a ratio divides figures taken minutes apart at
# most. Output: markdown tables on stdout (medians and min-max); --write-doc also puts them
# into docs/performance.md between its markers.
#
# --datapath instead checks the initiator's steady state (zero-copy memif, jumbo frames,
# randread QD 128): syscalls (strace, perf), calls to malloc/free/rte_malloc/
# pthread_mutex_lock (uprobes counted by perf stat), CPU time per I/O (perf stat task-clock
# of the lcore thread) and hot spots (perf record) of aoe-perf.
#
# Needs root (hugepages; perf and strace for --datapath). Environment: AOE_BUILD_DIR (default
# build), TESTPMD (default dpdk-testpmd), AOE_NO_HUGE=1 to force --no-huge.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"

HELPER=$AOE_ROOT/scripts/bench/bench.py
DOC=$AOE_ROOT/docs/performance.md
TESTPMD=${TESTPMD:-$(command -v dpdk-testpmd || echo /usr/bin/dpdk-testpmd)}
BUILD=$(aoe_build_dir)
AOE_PERF=$BUILD/app/aoe-perf/aoe-perf
AOE_TARGET=$BUILD/app/aoe-target/aoe-target

RUNS=5
SECS=10
WRITE_DOC=0
MODE=bench
MEMIF_MODES=(zc copy)
CEIL_SIZES=(60 1060 4132)
CORE_A=1	# server side: testpmd txonly, aoe-target
CORE_B=0	# client side: testpmd rxonly, aoe-perf

usage() {
	sed -n '3,30p' "$0" | sed 's/^# \{0,1\}//'
}

while (($#)); do
	case $1 in
	-n) RUNS=${2:?-n needs a number}; shift ;;
	-t) SECS=${2:?-t needs seconds}; shift ;;
	--quick) RUNS=3 SECS=5 ;;
	--write-doc) WRITE_DOC=1 ;;
	--datapath) MODE=datapath ;;
	--zero-copy) MEMIF_MODES=(zc) ;;
	--copy) MEMIF_MODES=(copy) ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || aoe_die "-n: a positive number of runs, not '$RUNS'"
[[ $SECS =~ ^[1-9][0-9]*$ ]] || aoe_die "-t: a positive number of seconds, not '$SECS'"
for b in "$AOE_PERF" "$AOE_TARGET" "$TESTPMD"; do
	[[ -x $b ]] || aoe_die "$b not found (build with meson/ninja, or set AOE_BUILD_DIR/TESTPMD)"
done
aoe_is_root || aoe_die "run as root (hugepages, perf, strace)"

SOCK=/tmp/aoe-bench-$$.sock
TMP=$(mktemp -d /tmp/aoe-bench.XXXXXX)
PIDS=()
PROBES=()

# Stop one of our processes: SIGINT (testpmd, aoe-target and aoe-perf all report and exit on
# it), SIGKILL after 10 s. Returns the process's exit status.
stop_pid() {
	local pid=$1 rc=0 i
	kill -INT "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	local keep=()
	for i in "${PIDS[@]}"; do [[ $i == "$pid" ]] || keep+=("$i"); done
	PIDS=("${keep[@]}")
	return $rc
}

cleanup() {
	local pid p
	trap - EXIT INT TERM HUP
	for pid in "${PIDS[@]}"; do stop_pid "$pid" || true; done
	for p in "${PROBES[@]}"; do perf probe -q -d "$p" >/dev/null 2>&1 || true; done
	rm -f -- "$SOCK"
	for p in tx rx tgt ini; do aoe_eal_cleanup "$(aoe_eal_prefix "bench-$p")" || true; done
	rm -rf -- "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Hugepages: reserve them (scripts/hugepages.sh says why when it cannot) and use them.
"$AOE_ROOT/scripts/hugepages.sh" reserve || true
AOE_EAL_MEM_MB=${AOE_EAL_MEM_MB:-256}
read -ra MEM <<<"$(aoe_eal_mem_args)"
if [[ ${MEM[0]} == --no-huge ]]; then
	aoe_warn "no hugepages: running with --no-huge; the figures are not comparable"
	MEM_DESC="no hugepages (--no-huge -m ${MEM[2]}): NOT a valid measurement"
	MEM_ZC=("${MEM[@]}" --single-file-segments)
else
	# A zero-copy memif client shares its hugepage files with the peer: one file per
	# memory segment list (--single-file-segments), kept in hugetlbfs (the EAL refuses
	# --huge-unlink with it; aoe_eal_cleanup removes them after the process).
	MEM_ZC=("${MEM[@]}" --single-file-segments)
	MEM+=(--huge-unlink)
	MEM_DESC="2 MiB hugepages (${MEM[*]} per process; the zero-copy clients ${MEM_ZC[*]})"
fi
aoe_log "memory: $MEM_DESC"

# memif's buffer size, on every end of every link here. With the default 2048-byte buffers a
# frame longer than one buffer travels as a chain, and 22.11's PMD was seen to deliver such
# frames many times over under load; 8192 carries every frame used here in one buffer.
MEMIF=bsize=8192

# The mode of the client side of memif in what runs now: zc (zero-copy=yes) or copy.
MEMIF_MODE=zc

# eal NAME LCORES [client]: the EAL arguments of process NAME (its own --file-prefix, always
# --no-pci); a client of a zero-copy link gets the memory options zero-copy needs.
eal() {
	local mem=("${MEM[@]}")
	[[ ${3:-} == client && $MEMIF_MODE == zc ]] && mem=("${MEM_ZC[@]}")
	printf -- '%s\n' --lcores "$2" --no-pci --file-prefix "$(aoe_eal_prefix "bench-$1")" \
		"${mem[@]}"
}

# The client's memif vdev: the initiator and testpmd rxonly, the side a NIC would stand for.
# Only a client can be zero-copy (22.11): it lends its mbufs to the server, which copies each
# frame into them (the server side is always memif's copy mode).
client_vdev() {
	local v="net_memif0,role=client,socket=$SOCK,$MEMIF"
	[[ $MEMIF_MODE == zc ]] && v+=",zero-copy=yes"
	printf '%s\n' "$v"
}

# Wait for the memif server's listening socket, at most 20 s. DPDK 22.11's memif binds it in
# the abstract namespace by default (socket-abstract=yes): no file, but /proc/net/unix shows it.
wait_sock() {
	local pid=$1 i
	for ((i = 0; i < 200; i++)); do
		grep -qF " @$SOCK" /proc/net/unix && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

LAST_PID=
# start NAME LOG CMD...: run CMD in the background, remember its PID in LAST_PID.
start() {
	local log=$2
	shift 2
	"$@" >"$log" 2>&1 </dev/null &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

done_with() { aoe_eal_cleanup "$(aoe_eal_prefix "bench-$1")" || true; }

# ceiling RUN SIZE: as ceiling_once, tried a second time when the link never came up (seen
# once in ~20 runs: the rxonly side received nothing).
ceiling() {
	ceiling_once "$@" && return 0
	aoe_warn "run $1: no rate for $2-byte frames; trying once more"
	ceiling_once "$@" || aoe_die "cannot measure the $2-byte ceiling"
}

# ceiling_once RUN SIZE: frames/s testpmd moves one way over memif; appends a record to RESULTS.
ceiling_once() {
	local run=$1 size=$2 tx rx pps mbuf=()
	# One frame, one mbuf and one memif buffer, as in the AoE runs (aoe-target and aoe-perf
	# size their mbufs for the frame): a 4132-byte frame needs testpmd's mbufs enlarged too,
	# or it is split into segments and re-chained on the way in, which is a slower link.
	# (--mbuf-size before --txpkts: testpmd checks the length against the mbuf size it has
	# parsed so far; a pool of 16384 keeps 8 KiB mbufs within -m 256.)
	((size > 2048)) && mbuf=(--mbuf-size=8192 --total-num-mbufs=16384)
	rm -f -- "$SOCK"
	mapfile -t a < <(eal tx "0@$CORE_A,1@$CORE_A")
	start tx "$TMP/tx.log" "$TESTPMD" "${a[@]}" --vdev "net_memif0,role=server,socket=$SOCK,$MEMIF" \
		-- --forward-mode=txonly "${mbuf[@]}" --txpkts="$size" --stats-period=1 --nb-cores=1
	tx=$LAST_PID
	wait_sock "$tx" || { cat "$TMP/tx.log" >&2; aoe_die "testpmd txonly did not start"; }
	mapfile -t a < <(eal rx "0@$CORE_B,1@$CORE_B" client)
	start rx "$TMP/rx.log" "$TESTPMD" "${a[@]}" --vdev "$(client_vdev)" \
		-- --forward-mode=rxonly "${mbuf[@]}" --stats-period=1 --nb-cores=1
	rx=$LAST_PID
	# One sample a second: SECS of steady state, two while memif connects, one at the end.
	local want=$((SECS + 3)) i n
	for ((i = 0; i < 10 * (SECS + 30); i++)); do
		n=$(grep -ac 'Rx-pps' "$TMP/rx.log" 2>/dev/null) || n=0
		((n >= want)) && break
		kill -0 "$rx" 2>/dev/null || break
		sleep 0.1
	done
	# The sender first. testpmd 22.11 with memif was seen to crash (SIGSEGV) on SIGINT, on
	# either side; its statistics were printed by then, so a crash on the way out is a warning.
	local rc=0
	stop_pid "$tx" || rc=$?
	((rc == 0)) || aoe_warn "run $run: testpmd txonly ($size bytes) exited with status $rc"
	rc=0
	stop_pid "$rx" || rc=$?
	((rc == 0)) || aoe_warn "run $run: testpmd rxonly ($size bytes) exited with status $rc"
	done_with rx
	done_with tx
	pps=$(python3 "$HELPER" ceiling "$TMP/rx.log" "$size") ||
		{ grep -a -v 'statistics\|^ *$' "$TMP/tx.log" | tail -n 5 >&2; return 1; }
	printf 'ceiling\t%s\t%s\t%s\t%s\n' "$run" "$MEMIF_MODE" "$size" "$pps" >>"$RESULTS"
	aoe_log "run $run ($MEMIF_MODE): ceiling $size bytes: $pps frames/s"
}

TGT=
TARGET_OPTS=()
# target_up [aoe-target options]: aoe-target on core A with a 16 GiB null disk e1.1. Its
# buffer count lets the initiator keep QD 128 x 4 frames in flight (--maxout 1024 below): the
# window is a policy, and the benchmark measures the datapath.
target_up() {
	rm -f -- "$SOCK"
	mapfile -t a < <(eal tgt "0@$CORE_A")
	start tgt "$TMP/tgt.log" "$AOE_TARGET" "${a[@]}" \
		--vdev "net_memif0,role=server,socket=$SOCK,$MEMIF" -- --disk 1.1=null:16G \
		--bufcnt 1024 "$@"
	TGT=$LAST_PID
	wait_sock "$TGT" || { cat "$TMP/tgt.log" >&2; aoe_die "aoe-target did not start"; }
}

# 22.11's memif PMD was seen to crash (SIGSEGV in its RX routine) when the client had just
# gone away; the run it served is over and measured by then, so that is a warning.
target_down() {
	local rc=0
	stop_pid "$TGT" || rc=$?
	((rc == 0)) || aoe_warn "aoe-target exited with status $rc on shutdown (memif peer gone)"
	done_with tgt
	rm -f -- "$SOCK"
}

# perf_cmd WORKLOAD QD SECONDS [more aoe-perf options]: the aoe-perf command line, one per line.
perf_cmd() {
	local w=$1 q=$2 t=$3
	shift 3
	printf '%s\n' "$AOE_PERF"
	eal ini "0@$CORE_B" client
	printf '%s\n' --vdev "$(client_vdev)" -- -T e1.1 -w "$w" \
		-o 4k -q "$q" -t "$t" --maxout 1024 --json "$@"
}

# aoe RUN LABEL WORKLOAD QD [aoe-perf options]: one aoe-perf run against a fresh aoe-target
# (TARGET_OPTS); appends its JSON to RESULTS. A fresh target each time: 22.11's memif was seen
# to leave a server unusable after a client went away.
aoe() {
	local run=$1 label=$2 w=$3 q=$4 json
	shift 4
	target_up "${TARGET_OPTS[@]}"
	mapfile -t c < <(perf_cmd "$w" "$q" "$SECS" "$@")
	if ! json=$(timeout --kill-after=5 $((SECS + 60)) "${c[@]}" 2>"$TMP/ini.err"); then
		cat "$TMP/ini.err" >&2
		done_with ini
		aoe_die "aoe-perf failed: ${c[*]}"
	fi
	done_with ini
	target_down
	printf 'aoe\t%s\t%s\t%s\t%s\n' "$run" "$MEMIF_MODE" "$label" "$json" >>"$RESULTS"
	aoe_log "run $run ($MEMIF_MODE): $label: $(jq -r '"\(.iops) IOPS, p50 \(.p50_latency_us) us, \(.cycles_per_io) cycles/IO, payload \(.payload_bytes)"' <<<"$json")"
}

# Does the link carry 8-sector (4132-byte) frames? aoe-target advertises what --sectors says;
# the initiator takes min(that, (MTU - 36) / 512). memif's PMD will not be configured above
# 1500, so aoe-perf is told the MTU (--mtu 9000) and the frames cross as single buffers.
jumbo_probe() {
	local json
	target_up --sectors 8
	mapfile -t c < <(perf_cmd randread 1 1 --mtu 9000)
	json=$(timeout 60 "${c[@]}" 2>"$TMP/ini.err") || { cat "$TMP/ini.err" >&2; json='{}'; }
	done_with ini
	target_down
	JUMBO_PAYLOAD=$(jq -r '.payload_bytes // 0' <<<"$json")
	local tline iline
	tline=$(grep -m1 'sectors per frame' "$TMP/tgt.log" | sed 's/^aoe-target: //') || true
	iline=$(grep -m1 'sectors/frame' "$TMP/ini.err" | sed 's/^aoe: //') || true
	if ((JUMBO_PAYLOAD >= 4096)); then
		JUMBO_DESC="yes: aoe-target --sectors 8 gives $JUMBO_PAYLOAD bytes per frame"
	else
		JUMBO_DESC="no: with aoe-target --sectors 8 (\`$tline\`) the initiator still sends"
		JUMBO_DESC+=" $JUMBO_PAYLOAD bytes per frame (\`$iline\`): memif reports a 1518-byte"
		JUMBO_DESC+=" maximum frame, so its MTU stays 1500 and rte_eth_dev_set_mtu(9000) is"
		JUMBO_DESC+=" refused; the 4132-byte ceiling is shown for reference only"
	fi
	aoe_log "jumbo frames: $JUMBO_DESC"
}

meta() { printf 'meta\t%s\t%s\n' "$1" "$2" >>"$RESULTS"; }

# Zero-copy reads (aoe-perf --zcopy: the data stays in the response frames, no copy into the
# caller's buffer) are measured when this aoe-perf has them, and shown as not built otherwise.
if "$AOE_PERF" --help 2>&1 | grep -q -- '--zcopy'; then
	ZCOPY=1
else
	ZCOPY=0
fi

# One iteration of one memif mode (MEMIF_MODE): the ceilings, then every aoe-perf case.
iteration() {
	local run=$1 w q
	for s in "${CEIL_SIZES[@]}"; do ceiling "$run" "$s"; done
	TARGET_OPTS=()
	for w in randread randwrite; do
		for q in 1 128; do aoe "$run" "$w-q$q" "$w" "$q"; done
	done
	((JUMBO_PAYLOAD >= 4096)) || return 0
	TARGET_OPTS=(--sectors 8)
	for w in randread randwrite; do
		for q in 1 128; do aoe "$run" "$w-q$q-jumbo" "$w" "$q" --mtu 9000; done
	done
	for q in 1 128; do
		if ((ZCOPY)); then
			aoe "$run" "randread-q$q-jumbo-zcopy" randread "$q" --mtu 9000 --zcopy
		else
			printf 'skip\t%s\t%s\t%s\t%s\n' "$run" "$MEMIF_MODE" \
				"randread-q$q-jumbo-zcopy" "not built (aoe-perf has no --zcopy)" \
				>>"$RESULTS"
		fi
	done
}

bench() {
	local run m
	RESULTS=$TMP/results.tsv
	: >"$RESULTS"
	meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
	meta commit "$(git -C "$AOE_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	meta runs "$RUNS"
	meta seconds "$SECS"
	meta nproc "$(nproc)"
	meta cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	meta load "$(cut -d' ' -f1-3 /proc/loadavg)"
	meta memory "$MEM_DESC"
	meta core_a "testpmd --lcores 0@$CORE_A,1@$CORE_A; aoe-target --lcores 0@$CORE_A"
	meta core_b "testpmd --lcores 0@$CORE_B,1@$CORE_B; aoe-perf --lcores 0@$CORE_B"
	meta build "$(meson introspect --buildoptions "$BUILD" 2>/dev/null |
		jq -r '.[] | select(.name == "buildtype") | .value' 2>/dev/null || echo unknown)"
	MEMIF_MODE=${MEMIF_MODES[0]}
	jumbo_probe
	meta jumbo "$JUMBO_DESC"
	for ((run = 1; run <= RUNS; run++)); do
		for m in "${MEMIF_MODES[@]}"; do
			MEMIF_MODE=$m
			iteration "$run"
		done
	done
	meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
	python3 "$HELPER" summary "$RESULTS" >"$TMP/summary.md"
	cat "$TMP/summary.md"
	if ((WRITE_DOC)); then
		python3 "$HELPER" writedoc "$DOC" "$TMP/summary.md"
		aoe_log "updated $DOC"
	fi
}

# progress_at FILE: "SECONDS IOS" of aoe-perf's last progress line in FILE ("0 0" without one).
progress_at() {
	grep -a '^progress' "$1" | tail -n 1 |
		sed -n 's/^progress: \([0-9.]*\) s, \([0-9]*\) I\/Os,.*/\1 \2/p' | grep . ||
		echo 0 0
}

# --datapath: attach to a running aoe-perf (randread QD 128, jumbo frames, memif in the first
# mode asked for: zero-copy by default) after warm-up and count what its lcore thread does:
# syscalls, allocator and lock calls, CPU time per I/O; then sample where its cycles go.
datapath() {
	local secs=$((SECS < 5 ? 5 : SECS)) pid ev=() p lib_c lib_eal ios0 ios1 ms mhz
	MEMIF_MODE=${MEMIF_MODES[0]}
	target_up --sectors 8
	mapfile -t c < <(perf_cmd randread 128 $((10 * secs + 30)) -S 1 --mtu 9000)
	start ini "$TMP/ini.out" "${c[@]}"
	pid=$LAST_PID
	sleep 4
	echo "## memif client side: $MEMIF_MODE; $(uptime)"
	# CPU time of the lcore thread per I/O. perf's cycles event needs hardware counters,
	# which a virtual machine may not have; task-clock counts the time the thread ran (not
	# the time it waited for a CPU), so a loaded machine inflates it far less than TSC
	# deltas. Idle polls are in it too: at QD 128 the initiator seldom finds nothing to do.
	mhz=$(awk -F': ' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
	# The I/O rate from the progress lines (once a second) that bracket the window.
	ios0=$(progress_at "$TMP/ini.out")
	perf stat -x, -e task-clock -t "$pid" -o "$TMP/tc.csv" -- sleep "$secs" 2>/dev/null || true
	sleep 1.1
	ios1=$(progress_at "$TMP/ini.out")
	ms=$(awk -F, '$3 == "task-clock" { print $1; exit }' "$TMP/tc.csv")
	if [[ -n $ms ]]; then
		awk -v ms="$ms" -v a="$ios0" -v b="$ios1" -v mhz="${mhz:-0}" -v s="$secs" 'BEGIN {
			split(a, x, " "); split(b, y, " ")
			if (y[1] <= x[1] || y[2] <= x[2]) { print "## lcore thread: no I/O rate"; exit }
			n = (y[2] - x[2]) / (y[1] - x[1]) * s
			printf "## lcore thread: %.0f ms of CPU in %d s, about %.0f I/O (rate of the " \
			       "progress lines around it): %.1f ns, %.0f cycles at %.0f MHz per I/O\n",
			       ms, s, n, ms * 1e6 / n, ms * 1e3 * mhz / n, mhz }'
	else
		echo "## lcore thread: no task-clock figure (perf stat: $(cat "$TMP/tc.csv" 2>/dev/null))"
	fi
	echo
	aoe_proc_state "$pid" >/dev/null || { cat "$TMP/ini.out" >&2; aoe_die "aoe-perf died"; }
	echo "## aoe-perf pid $pid (lcore 0 = thread $pid), threads:"
	ps -T -o spid=,comm= -p "$pid"
	echo
	echo "## strace -c -p $pid (the lcore thread only), $secs s"
	timeout -s INT "$secs" strace -c -p "$pid" 2>&1 || true
	echo
	echo "## strace -f -c -p $pid (every thread), $secs s"
	timeout -s INT "$secs" strace -f -c -p "$pid" 2>&1 || true
	echo
	lib_c=$(awk '/\/libc\.so/ { print $6; exit }' "/proc/$pid/maps")
	lib_eal=$(awk '/\/librte_eal\.so/ { print $6; exit }' "/proc/$pid/maps")
	for p in malloc calloc realloc free pthread_mutex_lock; do
		perf probe -q -x "$lib_c" -a "aoebench_$p=$p" && PROBES+=("probe_libc:aoebench_$p") &&
			ev+=("probe_libc:aoebench_$p")
	done
	for p in rte_malloc_socket rte_free; do
		perf probe -q -x "$lib_eal" -a "aoebench_$p=$p" &&
			PROBES+=("probe_librte_eal:aoebench_$p") && ev+=("probe_librte_eal:aoebench_$p")
	done
	ev+=(raw_syscalls:sys_enter)
	local after
	echo "## perf stat -e $(IFS=,; echo "${ev[*]}") -t $pid -- sleep $secs"
	perf stat -e "$(IFS=,; echo "${ev[*]}")" -t "$pid" -- sleep "$secs" 2>&1
	echo "## the same for every thread of the process (-p $pid)"
	perf stat -e "$(IFS=,; echo "${ev[*]}")" -p "$pid" -- sleep "$secs" 2>&1
	after=$(grep '^progress' "$TMP/ini.out" | tail -n 1)
	echo "## aoe-perf progress at the end of the counting: $after"
	echo
	echo "## perf record -g -t $pid -- sleep $secs; perf report --no-children (top entries)"
	if perf record -q -o "$TMP/perf.data" -g -t "$pid" -- sleep "$secs" >"$TMP/rec.err" 2>&1
	then
		perf report -q -i "$TMP/perf.data" --no-children --stdio -g none \
			--percent-limit 0.7 2>/dev/null >"$TMP/report.txt" || true
		grep -v '^$' "$TMP/report.txt" | head -n 40 || true
	else
		cat "$TMP/rec.err"
	fi
	stop_pid "$pid" || true
	done_with ini
	echo
	echo "## aoe-perf's report"
	grep -v '^progress' "$TMP/ini.out" | grep -v '^EAL\|^TELEMETRY' || true
	target_down
	for p in "${PROBES[@]}"; do perf probe -q -d "$p" >/dev/null 2>&1 || true; done
	PROBES=()
}

if [[ $MODE == datapath ]]; then
	datapath | tee "$TMP/datapath.txt"
	if ((WRITE_DOC)); then
		python3 "$HELPER" writedoc "$DOC" "$TMP/datapath.txt" datapath
		aoe_log "updated $DOC"
	fi
else
	bench
fi
