#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A target that comes back as another disk. aoe-target (ram disk, IDENTIFY serial SERIAL-A)
# runs inside the test bed's namespace on the veth's far end; dpdk-aoe sees e1.1 up. The
# target is restarted on the same interface (same MAC) with serial SERIAL-B, and an operator
# revalidates e1.1: to whoever held the old disk it is gone, so the target goes down (its
# holders get the down event) and comes back up at the next discovery as the new disk, with
# the new serial. It must not stay up, silently swapping the disk under an open descriptor.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-target

# vblade serves an unused e9.9; aoe-target serves e1.1 on the same far end.
t_testbed_up nd --targets 9.9:1M || { t_summary; exit 1; }
DIR=$(mktemp -d /tmp/aoenewdisk.XXXXXX)
t_cleanup_add rm -rf "$DIR"

target_start() { # target_start SERIAL
	t_dpdk_args "nd-t$1" "$(t_af_packet "$AOE_TB_PEER")"
	t_bg TPID ip netns exec "$AOE_TB_NS" "$(t_bin aoe-target)" -l 1 "${T_DPDK_ARGS[@]}" -- \
		--disk 1.1=ram:8M --serial "$1" >"$DIR/target-$1.log" 2>&1
	t_wait_until --pid "$TPID" 10 grep -q "e1.1 ram" "$DIR/target-$1.log"
}

target_start SERIAL-A
t_dpdk_args nd "$(t_af_packet)"
PREFIX=$T_DPDK_PREFIX
t_bg DAEMON "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --deadsecs 5 --discover-interval 1 \
	>"$DIR/daemon.log" 2>&1
# info_now JQ: /aoe/info,e1.1 (printed) satisfies JQ.
info_now() {
	local out
	out=$(t_telemetry "$PREFIX" /aoe/info,e1.1 2>/dev/null)
	echo "last: $out"
	[[ -n $out ]] && jq -e "$1" <<<"$out" >/dev/null 2>&1
}
t_check "e1.1 up with serial SERIAL-A" \
	t_wait_until 15 info_now '.state == "up" and .serial == "SERIAL-A"'
kill -INT "$TPID"
wait "$TPID" 2>/dev/null
target_start SERIAL-B
t_telemetry "$PREFIX" /aoe/revalidate,e1.1 >/dev/null
t_check "after the revalidation: up again, as the new disk (serial SERIAL-B)" \
	t_wait_until 15 info_now '.state == "up" and .serial == "SERIAL-B"'
events=$(t_telemetry "$PREFIX" /aoe/events,64 2>/dev/null)
t_check "on the way it went down (its holders lost the old disk)" \
	jq -e 'map(select(test("e1.1 state up -> down"))) | length == 1' <<<"$events"
t_check "the log says another disk answered" \
	grep -q "serial 'SERIAL-B' answers, was 'SERIAL-A': a new disk" "$DIR/daemon.log"
t_summary
