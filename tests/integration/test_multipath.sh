#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Multipath failover against real vblade: one backing file exported as e1.1 by two vblade
# processes, each on its own veth pair (two target MACs seen through two DPDK af_packet ports).
# During one aoe-perf verify run path A's vblade is killed, later restarted, then path B's is
# killed: no I/O may fail and the data must verify, which means frames moved to B when A died
# and went back to A once it answered again.
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

NS=aoemp-ns
DIR=$(mktemp -d /tmp/aoemp.XXXXXX)
IMG=$DIR/disk.img
declare -A VBLADE_PID

cleanup_topology() {
	local p
	for p in "${VBLADE_PID[@]}"; do
		kill "$p" 2>/dev/null
	done
	ip link del aoempA-h 2>/dev/null
	ip link del aoempB-h 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$DIR"
}
t_cleanup_add cleanup_topology

vblade_start() {
	local side=$1
	ip netns exec "$NS" vblade 1 1 "aoemp$side-t" "$IMG" >"$DIR/vblade-$side.log" 2>&1 &
	VBLADE_PID[$side]=$!
}

vblade_kill() {
	kill -KILL "${VBLADE_PID[$1]}" 2>/dev/null
	wait "${VBLADE_PID[$1]}" 2>/dev/null
	unset 'VBLADE_PID[$1]'
}

ip netns add "$NS" || { t_fail "namespace" "ip netns add $NS failed"; t_summary; exit 1; }
for side in A B; do
	ip link add "aoemp$side-h" type veth peer name "aoemp$side-t" &&
		ip link set "aoemp$side-t" netns "$NS" &&
		sysctl -qw "net.ipv6.conf.aoemp$side-h.disable_ipv6=1" &&
		ip netns exec "$NS" sysctl -qw "net.ipv6.conf.aoemp$side-t.disable_ipv6=1" &&
		ip link set "aoemp$side-h" up &&
		ip netns exec "$NS" ip link set "aoemp$side-t" up ||
		{ t_fail "veth $side" "could not create the veth pair"; t_summary; exit 1; }
done
truncate -s 32M "$IMG"
vblade_start A
vblade_start B
sleep 0.5

t_dpdk_args multipath "net_af_packet0,iface=aoempA-h,qpairs=1" "net_af_packet1,iface=aoempB-h,qpairs=1"
DPDK_AOE=$(t_bin dpdk-aoe)
AOE_PERF=$(t_bin aoe-perf)

t_check "dpdk-aoe sees e1.1 through two paths" \
	t_timeout 30 "$DPDK_AOE" -l 0 "${T_DPDK_ARGS[@]}" -- --status --json --discover-wait 1500
# T_OUT holds the EAL's and the engine's log lines too: the JSON object starts a line.
if sed -n '/^{"program"/,$p' <<<"$T_OUT" |
	jq -e '.targets | length == 1 and .[0].name == "e1.1" and .[0].paths == 2' >/dev/null 2>&1; then
	t_pass "one target, two paths"
else
	t_fail "one target, two paths" "$T_OUT"
fi

# The verify run: write the region, read it back and check it, repeatedly for 14 s.
"$AOE_PERF" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w verify -o 4096 -q 16 --size 8M -t 14 \
	--deadsecs 20 --json >"$DIR/perf.json" 2>"$DIR/perf.err" &
PERF=$!
t_cleanup_add kill "$PERF"
sleep 4
vblade_kill A		# path A dies in the middle of I/O
sleep 3
vblade_start A		# its start-up config announcement makes the path usable again
sleep 3
vblade_kill B		# from now on only the revived path A can carry the I/O
wait "$PERF"
rc=$?

if [[ $rc -eq 0 ]]; then
	t_pass "verify survives path A dying, coming back and path B dying"
else
	t_fail "verify survives path A dying, coming back and path B dying" \
		"aoe-perf exit $rc: $(tail -n 20 "$DIR/perf.err")"
fi
result=$(tail -n 1 "$DIR/perf.json")
if jq -e '.io_failed == 0 and .io_completed > 0' <<<"$result" >/dev/null 2>&1; then
	t_pass "no I/O lost or failed ($(jq -r .io_completed <<<"$result") completed)"
else
	t_fail "no I/O lost or failed" "$result"
fi
if grep -q "failed: traffic moves to other paths" "$DIR/perf.err"; then
	t_pass "the engine reported path A failing"
else
	t_fail "the engine reported path A failing" "$(tail -n 20 "$DIR/perf.err")"
fi
if grep -q "answers again" "$DIR/perf.err"; then
	t_pass "the engine reported a path answering again"
else
	t_fail "the engine reported a path answering again" "$(tail -n 20 "$DIR/perf.err")"
fi
t_summary
