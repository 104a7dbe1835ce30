#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Multipath against real vblade: one backing file exported as e1.1 by two vblade processes,
# each on its own veth pair, seen through two DPDK af_packet ports. Path A is jumbo (MTU 9000,
# 17 sectors per frame, port net_af_packet10), path B is not (MTU 1500, 2 sectors, port
# net_af_packet1: a name that is the start of A's, which the port list must not take for it).
#
# During one aoe-perf verify run: A is learnt first, then B; A dies with 16-sector frames in
# flight, which must be cut to fit B; A comes back with MTU 1500 (same MAC, 2 sectors now),
# which the engine must follow; B dies, leaving A. No I/O may fail and the data must verify.
# Then discovery rounds that B no longer answers retire its path.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins aoe-perf

N=mp$$
NS=$N-ns
DIR=$(mktemp -d /tmp/aoemp.XXXXXX)
IMG=$DIR/disk.img
declare -A VBLADE_PID

cleanup_topology() {
	local p
	for p in "${VBLADE_PID[@]}"; do
		kill "$p" 2>/dev/null
	done
	ip link del "${N}A-h" 2>/dev/null
	ip link del "${N}B-h" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$DIR"
}
t_cleanup_add cleanup_topology

vblade_start() {
	local side=$1
	ip netns exec "$NS" vblade 1 1 "$N$side-t" "$IMG" >>"$DIR/vblade-$side.log" 2>&1 &
	VBLADE_PID[$side]=$!
}

vblade_kill() {
	kill -KILL "${VBLADE_PID[$1]}" 2>/dev/null
	wait "${VBLADE_PID[$1]}" 2>/dev/null
	unset 'VBLADE_PID[$1]'
}

set_mtu() { # set_mtu SIDE MTU: both ends of that veth pair
	ip link set "$N$1-h" mtu "$2" && ip netns exec "$NS" ip link set "$N$1-t" mtu "$2"
}

ip netns add "$NS" || { t_fail "namespace" "ip netns add $NS failed"; t_summary; exit 1; }
for side in A B; do
	t_netns_veth "$NS" "$N$side" ||
		{ t_fail "veth $side" "could not create the veth pair"; t_summary; exit 1; }
done
set_mtu A 9000 || { t_fail "MTU 9000 on path A"; t_summary; exit 1; }
MAC_A=$(ip netns exec "$NS" cat "/sys/class/net/${N}A-t/address")
truncate -s 32M "$IMG"

t_dpdk_args mp "net_af_packet10,iface=${N}A-h,qpairs=1,framesz=16384,blocksz=16384" \
	"net_af_packet1,iface=${N}B-h,qpairs=1"
PREFIX=$T_DPDK_PREFIX
info() { t_telemetry "$PREFIX" /aoe/info,e1.1 2>/dev/null; }
# info_is NAME SECS JQ: pass when /aoe/info,e1.1 satisfies JQ within SECS; INFO keeps the
# last answer. (jq -e passes on empty input: an answer is required.)
INFO=""
info_now() {
	INFO=$(info)
	echo "$INFO"
	[[ -n $INFO ]] && jq -e "$1" <<<"$INFO" >/dev/null 2>&1
}
info_is() {
	# info_now runs in this shell: INFO keeps the answer that matched.
	if t_wait_until "$2" info_now "$3"; then
		t_pass "$1"
	else
		INFO=$T_OUT
		t_fail "$1" "last /aoe/info: $INFO"$'\n'"$(t_telemetry "$PREFIX" /aoe/lcore_stats,0)"$'\n'"$(grep -E "aoe:" "$DIR/perf.err" | tail -n 12)"
	fi
}

# Path A first, so that it is path 0 and its port the first in the list.
vblade_start A
sleep 0.5
t_bg PERF "$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w verify -o 8k -q 16 \
	--size 8M -t 26 --deadsecs 20 --json >"$DIR/perf.json" 2>"$DIR/perf.err"
info_is "e1.1 up through path A, 17 sectors per frame" 10 \
	'.state == "up" and .paths == 1 and .payload == 8704'
# vblade announces itself at start, but that broadcast was seen lost on a fresh veth here:
# a discovery round asks.
discover() { sleep 0.3; t_telemetry "$PREFIX" /aoe/discover >/dev/null 2>&1; }
vblade_start B
discover
info_is "path B learnt: two paths, payload the smaller one's" 5 '.paths == 2 and .payload == 1024'
t_check "the port list names both ports (net_af_packet10,net_af_packet1)" \
	jq -e -n --argjson i "${INFO:-null}" '$i.ports == "net_af_packet10,net_af_packet1"'
sleep 3
vblade_kill A # the jumbo path dies with 16-sector frames in flight: they must fit path B
sleep 3
set_mtu A 1500
vblade_start A # same MAC, now 2 sectors per frame: its config answer says so
discover
info_is "path A back with 2 sectors per frame" 5 '.paths == 2 and .payload == 1024'
sleep 3
vblade_kill B # only path A is left, at its new size
sleep 3
# B answers no discovery round any more: after two rounds its path is retired.
for _ in 1 2 3; do
	discover
	sleep 1
done
info_is "path B retired after missing two discovery rounds" 5 ".paths == 1 and .mac == \"$MAC_A\""
stats=$(t_telemetry "$PREFIX" /aoe/stats,e1.1 2>/dev/null)
wait "$PERF"
rc=$?

if [[ $rc -eq 0 ]]; then
	t_pass "verify survives: A (jumbo) dies, A returns at MTU 1500, B dies"
else
	t_fail "verify survives: A (jumbo) dies, A returns at MTU 1500, B dies" \
		"aoe-perf exit $rc: $(tail -n 20 "$DIR/perf.err")"
fi
result=$(tail -n 1 "$DIR/perf.json")
if jq -e -n --argjson r "${result:-null}" '$r.io_failed == 0 and $r.io_completed > 0 and
	$r.resplits > 0' >/dev/null 2>&1; then
	t_pass "no I/O failed; frames were cut to fit ($(jq -r .resplits <<<"$result") resplits)"
else
	t_fail "no I/O failed; frames were cut to fit" "$result"$'\n'"$stats"
fi
if grep -q "path via net_af_packet10 to $MAC_A failed: traffic moves to other paths" \
	"$DIR/perf.err"; then
	t_pass "the engine reported path A failing, with B to carry the traffic"
else
	t_fail "the engine reported path A failing, with B to carry the traffic" \
		"$(grep path "$DIR/perf.err" | tail -n 20)"
fi
if grep -q "path 0 now 2 sectors/frame (was 17)" "$DIR/perf.err"; then
	t_pass "the engine followed path A's new sector count"
else
	t_fail "the engine followed path A's new sector count" \
		"$(grep path "$DIR/perf.err" | tail -n 20)"
fi
t_summary
