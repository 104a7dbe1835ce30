#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every program as a new user first meets it, against real vblade targets where a target is
# needed: --help and bad options are handled before the EAL starts (its runtime directory is
# never made), a missing "--" is named as such, usage errors exit 2 in every program; errors
# say what failed (a second process on the same --file-prefix, a --vdev whose interface does
# not exist, also next to one that works, a memif port that did not start); output that cannot
# be written (a full disk, a closed stdout) is an error, never a silent exit 0 or a hang. Ports
# with fewer queues than the EAL has lcores: the programs poll with fewer lcores and say so.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

DAEMON=$(t_bin dpdk-aoe)
PERF=$(t_bin aoe-perf)
TARGET=$(t_bin aoe-target)
STAT=$(t_bin aoe-stat)
t_require_bins "$DAEMON" "$PERF" "$TARGET" "$STAT"
NAME=prg$$
TMP=$(mktemp -d /tmp/it-programs.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"
RUN=$(aoe_dpdk_runtime_dir)

# exits CODE WANT CMD...: CMD exits with CODE and its output (stdout and stderr) holds WANT.
exits() {
	local code=$1 want=$2 rc out
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if ((rc != code)); then
		echo "exit $rc, want $code:"; t_tail "$out"; return 1
	fi
	grep -qF -- "$want" <<<"$out" || { echo "no '$want' in:"; t_tail "$out"; return 1; }
}

# before_eal PREFIX CODE WANT CMD...: CMD exits with CODE, says WANT, and never started the EAL
# (it made no runtime directory for PREFIX).
before_eal() {
	local prefix=$1
	shift
	exits "$@" || return 1
	[[ ! -e $RUN/$prefix ]] || { echo "$RUN/$prefix exists: the EAL started"; return 1; }
}

# ---- before the EAL: help, usage errors, a missing "--" ------------------------------------------
# The EAL arguments name no device and keep to a prefix of their own: should the EAL start
# anyway, it probes nothing and the test sees its directory.
t_dpdk_args prg-noeal
P=$T_DPDK_PREFIX
NOEAL=(-l 0 "${T_DPDK_ARGS[@]}")
for prog in "$DAEMON" "$PERF" "$TARGET"; do
	p=${prog##*/}
	# Its own usage ("usage: PROGRAM [EAL options] --"), not the EAL's ("Usage: PATH [options]").
	use="usage: $p [EAL options] --"
	t_check "$p --help (no EAL options, no '--'): exit 0 with its usage" \
		exits 0 "$use" bash -c '"$@" | tr U u' _ "$prog" --help
	t_check "$p [EAL options] --help: its usage, no EAL" \
		before_eal "$P" 0 "$use" bash -c '"$@" | tr U u' _ "$prog" "${NOEAL[@]}" --help
	t_check "$p [EAL options] -- --help: its usage, no EAL" \
		before_eal "$P" 0 "$use" bash -c '"$@" | tr U u' _ "$prog" "${NOEAL[@]}" -- --help
	t_check "$p: a bad option exits 2, named, before the EAL" \
		before_eal "$P" 2 "'--bogus'" "$prog" "${NOEAL[@]}" -- --bogus
done
t_check "aoe-stat --help: exit 0" exits 0 "usage: aoe-stat" "$STAT" --help
t_check "aoe-stat: a bad option exits 2" exits 2 "'--bogus'" "$STAT" --bogus
t_check "dpdk-aoe: a bad value exits 2" \
	exits 2 "--maxout: 0 is out of range" "$DAEMON" "${NOEAL[@]}" -- --maxout 0
t_check "aoe-perf: a missing option exits 2" \
	exits 2 "-w WORKLOAD is required" "$PERF" "${NOEAL[@]}" -- -T e1.1 -o 4k -q 1
t_check "aoe-perf: a bad target name exits 2 before the EAL" \
	before_eal "$P" 2 "-T: '1.1' is not a target name" "$PERF" "${NOEAL[@]}" -- -T 1.1 -w read \
	-o 4k -q 1
t_check "aoe-perf: --discover-wait 0 (it could never succeed) exits 2" \
	exits 2 "1-3600000" "$PERF" "${NOEAL[@]}" -- -T e1.1 -w read -o 4k -q 1 --discover-wait 0
t_check "aoe-target: a bad value exits 2" \
	exits 2 "--bufcnt '0'" "$TARGET" "${NOEAL[@]}" -- --disk 1.1=ram:1M --bufcnt 0
t_check "aoe-target: no --disk exits 2" \
	exits 2 "--disk SHELF.SLOT=null:SIZE|ram:SIZE|file:PATH is required" "$TARGET" "${NOEAL[@]}" --
t_check "an EAL option the EAL refuses exits 2" \
	exits 2 "the EAL refused its options" "$DAEMON" "${NOEAL[@]}" --no-such-eal-option -- --status
t_check "aoe-perf -T without '--': the '--' is named missing" \
	exits 2 "'-T' comes before any '--'" "$PERF" "${NOEAL[@]}" -T e1.1 -w read -o 4k -q 1
t_check "... not -T" bash -c '! grep -q "is required" <<<"$1"' _ "$T_OUT"
t_check "aoe-target --disk without '--': the '--' is named missing" \
	exits 2 "'--disk' comes before any '--'" "$TARGET" "${NOEAL[@]}" --disk 1.1=ram:1M
t_check "dpdk-aoe --status without '--': the '--' is named missing" \
	exits 2 "'--status' comes before any '--'" "$DAEMON" "${NOEAL[@]}" --status
t_check "no EAL was started by any of these" test ! -e "$RUN/$P"

# ---- devices that make no port -------------------------------------------------------------------
t_dpdk_args prg-nodev "$(t_af_packet "$NAME-none")"
t_check "a --vdev whose interface does not exist: exit 1, named" \
	exits 1 "interface $NAME-none (its iface=) does not exist" \
	t_timeout 30 "$DAEMON" -l 0 "${T_DPDK_ARGS[@]}" -- --status
t_dpdk_args prg-memif "net_memif0,role=client,socket=$TMP/none/memif.sock"
t_check "a memif port that does not start: exit 1, the failing port named" \
	exits 1 "port net_memif0: start failed: the driver gave no reason" \
	t_timeout 30 "$DAEMON" -l 0 "${T_DPDK_ARGS[@]}" -- --status
t_check "... and no 'Operation not permitted'" \
	bash -c '! grep -q "Operation not permitted" <<<"$1"' _ "$T_OUT"

# A memif frame must fit one memif buffer: chained ones were duplicated without end and crashed
# the target (8754-byte frames in 8192-byte buffers).
t_dpdk_args prg-mt "net_memif0,role=server,socket=$TMP/tgt.sock,bsize=8192"
t_check "aoe-target --sectors 16 over memif bsize=8192: exit 2, the limit said" \
	exits 2 "allowed at most 15 sectors" \
	t_timeout 30 "$TARGET" -l 0 "${T_DPDK_ARGS[@]}" -- --disk 1.1=ram:1M --sectors 16

# ---- on the test bed ---------------------------------------------------------------------------
t_testbed_up prg || { t_summary; exit 1; }
VDEV=$(t_af_packet)
t_dpdk_args prg-d "$VDEV"
DEAL=(-l 0 "${T_DPDK_ARGS[@]}")
PREFIX=$T_DPDK_PREFIX
t_bg DPID "$DAEMON" "${DEAL[@]}" -- >"$TMP/daemon.out" 2>&1
e12_up() { [[ $("$STAT" --file-prefix "$PREFIX") == *e1.2*up* ]]; }
t_wait_until --pid "$DPID" 15 e12_up
t_check "the daemon is up with both targets" \
	exits 0 "e1.2" "$STAT" --file-prefix "$PREFIX"

# The EAL gives no reason (rte_errno 0: "Success") when the prefix's lock is taken.
t_check "a second process on the same --file-prefix: exit 1, the holder named" \
	exits 1 "another DPDK process (pid $DPID) runs with --file-prefix $PREFIX" \
	t_timeout 30 "$DAEMON" "${DEAL[@]}" -- --status
t_check "... not 'Success'" bash -c '! grep -q "Success" <<<"$1"' _ "$T_OUT"
t_check "aoe-perf on the same --file-prefix: the same" \
	exits 1 "another DPDK process (pid $DPID)" \
	t_timeout 30 "$PERF" "${DEAL[@]}" -- -T e1.1 -w read -o 4k -q 1

t_check "aoe-stat > /dev/full: exit 1, ENOSPC said" \
	exits 1 "No space left on device" bash -c '"$@" >/dev/full' _ "$STAT" --file-prefix "$PREFIX"
t_check "aoe-stat with stdout closed: exit 1" \
	exits 1 "standard output is closed" bash -c '"$@" >&-' _ "$STAT" --file-prefix "$PREFIX"
kill "$DPID"
wait "$DPID"
t_check "the daemon stops with exit 0" test $? = 0

t_dpdk_args prg-s "$VDEV"
SEAL=(-l 0 "${T_DPDK_ARGS[@]}")
t_check "dpdk-aoe --status > /dev/full: exit 1, ENOSPC said" \
	exits 1 "No space left on device" \
	bash -c '"$@" >/dev/full' _ timeout --kill-after=5 30 "$DAEMON" "${SEAL[@]}" -- --status --json
# Closed, the EAL's own files would take stdout's place; it used to spin deaf to SIGTERM.
t_check "dpdk-aoe --status with stdout closed: exit 1 at once, no hang" \
	exits 1 "standard output is closed" \
	bash -c '"$@" >&-' _ timeout --kill-after=5 20 "$DAEMON" "${SEAL[@]}" -- --status
t_check "aoe-perf > /dev/full: exit 1, the lost report said" \
	exits 1 "cannot write the report: No space left on device" \
	bash -c '"$@" >/dev/full' _ timeout --kill-after=5 60 "$PERF" "${SEAL[@]}" -- -T e1.2 -w read -o 4k -q 4
t_check "aoe-perf with stdout closed: exit 1" \
	exits 1 "standard output is closed" \
	bash -c '"$@" >&-' _ timeout --kill-after=5 60 "$PERF" "${SEAL[@]}" -- -T e1.2 -w read -o 4k -q 4
t_check "... and the same run to a file: exit 0 with its report" \
	exits 0 "io_completed 2049 (reads 2049, writes 0), io_failed 0" t_timeout 60 "$PERF" "${SEAL[@]}" -- -T e1.2 -w read -o 4k -q 4

# ---- ports: every device given must make one; lcores as many as the ports have queues -----------
# A --vdev that fails next to one that works used to leave the program running on fewer paths.
t_dpdk_args "$NAME-half" "$VDEV" "net_af_packet1,iface=$NAME-none"
HALF=(-l 0 "${T_DPDK_ARGS[@]}")
want="device net_af_packet1 made no Ethernet port: interface $NAME-none (its iface=) does not exist"
t_check "dpdk-aoe: a failed --vdev next to a working one: exit 1, named" \
	exits 1 "$want" t_timeout 30 "$DAEMON" "${HALF[@]}" -- --status
t_check "aoe-perf: the same" \
	exits 1 "$want" t_timeout 30 "$PERF" "${HALF[@]}" -- -T e1.2 -w read -o 4k -q 4
t_check "hello_bdev: the same" \
	exits 1 "device net_af_packet1 made no DPDK port" \
	t_timeout 30 "$(aoe_build_dir)/examples/hello_bdev" "${HALF[@]}" -- e1.2
# Without -l the EAL gives every core: a one-queue port polls with one lcore and says so.
t_dpdk_args "$NAME-nol" "$VDEV"
cores=$(nproc)
if ((cores > 1)); then
	"$PERF" "${T_DPDK_ARGS[@]}" -- -T e1.2 -w read -o 4k -q 4 >"$TMP/nol.out" 2>&1
	t_check "aoe-perf without -l on a one-queue port: exit 0, its report" \
		grep -q "io_completed 2049 (reads 2049, writes 0), io_failed 0" "$TMP/nol.out"
	t_check "... polling with one lcore of $cores, said" \
		grep -q "polling with 1 of the $cores lcores" "$TMP/nol.out"
	t_check "dpdk-aoe without -l on a one-queue port: polls with one lcore, says so" \
		exits 0 "polling on 1 lcore(s)" timeout --preserve-status -s TERM 3 \
		"$DAEMON" "${T_DPDK_ARGS[@]}" --
	t_check "... said" grep -q "polling with 1 of the $cores lcores" <<<"$(
		timeout --preserve-status -s TERM 3 "$DAEMON" "${T_DPDK_ARGS[@]}" -- 2>&1)"
else
	t_skip "aoe-perf without -l on a one-queue port" "one core: nothing to adapt"
fi
t_dpdk_args "$NAME-2q" "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=2"
t_check "aoe-perf -l 0-1 on a two-queue port: both lcores poll, the worker runs the job" \
	exits 0 "queue_depth 4, 1 job" t_timeout 60 "$PERF" -l 0-1 "${T_DPDK_ARGS[@]}" -- -T e1.2 -w read -o 4k -q 4
t_check "... and nothing said of fewer lcores" bash -c '! grep -q "polling with" <<<"$1"' _ "$T_OUT"

t_summary
