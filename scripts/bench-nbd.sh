#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/bench-nbd.sh [-n RUNS] [-t SECONDS] [--size SIZE] [--quick] [--write-doc] [-h]
#
# The NBD export against qemu-nbd, in one run on one machine, with fio's nbd engine:
#   4 KiB random reads at QD 32, 1 MiB sequential reads and 1 MiB sequential writes at QD 4,
# (a) through dpdk-aoe --nbd: aoe-target serves a RAM disk of SIZE over memif (its lcore on
#     core 1) in 4 KiB frames (--sectors 8, dpdk-aoe --mtu 9000: jumbo frames, as a storage
#     network runs), dpdk-aoe drives it from lcore 0 on core 0 and exports it on a Unix socket; the
#     NBD control thread is moved to core 0 too (the EAL puts control threads on the cores
#     that are no lcore of the process: here core 1, where aoe-target's poller would starve
#     it); fio is not pinned;
# (b) through qemu-nbd exporting a file of SIZE on tmpfs (/dev/shm), filled with random data
#     (a sparse file would be answered with holes, no data), not pinned, on a Unix socket too.
# Each of the RUNS iterations measures (a) then (b) with fresh processes, so a ratio divides
# figures taken a minute apart at most. Output: a markdown table on stdout (medians and
# min-max, and the ratio of the medians); --write-doc also puts it into docs/performance.md
# between its nbd-bench markers. The load average at the start and the end goes with it: a
# figure taken above 1 is not one to publish.
#
# Needs root (hugepages), fio, qemu-nbd and nbdinfo. Environment: AOE_BUILD_DIR (default build),
# AOE_NO_HUGE=1 to force --no-huge.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"

DOC=$AOE_ROOT/docs/performance.md
BUILD=$(aoe_build_dir)
DAEMON=$BUILD/app/dpdk-aoe/dpdk-aoe
AOE_TARGET=$BUILD/app/aoe-target/aoe-target

RUNS=5
SECS=10
SIZE=1G
WRITE_DOC=0
CORE_TGT=1
CORE_INI=0
# label fio-options: the three workloads.
WORKLOADS=(
	"randread-4k-qd32 --rw=randread --bs=4k --iodepth=32"
	"seqread-1m-qd4 --rw=read --bs=1m --iodepth=4"
	"seqwrite-1m-qd4 --rw=write --bs=1m --iodepth=4"
)

usage() { sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'; }

while (($#)); do
	case $1 in
	-n) RUNS=${2:?-n needs a number}; shift ;;
	-t) SECS=${2:?-t needs seconds}; shift ;;
	--size) SIZE=${2:?--size needs a size}; shift ;;
	--quick) RUNS=2 SECS=5 ;;
	--write-doc) WRITE_DOC=1 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || aoe_die "-n: a positive number of runs, not '$RUNS'"
[[ $SECS =~ ^[1-9][0-9]*$ ]] || aoe_die "-t: a positive number of seconds, not '$SECS'"
[[ $SIZE =~ ^[1-9][0-9]*[MG]$ ]] || aoe_die "--size: a size like 512M or 1G, not '$SIZE'"
for b in "$DAEMON" "$AOE_TARGET"; do
	[[ -x $b ]] || aoe_die "$b not found (build with meson/ninja, or set AOE_BUILD_DIR)"
done
for p in fio qemu-nbd nbdinfo jq; do
	command -v "$p" >/dev/null || aoe_die "$p not found (scripts/setup.sh installs it)"
done
aoe_is_root || aoe_die "run as root (hugepages)"

TMP=$(mktemp -d /tmp/aoe-bench-nbd.XXXXXX)
MEMIF_SOCK=/tmp/aoe-bench-nbd-$$.sock
NBD_SOCK=$TMP/nbd.sock
QEMU_SOCK=$TMP/qemu.sock
SHM_FILE=/dev/shm/aoe-bench-nbd-$$.img
RESULTS=$TMP/results
PIDS=()

