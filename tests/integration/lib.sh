# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The harness of tests/integration/test_*.sh, TAP-like. Source it first thing:
#
#   source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
#   t_require_root
#   t_require_bins dpdk-aoe                       # records a failure and exits when not built
#   t_testbed_up my --targets 1.1:64M             # a test bed of this run's own; sets AOE_TB_*
#   t_dpdk_args my "$(t_af_packet)"               # the EAL arguments: T_DPDK_ARGS, T_DPDK_PREFIX
#   t_check "daemon lists e1.1" t_timeout 30 "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --status
#   t_summary                                     # last line; its status is the script's
#
# Results
#   t_pass NAME / t_fail NAME WHY / t_skip NAME WHY   record one result
#   t_check NAME CMD...        run CMD; pass when it exits 0, else fail and show its output
#   t_check_fails NAME CMD...  the reverse: pass when CMD exits non-zero
#   t_check_exit NAME CODE CMD...  pass when CMD exits with exactly CODE
#   T_OUT                      the output of the last t_check* (or failed t_wait_until)
#   t_summary                  "N passed, N failed[, N skipped]"; fails when nothing passed
# Processes and waiting
#   t_timeout SECS CMD...      CMD under timeout(1), killed 5 s after the TERM if needed
#   t_bg VAR CMD...            start CMD in the background, its PID in VAR, killed at exit
#   t_interrupt PID            stop a t_bg process as an operator does (SIGINT) and wait for
#                              it; returns its exit status
#   t_wait_until [--pid PID] SECS CMD...  poll CMD every 0.1 s until it exits 0; non-zero when
#                              SECS pass (or PID is gone) first, CMD's last output in T_OUT and
#                              on stderr: the caller records the failure
#   t_wait_line SECS REGEX FILE  t_wait_until a line of FILE matches REGEX (grep -E); FILE's
#                              tail on stdout when none does
#   t_cleanup_add CMD...       run CMD at exit, newest first, also on failure and also when
#                              added from a subshell (a t_check'd function)
# Programs and DPDK
#   t_bin PROGRAM              path of the built app/PROGRAM/PROGRAM (AOE_BUILD_DIR honoured)
#   t_dpdk_args NAME [VDEV...] the one way to get a DPDK process's EAL arguments (no -l):
#                              T_DPDK_ARGS=(--no-pci, own --file-prefix, memory, --vdev VDEV...)
#                              and T_DPDK_PREFIX (aoe-NAME-PID); the prefix's hugepage and
#                              runtime files are removed at exit
#   t_af_packet [IFACE] [K=V...]  the af_packet vdev of IFACE (default the test bed's root-side
#                              veth), one queue pair, with any more K=V options
#   t_perf SECS EAL-ARGS... -- ARGS...  aoe-perf under a timeout of SECS
#   t_memif_client SECS CMD...  CMD, the memif client of an aoe-target on lcore 1, on lcore 0
#                              under a timeout of SECS, all its threads confined to CPU 0
#   t_memif_void NAME STATUS   true, and says so, when run NAME's memif target died of a signal
#                              (exit STATUS over 128) after its client had reported: the run
#                              is void and the caller runs it again (t_memif_client says why)
#   t_status EAL-ARGS... -- ARGS...     dpdk-aoe -- --status ARGS..., under a timeout of 30 s
#   t_telemetry PREFIX CMD...  ask a DPDK process's telemetry socket; one JSON answer per line
#   t_sniffed DIR CMD...       run CMD while helpers/aoe_sniff.py lists the AoE frames on the
#                              test bed's root-side veth into DIR/frames
#   t_io_frames FILE           the READ/WRITE requests (ATA 0x20/0x24/0x30/0x34) going out in a
#                              t_sniffed capture, but for the partition scan's read of sector 0
#   t_pattern ARGS...          helpers/aoe_pattern.py (aoe-perf's pattern in a backing file)
# Test beds (scripts/testbed.sh); TAG is 1-5 of [a-z0-9], starting with a letter
#   t_testbed_up TAG [testbed.sh up options]  a bed of this run's own, named TAG + the script's
#                              PID (two runs never share one), down at exit; exports AOE_TB_*.
#                              Records a failure and returns non-zero when it cannot be made; a
#                              bed of that name that is already there is not this run's: it is
#                              left alone (and the test fails)
#   t_testbed TAG CMD [ARGS...]  testbed.sh CMD on that bed (pause, resume, kill, start, ...)
#   t_testbed_file TAG S.L     the backing file of target S.L of that bed
#   t_segment NAME N           one Ethernet segment behind a switch that floods (a bridge with
#                              ageing 0 in namespace NAME-ns): a target port NAMET-t inside it,
#                              N initiator veths NAME1-h .. NAMEN-h on the host with MACs
#                              02:00:00:00:aa:0I; torn down at exit. Records a failure and
#                              returns non-zero when it cannot be made
#   t_netns_veth NS NAME       a veth pair into namespace NS (made by the caller): NAME-h here,
#                              NAME-t in NS, both up, IPv6 off; NAME-h deleted at exit.
#                              Non-zero when it cannot be made
#
# Tests run with set -u and pipefail but not -e: one failed check must not hide the others.

# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
set -uo pipefail

T_PASS=0
T_FAIL=0
T_SKIP=0
T_N=0
T_OUT=""
T_DPDK_ARGS=()
T_DPDK_PREFIX=""
T_TESTBED=$AOE_ROOT/scripts/testbed.sh
T_HELPERS=$AOE_ROOT/tests/integration/helpers
# The cleanup stack is a file: what a subshell adds (t_check runs functions in one) is kept.
T_CLEANUP_FILE=$(mktemp /tmp/aoe-test-cleanup.XXXXXX)

t_pass() {
	T_N=$((T_N + 1)) T_PASS=$((T_PASS + 1))
	printf 'ok %d - %s\n' "$T_N" "$1"
}

t_fail() {
	T_N=$((T_N + 1)) T_FAIL=$((T_FAIL + 1))
	printf 'not ok %d - %s\n' "$T_N" "$1"
	[[ -n ${2:-} ]] && printf '#   %s\n' "${2//$'\n'/$'\n'#   }"
	return 0
}

t_skip() {
	T_N=$((T_N + 1)) T_SKIP=$((T_SKIP + 1))
	printf 'ok %d - %s # SKIP %s\n' "$T_N" "$1" "${2:-}"
}

# Output tail of a failed command, enough to see why without flooding the log.
t_tail() { tail -n 30 <<<"$1"; }

t_check() {
	local name=$1 rc
	shift
	T_OUT=$("$@" 2>&1)
	rc=$?
	if ((rc == 0)); then
		t_pass "$name"
	else
		t_fail "$name" "exit $rc from: $*"$'\n'"$(t_tail "$T_OUT")"
	fi
	return $rc
}

t_check_fails() {
	local name=$1 rc
	shift
	T_OUT=$("$@" 2>&1)
	rc=$?
	if ((rc != 0)); then
		t_pass "$name"
		return 0
	fi
	t_fail "$name" "expected a failure, got exit 0 from: $*"$'\n'"$(t_tail "$T_OUT")"
	return 1
}

t_check_exit() {
	local name=$1 want=$2 rc
	shift 2
	T_OUT=$("$@" 2>&1)
	rc=$?
	if ((rc == want)); then
		t_pass "$name"
		return 0
	fi
	t_fail "$name" "exit $rc, want $want, from: $*"$'\n'"$(t_tail "$T_OUT")"
	return 1
}

t_timeout() {
	local secs=$1
	shift
	timeout --kill-after=5 "$secs" "$@"
}

t_cleanup_add() {
	local cmd
	printf -v cmd '%q ' "$@"
	printf '%s\n' "$cmd" >>"$T_CLEANUP_FILE"
}

