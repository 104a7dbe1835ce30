# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# What the dpdk-aoe / aoe-perf integration tests share, on top of lib.sh (source lib.sh first).
#
#   AOE_BUILD_DIR        the meson build directory to test (default <repo>/build; set by
#                        meson test and scripts/test.sh)
#   IT_DAEMON IT_PERF    the programs under test; IT_PATTERN the backing-file pattern checker
#   it_require_bins      records a failure and exits when a program is not built
#   it_eal VAR NAME [VDEV...]   VAR=(EAL args: -l 0, --no-pci, own --file-prefix aoe-NAME-PID)
#   it_vdev IFACE        the af_packet vdev of a test bed's root-side veth, one queue pair
#   it_perf VAR SECS ARGS...    aoe-perf with the EAL args in array VAR, under a timeout
#   it_status VAR ARGS...       dpdk-aoe -- --status ARGS... with the EAL args in array VAR

IT_DAEMON=$(t_bin dpdk-aoe)
IT_PERF=$(t_bin aoe-perf)
# shellcheck disable=SC2034 # used by the tests that source this file
IT_PATTERN=$(dirname -- "${BASH_SOURCE[0]}")/aoe_pattern.py

it_require_bins() {
	local b
	for b in "$IT_DAEMON" "$IT_PERF" "$@"; do
		if [[ ! -x $b ]]; then
			t_fail "$b is built" "build it: meson setup build && ninja -C build (or set AOE_BUILD_DIR)"
			t_summary
			exit 1
		fi
	done
}

it_eal() {
	local -n _it_out=$1
	local name=$2
	shift 2
	read -ra _it_out <<<"-l 0 $(aoe_eal_args "$name" "$@")"
	t_cleanup_add aoe_eal_cleanup "$(aoe_eal_prefix "$name")"
}

it_vdev() { printf 'net_af_packet0,iface=%s,qpairs=1\n' "$1"; }

it_perf() {
	local -n _it_eal=$1
	local secs=$2
	shift 2
	t_timeout "$secs" "$IT_PERF" "${_it_eal[@]}" -- "$@"
}

it_status() {
	local -n _it_eal=$1
	shift
	t_timeout 30 "$IT_DAEMON" "${_it_eal[@]}" -- --status "$@"
}

# Size of a file in bytes.
it_fsize() { stat -c %s -- "$1"; }

# it_sniffed DIR CMD...: run CMD while aoe_sniff.py lists the AoE frames crossing the test bed's
# root-side veth into DIR/frames (one line each; see helpers/aoe_sniff.py).
it_sniffed() {
	local dir=$1 sp rc i
	shift
	# A stale "ready" from the last run would not wait for this one.
	rm -f -- "$dir/sniff.err"
	python3 "$(dirname -- "$IT_PATTERN")/aoe_sniff.py" "$AOE_TB_IFACE" 60 >"$dir/frames" \
		2>"$dir/sniff.err" &
	sp=$!
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$dir/sniff.err" && break
		sleep 0.1
	done
	grep -q ready "$dir/sniff.err" || echo "the sniffer did not start: $(cat "$dir/sniff.err")"
	"$@"
	rc=$?
	sleep 0.5
	kill -TERM "$sp" 2>/dev/null
	wait "$sp"
	return $rc
}

# it_segment NAME N: one Ethernet segment behind a switch that floods (a bridge with ageing 0 in
# namespace NAME-ns: every unicast frame reaches every port), with a target port NAMET-t inside
# the namespace and N initiator veths NAME1-h .. NAMEN-h on the host, each with the MAC
# 02:00:00:00:aa:0I so that the tests can name them. Torn down at exit (also what was started
# inside the namespace, through the namespace's removal and the callers' own cleanups).
# Returns non-zero (and records a failure) when it cannot be made.
it_segment() {
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
