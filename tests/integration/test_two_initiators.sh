#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two initiators on one segment behind a switch that floods (lib.sh's t_segment: a bridge in a
# namespace with ageing 0, every unicast frame goes to every port), vblade on one port, two
# aoe-perf processes on two others. Each sees the other's answers (their destination is the
# other initiator) and must drop them: both verify runs, on separate regions of the same target,
# pass, and each counts the other's answers as rx_wrong_dest. (test_hostile forges such answers
# with the tags of frames in flight; this is the real thing.)
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins aoe-perf

N=ti$$
DIR=$(mktemp -d /tmp/aoetwo.XXXXXX)
t_cleanup_add rm -rf "$DIR"
IMG=$DIR/disk.img

t_segment "$N" 2 || { t_summary; exit 1; }
truncate -s 32M "$IMG"
# Not through a shell function: in the background that would make $! a subshell's PID, and
# the cleanup would leave vblade running.
ip netns exec "$N-ns" vblade 1 1 "${N}T-t" "$IMG" >"$DIR/vblade.log" 2>&1 &
t_cleanup_add kill $!
sleep 0.5

declare -A PERF PREFIX
for i in 1 2; do
	t_dpdk_args "ti-$i" "$(t_af_packet "$N$i-h")"
	PREFIX[$i]=$T_DPDK_PREFIX
	t_bg "PERF[$i]" "$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w verify -o 4k \
		-q 8 --offset $(((i - 1) * 16))m --size 8m --seed "$i" -t 10 --deadsecs 20 --json \
		>"$DIR/perf-$i.json" 2>"$DIR/perf-$i.err"
done
sleep 6
for i in 1 2; do
	lcore[$i]=$(t_telemetry "${PREFIX[$i]}" /aoe/lcore_stats,0 2>/dev/null)
done
for i in 1 2; do
	wait "${PERF[$i]}"
	rc=$?
	if [[ $rc -eq 0 ]] && jq -e '.io_failed == 0 and .io_completed > 0' \
		<"$DIR/perf-$i.json" >/dev/null 2>&1; then
		t_pass "initiator $i: verify passes ($(jq .io_completed <"$DIR/perf-$i.json") I/O)"
	else
		t_fail "initiator $i: verify passes" "exit $rc: $(tail -n 5 "$DIR/perf-$i.err")"
	fi
	n=$(jq -r .rx_wrong_dest <<<"${lcore[$i]:-{\}}" 2>/dev/null)
	if [[ $n =~ ^[0-9]+$ ]] && ((n > 100)); then
		t_pass "initiator $i saw the other's answers and dropped them (rx_wrong_dest $n)"
	else
		t_fail "initiator $i saw the other's answers and dropped them" "${lcore[$i]}"
	fi
done
t_summary