t_run_cleanup() {
	local -a cmds
	local i
	[[ -f $T_CLEANUP_FILE ]] || return 0
	mapfile -t cmds <"$T_CLEANUP_FILE"
	for ((i = ${#cmds[@]} - 1; i >= 0; i--)); do
		eval "${cmds[i]}" >/dev/null 2>&1 || true
	done
	rm -f -- "$T_CLEANUP_FILE"
}
trap t_run_cleanup EXIT
trap 'exit 130' INT TERM HUP

t_bg() {
	local -n _t_bg_pid=$1
	shift
	"$@" &
	_t_bg_pid=$!
	t_cleanup_add kill "$_t_bg_pid"
}

t_interrupt() {
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

t_wait_until() {
	local opt=() gone=""
	if [[ $1 == --pid ]]; then
		opt=(--pid "$2") gone=" (or until process $2 was gone)"
		shift 2
	fi
	local secs=$1
	shift
	aoe_wait "${opt[@]}" "$secs" "$@" && return 0
	T_OUT=$("$@" 2>&1)
	printf 'waited %s s%s for: %s; its last output:\n%s\n' "$secs" "$gone" "$*" \
		"$(t_tail "$T_OUT")" >&2
	return 1
}

t_wait_line() {
	aoe_wait "$1" grep -Eq -- "$2" "$3" && return 0
	echo "no line matching '$2' in $3 after $1 s; its tail:"
	tail -n 20 -- "$3"
	return 1
}

t_summary() {
	local skipped=""
	((T_SKIP > 0)) && skipped=", $T_SKIP skipped"
	printf '%d passed, %d failed%s\n' "$T_PASS" "$T_FAIL" "$skipped"
	# A script that checked nothing has not shown anything works.
	((T_FAIL == 0 && T_PASS > 0))
}

t_require_root() {
	if ! aoe_is_root; then
		echo "# needs root (network namespaces, raw sockets)"
		t_fail "running as root" "run $0 as root"
		t_summary
		exit 1
	fi
}

t_bin() { printf '%s/app/%s/%s\n' "$(aoe_build_dir)" "$1" "$1"; }

t_require_bins() {
	local p b
	for p; do
		[[ $p == */* ]] && b=$p || b=$(t_bin "$p")
		if [[ ! -x $b ]]; then
			t_fail "$b is built" \
				"build it: meson setup build && ninja -C build (or set AOE_BUILD_DIR)"
			t_summary
			exit 1
		fi
	done
}

t_dpdk_args() {
	local name=$1
	T_DPDK_PREFIX=$(aoe_eal_prefix "$name")
	# shellcheck disable=SC2034 # the caller's to use
	read -ra T_DPDK_ARGS <<<"$(aoe_eal_args "$@")"
	t_cleanup_add aoe_eal_cleanup "$T_DPDK_PREFIX"
}

t_af_packet() {
	local iface=${1:-$AOE_TB_IFACE} kv vdev
	vdev="net_af_packet0,iface=$iface,qpairs=1"
	for kv in "${@:2}"; do vdev+=",$kv"; done
	printf '%s\n' "$vdev"
}

t_perf() {
	local secs=$1
	shift
	t_timeout "$secs" "$(t_bin aoe-perf)" "$@"
}

# DPDK puts a process's control threads (interrupts, telemetry) on the CPUs its lcores leave
# free. A client on lcore 0 would put them on CPU 1, beside the target's lcore, and the work
# they do as the client leaves can stop that lcore inside 22.11's memif RX routine while the
# target's interrupt thread unmaps the ring it reads: the target dies of SIGSEGV (seen in 3 and
# 4 of 40 departures of dpdk-aoe --status; none of 40 with the client confined to CPU 0).
t_memif_client() {
	local secs=$1
	shift
	t_timeout "$secs" taskset -c 0 "$@"
}

t_memif_void() {
	(($2 > 128)) || return 1
	echo "# $1: aoe-target died of signal $(($2 - 128)) after its client left; run again"
}

t_status() {
	local eal=()
	while (($# > 0)) && [[ $1 != -- ]]; do
		eal+=("$1")
		shift
	done
	t_timeout 30 "$(t_bin dpdk-aoe)" "${eal[@]}" -- --status "${@:2}"
}

# drivers/bdev reads sector 0 of every disk that comes up, for its partition table (as Linux
# does); that one-sector read at LBA 0 is not the I/O a test asked for. (The test beds' disks
# are blank: no GPT header, so no further reads.)
t_io_frames() {
	grep -E '^out .* ata=0x(20|24|30|34) ' "$1" |
		grep -Ev ' ata=0x(20|24) aflags=0x[0-9a-f]+ count=1 lba=0$'
}

t_pattern() { python3 "$T_HELPERS/aoe_pattern.py" "$@"; }

t_sniffed() {
	local dir=$1 sp rc
	shift
	# A stale "ready" from the last run would not wait for this one.
	rm -f -- "$dir/sniff.err"
	python3 "$T_HELPERS/aoe_sniff.py" "$AOE_TB_IFACE" 60 >"$dir/frames" 2>"$dir/sniff.err" &
	sp=$!
	aoe_wait --pid "$sp" 10 grep -q ready "$dir/sniff.err" ||
		echo "the sniffer did not start: $(cat "$dir/sniff.err")"
	"$@"
	rc=$?
	sleep 0.5
	kill -TERM "$sp" 2>/dev/null
	wait "$sp"
	return $rc
}

# The bed's name: TAG and the PID of the test script ($$ is that even in a subshell).
t_testbed_name() {
	[[ $1 =~ ^[a-z][a-z0-9]{0,4}$ ]] ||
		{ echo "test bed tag '$1': use 1-5 of [a-z0-9], a letter first" >&2; return 1; }
	printf '%s%s\n' "$1" "$$"
}

t_testbed_up() {
	local tag=$1 name out rc
	shift
	name=$(t_testbed_name "$tag") || { t_fail "test bed $tag up" "bad tag '$tag'"; return 1; }
	"$T_TESTBED" status --name "$name" >/dev/null 2>&1
	rc=$?
	if ((rc != 3)); then
		# Not made by this run: its owner tears it down, never this test.
		t_fail "test bed $name up" "a test bed $name exists already and is not this run's"
		return 1
	fi
	if ! out=$("$T_TESTBED" up --name "$name" "$@" 2>&1); then
		# A failed up removes what it made itself.
		t_fail "test bed $name up" "$(t_tail "$out")"
		return 1
	fi
	t_cleanup_add "$T_TESTBED" down --name "$name"
	eval "$("$T_TESTBED" env --name "$name")"
}

t_testbed() {
	local name
	name=$(t_testbed_name "$1") || return 1
	"$T_TESTBED" "$2" "${@:3}" --name "$name"
}

t_testbed_file() {
	t_testbed "$1" status | sed -n "s/^target\.${2//./\\.}\.file=//p"
}

# t_telemetry PREFIX CMD...: each command's answer (the value under its name) as one JSON line,
# asked over the process's telemetry socket the way dpdk-telemetry.py does.
t_telemetry() {
	local prefix=$1
	shift
	python3 - "$(aoe_dpdk_runtime_dir)/$prefix/dpdk_telemetry.v2" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
json.loads(s.recv(16384).decode())          # the greeting
for cmd in sys.argv[2:]:
    s.send(cmd.encode())
    reply = json.loads(s.recv(65536).decode())
    print(json.dumps(reply[cmd.split(",")[0]]))
PY
}

t_netns_veth() {
	local ns=$1 n=$2
	t_cleanup_add ip link del "$n-h"
	ip link add "$n-h" type veth peer name "$n-t" &&
		ip link set "$n-t" netns "$ns" &&
		sysctl -qw "net.ipv6.conf.$n-h.disable_ipv6=1" &&
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$n-t.disable_ipv6=1" &&
		ip link set "$n-h" up &&
		ip netns exec "$ns" ip link set "$n-t" up
}

t_segment() {
	local n=$1 count=$2 ns=$1-ns i
	t_cleanup_add ip netns del "$ns"
	ip netns add "$ns" || { t_fail "namespace $ns" "ip netns add failed"; return 1; }
	ip netns exec "$ns" ip link add br0 type bridge ageing_time 0 &&
		ip netns exec "$ns" ip link set br0 up &&
		ip netns exec "$ns" ip link add "${n}T-b" type veth peer name "${n}T-t" &&
		ip netns exec "$ns" ip link set "${n}T-b" master br0 &&
		ip netns exec "$ns" ip link set "${n}T-b" up &&
		ip netns exec "$ns" ip link set "${n}T-t" up ||
		{ t_fail "bridge" "could not make the bridge in $ns"; return 1; }
	for ((i = 1; i <= count; i++)); do
		t_cleanup_add ip link del "$n$i-h"
		ip link add "$n$i-h" address "02:00:00:00:aa:0$i" type veth peer name "$n$i-b" &&
			ip link set "$n$i-b" netns "$ns" &&
			sysctl -qw "net.ipv6.conf.$n$i-h.disable_ipv6=1" &&
			ip netns exec "$ns" ip link set "$n$i-b" master br0 &&
			ip netns exec "$ns" ip link set "$n$i-b" up &&
			ip link set "$n$i-h" up ||
			{ t_fail "veth $i" "could not attach initiator $i to the bridge"; return 1; }
	done
}
