#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A late copy of a write must not land over a later write (the write fence, lib/aoe/aoe_fence.c).
# One backing file is exported as e1.1 by two vblade processes, each on its own veth pair (paths
# A and B). During an aoe-perf verify run, vblade B is stopped (SIGSTOP) for 2 s every 3 s: the
# frames sent to it wait in its socket, the initiator sends them again on A, where they are
# answered, and when B goes on (SIGCONT) it executes what waited: copies of writes that are
# done. verify writes the next generation of the pattern over the same sectors in each pass, so
# a copy that landed after a later write is read back as an earlier pass's data.
#
# Checked: no data error, no failed I/O, and the fence at work in aoe-perf's counters (writes
# done with a copy unanswered, later writes sent behind one). The engine without the fence fails
# it within seconds: "data mismatch at LBA 6160 ... (pass 230's data, pass 272 written: a write
# acknowledged but never stored)", the soak's lost write (docs/soak.md).
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins aoe-perf

N=lc$$
NS=$N-ns
DIR=$(mktemp -d /tmp/aoe-late-copy.XXXXXX)
IMG=$DIR/disk.img
declare -A VBLADE_PID

cleanup_topology() {
	local p
	for p in "${VBLADE_PID[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	ip link del "${N}A-h" 2>/dev/null
	ip link del "${N}B-h" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$DIR"
}
t_cleanup_add cleanup_topology

ip netns add "$NS" || { t_fail "namespace" "ip netns add $NS failed"; t_summary; exit 1; }
for side in A B; do
	t_netns_veth "$NS" "$N$side" ||
		{ t_fail "veth $side" "could not create the veth pair"; t_summary; exit 1; }
done
truncate -s 16M "$IMG"
for side in A B; do
	ip netns exec "$NS" vblade 1 1 "$N$side-t" "$IMG" >>"$DIR/vblade-$side.log" 2>&1 &
	VBLADE_PID[$side]=$!
done

t_dpdk_args lc "net_af_packet0,iface=${N}A-h,qpairs=1" "net_af_packet1,iface=${N}B-h,qpairs=1"
PREFIX=$T_DPDK_PREFIX
t_bg PERF "$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w verify -o 16k -q 8 \
	--size 4M -t 24 --deadsecs 20 --discover-wait 10000 --json >"$DIR/perf.json" \
	2>"$DIR/perf.err"
paths() { t_telemetry "$PREFIX" /aoe/info,e1.1 2>/dev/null | jq -e '.paths == 2' >/dev/null; }
if t_wait_until 15 paths; then
	t_pass "e1.1 up with two paths (A and B, one file)"
else
	t_fail "e1.1 up with two paths (A and B, one file)" "$(tail -n 20 "$DIR/perf.err")"
fi

# B stops and goes on while verify runs; SIGCONT comes whatever happens (cleanup sends it too).
# After each stop B has failed (timeouts in a row): a discovery round, which it answers, puts it
# back in use before the next one, so that each stop catches frames on their way to it.
stops=0
for _ in $(seq 6); do
	sleep 1
	kill -STOP "${VBLADE_PID[B]}" 2>/dev/null || break
	sleep 2
	kill -CONT "${VBLADE_PID[B]}"
	stops=$((stops + 1))
	sleep 0.2
	t_telemetry "$PREFIX" /aoe/discover >/dev/null 2>&1
done
wait "$PERF"
rc=$?
result=$(grep '^{' "$DIR/perf.json" | tail -n 1)

if ((rc == 0)); then
	t_pass "verify over A and B, B stopped for 2 s $stops times: aoe-perf exit 0"
else
	t_fail "verify over A and B, B stopped for 2 s $stops times: aoe-perf exit 0" \
		"exit $rc: $(grep -E 'mismatch|failed|aoe:' "$DIR/perf.err" | tail -n 12)"
fi
if jq -e -n --argjson r "${result:-null}" \
	'$r.data_errors == 0 and $r.io_failed == 0 and $r.io_completed > 0' >/dev/null 2>&1; then
	t_pass "no data error, no failed I/O ($(jq -r .io_completed <<<"$result") I/Os)"
else
	t_fail "no data error, no failed I/O" "${result:-no report}"
fi
if jq -e -n --argjson r "${result:-null}" '$r.ghost_writes > 0 and $r.fenced_writes > 0' \
	>/dev/null 2>&1; then
	t_pass "the fence acted: $(jq -r '"\(.ghost_writes) writes done with a copy unanswered, \(.fenced_writes) later writes sent behind one"' <<<"$result")"
else
	t_fail "the fence acted (ghost_writes and fenced_writes above 0)" "${result:-no report}"
fi
t_summary
