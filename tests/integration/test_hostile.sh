#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Hostile frames on the wire: while aoe-perf runs a verify workload against vblade, a raw socket
# in the test bed's namespace sends the initiator forged responses (random tags, known targets,
# foreign MACs), truncated and malformed frames, config answers from broadcast addresses or
# with lengths past the frame, requests and garbage. Every one must be dropped and counted: the
# verify passes (no data taken from a forged frame), nothing crashes or hangs, and the engine's
# counters show the drops.
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

t_testbed_up hostile --targets 1.1:32M || { t_summary; exit 1; }
t_dpdk_args hostile "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1"
PREFIX=$(aoe_eal_prefix hostile)
DIR=$(mktemp -d /tmp/aoehostile.XXXXXX)
t_cleanup_add rm -rf "$DIR"
HOST_MAC=$(cat "/sys/class/net/$AOE_TB_IFACE/address")

"$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w verify -o 8k -q 8 --size 4M -t 12 \
	--deadsecs 30 --json >"$DIR/perf.json" 2>"$DIR/perf.err" &
PERF=$!
t_cleanup_add kill "$PERF"
sleep 3
ip netns exec "$AOE_TB_NS" python3 "$(dirname -- "${BASH_SOURCE[0]}")/helpers/aoe_hostile.py" \
	"$AOE_TB_PEER" "$HOST_MAC" 1 1 6 >"$DIR/sent.txt" 2>&1 &
SENDER=$!
sleep 1
lcore=$(t_telemetry "$PREFIX" /aoe/lcore_stats,0 2>/dev/null)
wait "$SENDER"
t_check "the hostile sender ran" test -s "$DIR/sent.txt"
echo "# sent: $(cat "$DIR/sent.txt")"
lcore_after=$(t_telemetry "$PREFIX" /aoe/lcore_stats,0 2>/dev/null)
wait "$PERF"
rc=$?
[[ $rc -eq 0 ]] && t_pass "verify passes under hostile traffic" ||
	t_fail "verify passes under hostile traffic" "exit $rc: $(tail -n 5 "$DIR/perf.err")"
json=$(tail -n 1 "$DIR/perf.json")
if jq -e '.io_failed == 0 and .io_completed > 0 and .unexpected > 0' <<<"$json" >/dev/null; then
	t_pass "forged responses counted as unexpected ($(jq .unexpected <<<"$json")), none failed"
else
	t_fail "forged responses counted, none failed" "$json"
fi
if [[ -n $lcore && -n $lcore_after ]] &&
	jq -e -n --argjson a "$lcore" --argjson b "$lcore_after" \
		'$b.rx_malformed > $a.rx_malformed and $b.rx_user_tags > 0 and
		 $b.rx_requests > 0 and $b.rx_not_aoe > 0' >/dev/null; then
	t_pass "malformed, user-tag, request and non-AoE frames counted per lcore"
else
	t_fail "malformed, user-tag, request and non-AoE frames counted per lcore" \
		"before: $lcore after: $lcore_after"
fi
t_summary
