#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A target that comes back as another disk. aoe-target (ram disk, IDENTIFY serial SERIAL-A)
# runs inside the test bed's namespace on the veth's far end; dpdk-aoe sees e1.1 up. The
# target is restarted on the same interface (same MAC) with serial SERIAL-B, and an operator
# revalidates e1.1: to whoever held the old disk it is gone, so the target goes down (its
# holders get the down event) and comes back up at the next discovery as the new disk, with
# the new serial. It must not stay up, silently swapping the disk under an open descriptor.
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

N=nd$$
# vblade serves an unused e9.9; aoe-target serves e1.1 on the same far end.
t_testbed_up "$N" --targets 9.9:1M || { t_summary; exit 1; }
DIR=$(mktemp -d /tmp/aoenewdisk.XXXXXX)
t_cleanup_add rm -rf "$DIR"

target_start() { # target_start SERIAL
	t_dpdk_args "$N-t$1" "net_af_packet0,iface=$AOE_TB_PEER,qpairs=1"
	ip netns exec "$AOE_TB_NS" "$(t_bin aoe-target)" -l 1 "${T_DPDK_ARGS[@]}" -- \
		--disk 1.1=ram:8M --serial "$1" >"$DIR/target-$1.log" 2>&1 &
	TPID=$!
	t_cleanup_add kill -KILL "$TPID"
	for _ in $(seq 100); do
		grep -qs "e1.1 ram" "$DIR/target-$1.log" && break
		sleep 0.1
	done
}

target_start SERIAL-A
t_dpdk_args "$N" "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1"
PREFIX=$(aoe_eal_prefix "$N")
"$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --deadsecs 5 --discover-interval 1 \
	>"$DIR/daemon.log" 2>&1 &
DAEMON=$!
t_cleanup_add kill "$DAEMON"
info() { t_telemetry "$PREFIX" /aoe/info,e1.1 2>/dev/null; }
# info_is SECS JQ: /aoe/info,e1.1 satisfies JQ within SECS
info_is() {
	local i out
	for ((i = 0; i < $1 * 5; i++)); do
		out=$(info)
		[[ -n $out ]] && jq -e "$2" <<<"$out" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "last: $out"
	return 1
}

t_check "e1.1 up with serial SERIAL-A" info_is 15 '.state == "up" and .serial == "SERIAL-A"'
kill -INT "$TPID"
wait "$TPID" 2>/dev/null
target_start SERIAL-B
t_telemetry "$PREFIX" /aoe/revalidate,e1.1 >/dev/null
t_check "after the revalidation: up again, as the new disk (serial SERIAL-B)" \
	info_is 15 '.state == "up" and .serial == "SERIAL-B"'
events=$(t_telemetry "$PREFIX" /aoe/events,64 2>/dev/null)
t_check "on the way it went down (its holders lost the old disk)" \
	jq -e 'map(select(test("e1.1 state up -> down"))) | length == 1' <<<"$events"
t_check "the log says another disk answered" \
	grep -q "serial 'SERIAL-B' answers, was 'SERIAL-A': a new disk" "$DIR/daemon.log"
t_summary