# Stop one of our processes: SIGTERM, SIGKILL after 10 s; returns its exit status.
stop_pid() {
	local pid=$1 rc=0 i keep=()
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	for i in "${PIDS[@]}"; do [[ $i == "$pid" ]] || keep+=("$i"); done
	PIDS=("${keep[@]}")
	return $rc
}

cleanup() {
	local pid
	trap - EXIT INT TERM HUP
	for pid in "${PIDS[@]}"; do stop_pid "$pid" || true; done
	for p in tgt ini; do aoe_eal_cleanup "$(aoe_eal_prefix "bnbd-$p")" || true; done
	rm -rf -- "$TMP" "$SHM_FILE" "$MEMIF_SOCK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

"$AOE_ROOT/scripts/hugepages.sh" reserve >/dev/null 2>&1 || true
AOE_EAL_MEM_MB=${AOE_EAL_MEM_MB:-512}
read -ra MEM <<<"$(aoe_eal_mem_args)"
if [[ ${MEM[0]} == --no-huge ]]; then
	aoe_warn "no hugepages: running with --no-huge; the figures are not comparable"
	MEM_DESC="no hugepages: NOT a valid measurement"
else
	MEM+=(--huge-unlink)
	MEM_DESC="2 MiB hugepages"
fi
MEMIF=bsize=8192

eal() { printf -- '%s\n' --lcores "$2" --no-pci --file-prefix "$(aoe_eal_prefix "bnbd-$1")" "${MEM[@]}"; }

LAST_PID=
start() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 </dev/null &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# fio_run URI LABEL OPTIONS...: one fio job; prints "IOPS MiB/s".
fio_run() {
	local uri=$1 label=$2 json
	shift 2
	json=$(fio --name="$label" --ioengine=nbd --uri="$uri" --time_based --runtime="$SECS" \
		--ramp_time=1 --size="$SIZE" --output-format=json "$@" 2>"$TMP/fio.err") ||
		{ cat "$TMP/fio.err" >&2; aoe_die "fio failed: $label on $uri"; }
	# fio's nbd engine prints a line of its own before the JSON.
	sed -n '/^{/,$p' <<<"$json" | jq -r '.jobs[0] | (.read.iops + .write.iops | floor | tostring) + " " +
		((.read.bw + .write.bw) / 1024 | floor | tostring)'
}

workloads() {
	local side=$1 run=$2 uri=$3 w label out
	for w in "${WORKLOADS[@]}"; do
		label=${w%% *}
		read -ra opts <<<"${w#* }"
		out=$(fio_run "$uri" "$label" "${opts[@]}")
		printf '%s\t%s\t%s\t%s\n' "$side" "$run" "$label" "$out" >>"$RESULTS"
		aoe_log "run $run: $side $label: ${out% *} IOPS, ${out#* } MiB/s"
	done
}

aoe_side() {
	local run=$1 tgt ini ctrl
	rm -f -- "$MEMIF_SOCK"
	mapfile -t a < <(eal tgt "0@$CORE_TGT")
	start "$TMP/tgt.log" "$AOE_TARGET" "${a[@]}" \
		--vdev "net_memif0,role=server,socket=$MEMIF_SOCK,$MEMIF" -- \
		--disk "1.1=ram:$SIZE" --bufcnt 1024 --sectors 8
	tgt=$LAST_PID
	aoe_wait 20 grep -qF " @$MEMIF_SOCK" /proc/net/unix || aoe_die "aoe-target did not start"
	mapfile -t a < <(eal ini "0@$CORE_INI")
	start "$TMP/ini.log" "$DAEMON" "${a[@]}" \
		--vdev "net_memif0,role=client,socket=$MEMIF_SOCK,$MEMIF" -- --no-config \
		--maxout 1024 --mtu 9000 --nbd "unix:$NBD_SOCK"
	ini=$LAST_PID
	aoe_wait 30 nbdinfo --size "nbd+unix:///e1.1?socket=$NBD_SOCK" ||
		{ tail "$TMP/ini.log" >&2; aoe_die "the export e1.1 did not come up"; }
	ctrl=$(ps -T -p "$ini" -o tid=,comm= | awk '$2 == "aoe-nbd" { print $1 }')
	[[ -n $ctrl ]] || aoe_die "no aoe-nbd thread in dpdk-aoe"
	taskset -p -c "$CORE_INI" "$ctrl" >/dev/null
	workloads aoe "$run" "nbd+unix:///e1.1?socket=$NBD_SOCK"
	stop_pid "$ini" || aoe_warn "dpdk-aoe exited with an error (memif peer)"
	stop_pid "$tgt" || aoe_warn "aoe-target exited with an error (memif peer gone)"
	aoe_eal_cleanup "$(aoe_eal_prefix bnbd-tgt)" || true
	aoe_eal_cleanup "$(aoe_eal_prefix bnbd-ini)" || true
}

qemu_side() {
	local run=$1 q
	[[ -s $SHM_FILE ]] || head -c "$SIZE" /dev/urandom >"$SHM_FILE"
	start "$TMP/qemu.log" qemu-nbd -f raw -x e1.1 -k "$QEMU_SOCK" --persistent --shared=8 \
		"$SHM_FILE"
	q=$LAST_PID
	aoe_wait 10 nbdinfo --size "nbd+unix:///e1.1?socket=$QEMU_SOCK" ||
		aoe_die "qemu-nbd did not start: $(cat "$TMP/qemu.log")"
	workloads qemu "$run" "nbd+unix:///e1.1?socket=$QEMU_SOCK"
	stop_pid "$q" || true
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$RESULTS"
for ((run = 1; run <= RUNS; run++)); do
	aoe_side "$run"
	qemu_side "$run"
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# The table: per workload, median (min-max) of each side and the ratio of the medians.
table() {
	printf '| workload | dpdk-aoe --nbd (aoe-target RAM over memif) | qemu-nbd (tmpfs file) | ratio |\n'
	printf '|---|---|---|---|\n'
	python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    side, run, label, iops, mibs = line.split()
    rows.setdefault(label, {}).setdefault(side, []).append((int(iops), int(mibs)))
for label, sides in rows.items():
    key = 0 if label.startswith("rand") else 1
    unit = "IOPS" if key == 0 else "MiB/s"
    cells, med = [], {}
    for side in ("aoe", "qemu"):
        v = [x[key] for x in sides.get(side, [])]
        med[side] = statistics.median(v)
        cells.append(f"{med[side]:.0f} {unit} ({min(v)}-{max(v)})")
    ratio = med["aoe"] / med["qemu"] if med["qemu"] else 0
    print(f"| {label} | {cells[0]} | {cells[1]} | {ratio:.2f} |")
PY
	printf '\n%s runs of %s s each (1 s ramp), %s disk, %s; load average %s at the start, %s at the end.\n' \
		"$RUNS" "$SECS" "$SIZE" "$MEM_DESC" "$LOAD_START" "$LOAD_END"
	printf 'Frames: 4 KiB of data each (aoe-target --sectors 8, dpdk-aoe --mtu 9000, memif bsize=8192).\n'
	printf 'Cores: aoe-target lcore on core %s; dpdk-aoe lcore 0 and its NBD control thread on core %s; fio and qemu-nbd not pinned.\n' \
		"$CORE_TGT" "$CORE_INI"
}
OUT=$(table)
printf '%s\n' "$OUT"

if ((WRITE_DOC)); then
	python3 - "$DOC" "$OUT" <<'PY'
import sys
path, body = sys.argv[1], sys.argv[2]
begin, end = "<!-- nbd-bench:begin -->", "<!-- nbd-bench:end -->"
doc = open(path).read()
if begin not in doc or end not in doc:
    sys.exit(f"{path}: no {begin} ... {end} markers")
head, rest = doc.split(begin, 1)
tail = rest.split(end, 1)[1]
open(path, "w").write(head + begin + "\n" + body + "\n" + end + tail)
PY
	aoe_log "docs/performance.md updated"
fi
