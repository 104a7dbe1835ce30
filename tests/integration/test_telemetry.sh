#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The /aoe/ DPDK telemetry commands on a real initiator: aoe-perf (randread, 12 s: long enough for every query) and then the
# dpdk-aoe daemon, each against its own vblade test bed, queried through
# /var/run/dpdk/<prefix>/dpdk_telemetry.v2 with DPDK's dpdk-telemetry.py and with a plain
# SOCK_SEQPACKET client.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

t_require_bins dpdk-aoe aoe-perf aoe-stat
t_testbed_up tel || { t_summary; exit 1; }
VDEV=$(t_af_packet)
TMP=$(mktemp -d /tmp/aoe-telemetry.XXXXXX)
t_cleanup_add rm -rf "$TMP"

# tel PREFIX CMD...: commands through one SOCK_SEQPACKET connection (one python start: aoe-perf
# runs for a few seconds only); prints each reply's value as one JSON line.
tel() { t_telemetry "$@"; }

# tj [JQ OPTIONS] FILTER JSON: jq -e on a reply that must not be empty (jq passes on no input).
tj() {
	local json=${!#}
	[[ -n $json ]] && jq -e "${@:1:$#-1}" <<<"$json"
}

# doc_keys SECTION: the keys docs/json.md's table under "## SECTION" lists, as a JSON array.
doc_keys() {
	awk -v s="## $1" '$0 == s { on = 1; next } /^## / { on = 0 }
		on && /^\| `/ { split($0, a, "`"); print a[2] }' "$AOE_ROOT/docs/json.md" |
		jq -R . | jq -s -c .
}
STAT=$(t_bin aoe-stat)

# wait_up PREFIX PID: the telemetry socket and the targets are there (up to 15 s).
lists_e12() { [[ $(tel "$1" /aoe/list) == *e1.2* ]]; }
wait_up() { t_wait_until --pid "$2" 15 lists_e12 "$1"; }

# The same checks for whichever initiator runs under PREFIX.
common_checks() {
	local who=$1 prefix=$2 out a b rx
	out=$(printf '/aoe/list\n/aoe/info,e1.1\n' | python3 /usr/bin/dpdk-telemetry.py -f "$prefix" 2>&1)
	if grep -q '"/aoe/list": \["e1.1", "e1.2"\]' <<<"$out" && grep -q '"sectors": 131072' <<<"$out"; then
		t_pass "$who: dpdk-telemetry.py lists e1.1 and e1.2, e1.1 has 131072 sectors"
	else
		t_fail "$who: dpdk-telemetry.py lists e1.1 and e1.2, e1.1 has 131072 sectors" "$out"
	fi
	# shellcheck disable=SC2054 # the commas are part of the telemetry commands
	local bad=(/aoe/info,e1 /aoe/info,e9.9 /aoe/stats, /aoe/lcore_stats,99 /aoe/events,513
		/aoe/events,x /aoe/revalidate,bogus /aoe/iflist,net_nope0 /aoe/flush,e9.9)
	local -a r
	mapfile -t r < <(tel "$prefix" /aoe/info,e1.2 /aoe/lcore_stats,0 /aoe/events /aoe/events,1 \
		"${bad[@]}")
	t_check "$who: /aoe/info,e1.2: 16385 sectors, payload 1024, up" \
		tj '.sectors == 16385 and .payload == 1024 and .state == "up" and .name == "e1.2"' "${r[0]:-}"
	t_check "$who: /aoe/lcore_stats,0 is the management lcore 0" \
		tj '.lcore_id == 0 and .is_mgmt == 1' "${r[1]:-}"
	# The lcore received every ATA answer the targets accepted (asked for first: counters only
	# grow) and, besides, each target's config answer.
	mapfile -t rx < <(tel "$prefix" /aoe/stats,e1.1 /aoe/stats,e1.2 /aoe/lcore_stats,0)
	t_check "$who: /aoe/lcore_stats,0 counts every frame received" \
		jq -e -n --argjson a "${rx[0]:-null}" --argjson b "${rx[1]:-null}" \
		--argjson l "${rx[2]:-null}" '$l.rx_frames >= $a.frames_rx + $b.frames_rx + 2'
	t_check "$who: /aoe/events has e1.1's state change, once" \
		tj 'map(select(test("e1.1 state probing -> up$"))) | length == 1' "${r[2]:-}"
	t_check "$who: /aoe/events,1 gives one line" tj 'length == 1' "${r[3]:-}"
	for i in "${!bad[@]}"; do
		t_check "$who: ${bad[i]} answers an error" tj '.error | length > 10' "${r[i + 4]:-}"
	done
}

# The three JSON outputs (dpdk-aoe --status --json, aoe-stat --json, telemetry) have the keys
# docs/json.md lists, in its order, and /aoe/info's values are aoe-stat's (booleans as 0/1).
json_agreement() {
	local prefix=$1 desc cnt gau lc stat status
	local -a r
	desc=$(doc_keys "Target description")
	cnt=$(doc_keys "Target counters")
	gau=$(doc_keys "Target gauges")
	lc=$(doc_keys "Lcore")
	t_check "docs/json.md lists 21 description, 22 counter, 6 gauge and 21 lcore keys" \
		test "$(jq -n -c --argjson a "$desc" --argjson b "$cnt" --argjson c "$gau" \
			--argjson d "$lc" '[$a, $b, $c, $d] | map(length)')" = "[21,22,6,21]"
	stat=$("$STAT" --file-prefix "$prefix" --json)
	t_dpdk_args status "$VDEV"
	status=$(t_timeout 30 "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --status --json 2>/dev/null)
	mapfile -t r < <(tel "$prefix" /aoe/info,e1.1 /aoe/stats,e1.1 /aoe/lcore_stats,0)
	t_check "keys: /aoe/info = docs' description" \
		tj --argjson k "$desc" 'keys_unsorted == $k' "${r[0]:-}"
	t_check "keys: /aoe/stats = name, state, docs' counters and gauges" \
		tj --argjson k "$(jq -n -c --argjson b "$cnt" --argjson c "$gau" '["name", "state"] + $b + $c')" \
		'keys_unsorted == $k' "${r[1]:-}"
	t_check "keys: /aoe/lcore_stats = docs' lcore" \
		tj --argjson k "$lc" 'keys_unsorted == $k' "${r[2]:-}"
	for who in aoe-stat dpdk-aoe; do
		local doc=$stat
		[[ $who == dpdk-aoe ]] && doc=$status
		t_check "keys: $who --json = program, pid, targets, lcores" \
			tj 'keys_unsorted == ["program", "pid", "targets", "lcores"]' "$doc"
		t_check "keys: every $who --json target = docs' description, counters, gauges" \
			tj --argjson k "$(jq -n -c --argjson a "$desc" --argjson b "$cnt" --argjson c "$gau" '$a + $b + $c')" \
			'(.targets | length) == 2 and (.targets | all(keys_unsorted == $k))' "$doc"
		t_check "keys: every $who --json lcore = docs' lcore" \
			tj --argjson k "$lc" '(.lcores | length) >= 1 and (.lcores | all(keys_unsorted == $k))' "$doc"
	done
	t_check "values: /aoe/info,e1.1 = aoe-stat's e1.1 description (booleans as 0/1)" \
		tj --argjson t "$(jq -c '.targets[0]' <<<"$stat")" \
		'to_entries | all(.value == ($t[.key] | if type == "boolean" then (if . then 1 else 0 end) else . end))' \
		"${r[0]:-}"
	t_check "types: dpdk-aoe --status and aoe-stat agree on every key's type" \
		tj --argjson s "$status" '[.targets[0] | to_entries[] | [.key, (.value | type)]] ==
			[$s.targets[0] | to_entries[] | [.key, (.value | type)]] and .program == "dpdk-aoe" and
			$s.program == "dpdk-aoe"' "$stat"
}

# ---- aoe-perf ----------------------------------------------------------------------------------
t_dpdk_args perf "$VDEV"
PREFIX=$T_DPDK_PREFIX
t_bg PERF "$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w randread -o 4k -q 8 -t 12 \
	>"$TMP/perf.out" 2>&1
if wait_up "$PREFIX" "$PERF"; then
	t_pass "aoe-perf: telemetry socket answers /aoe/list"
	a=$(tel "$PREFIX" /aoe/stats,e1.1 | jq .frames_tx)
	sleep 1
	b=$(tel "$PREFIX" /aoe/stats,e1.1 | jq .frames_tx)
	if [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]] && ((b > a)); then
		t_pass "aoe-perf: /aoe/stats,e1.1 frames_tx grows during I/O ($a -> $b)"
	else
		t_fail "aoe-perf: /aoe/stats,e1.1 frames_tx grows during I/O" "read $a then $b"
	fi
	out=$(tel "$PREFIX" /aoe/stats,e1.1)
	t_check "aoe-perf: /aoe/stats has window and RTT" \
		tj '.ios_completed > 0 and .cwnd > 0 and .srtt_ns > 0 and .rto_ns > 0 and (.aoe_errors | length) == 8' "$out"
	common_checks aoe-perf "$PREFIX"
	# aoe-perf holds e1.1 open through the bdev API for its whole run; e1.2 nobody holds.
	mapfile -t r < <(tel "$PREFIX" /aoe/info,e1.1 /aoe/info,e1.2)
	t_check "aoe-perf: /aoe/info says e1.1 is open (1), e1.2 not (0)" \
		tj '.open == 1' "${r[0]:-}"
	t_check "aoe-perf: /aoe/info,e1.2 is not open" tj '.open == 0' "${r[1]:-}"
	t_check "aoe-perf: aoe-stat --json says e1.1 is open, e1.2 not" \
		tj '[.targets[] | {name, open}] == [{name: "e1.1", open: true}, {name: "e1.2", open: false}]' \
		"$("$STAT" --file-prefix "$PREFIX" --json)"
else
	t_fail "aoe-perf: telemetry socket answers /aoe/list" "$(cat "$TMP/perf.out")"
fi
wait "$PERF"
t_check "aoe-perf exits 0" test $? -eq 0

# ---- dpdk-aoe daemon ---------------------------------------------------------------------------
t_dpdk_args daemon "$VDEV"
PREFIX=$T_DPDK_PREFIX
t_bg DAEMON "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- >"$TMP/d.out" 2>&1
if wait_up "$PREFIX" "$DAEMON"; then
	t_pass "dpdk-aoe: telemetry socket answers /aoe/list"
	common_checks dpdk-aoe "$PREFIX"
	before=$(tel "$PREFIX" /aoe/lcore_stats,0 | jq .tx_frames)
	out=$(tel "$PREFIX" /aoe/discover)
	t_check "dpdk-aoe: /aoe/discover is accepted" tj '.discover == "requested"' "$out"
	sleep 0.5
	after=$(tel "$PREFIX" /aoe/lcore_stats,0 | jq .tx_frames)
	t_check "dpdk-aoe: /aoe/discover sends a broadcast ($before -> $after tx frames)" \
		test "$after" -gt "$before"
	json_agreement "$PREFIX"
	out=$(tel "$PREFIX" /aoe/iflist)
	t_check "dpdk-aoe: /aoe/iflist lists net_af_packet0 as allowed" \
		tj '.ports == ["net_af_packet0"] and .allowed == ["net_af_packet0"] and .port_ids == [0]' "$out"
	kill "$DAEMON"
	wait "$DAEMON"
	t_check "dpdk-aoe stops cleanly on SIGTERM" test $? -eq 0
else
	t_fail "dpdk-aoe: telemetry socket answers /aoe/list" "$(cat "$TMP/d.out")"
fi
t_summary
