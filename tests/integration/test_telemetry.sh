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

NAME=tel$$
t_testbed_up "$NAME" || { t_summary; exit 1; }
VDEV="net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1"

# tel PREFIX CMD...: commands through one SOCK_SEQPACKET connection (one python start: aoe-perf
# runs for a few seconds only); prints each reply's value as one JSON line.
tel() { t_telemetry "$@"; }

# tj FILTER JSON: jq -e on a reply that must not be empty (jq passes on no input).
tj() { [[ -n $2 ]] && jq -e "$1" <<<"$2"; }

# wait_up PREFIX PID: the telemetry socket and the targets are there (up to 15 s).
wait_up() {
	local i
	for ((i = 0; i < 150; i++)); do
		[[ $(tel "$1" /aoe/list 2>/dev/null) == *e1.2* ]] && return 0
		aoe_proc_state "$2" >/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# The same checks for whichever initiator runs under PREFIX.
common_checks() {
	local who=$1 prefix=$2 out a b
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
	t_check "$who: /aoe/lcore_stats,0 counts received frames" \
		tj '.lcore_id == 0 and .rx_frames > 0 and .is_mgmt == 1' "${r[1]:-}"
	t_check "$who: /aoe/events has e1.1's state change" \
		tj 'map(select(test("e1.1 state probing -> up$"))) | length >= 1' "${r[2]:-}"
	t_check "$who: /aoe/events,1 gives one line" tj 'length == 1' "${r[3]:-}"
	for i in "${!bad[@]}"; do
		t_check "$who: ${bad[i]} answers an error" tj '.error | length > 10' "${r[i + 4]:-}"
	done
}

# ---- aoe-perf ----------------------------------------------------------------------------------
t_dpdk_args perf "$VDEV"
PREFIX=$(aoe_eal_prefix perf)
"$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w randread -o 4k -q 8 -t 12 \
	>/tmp/$NAME-perf.out 2>&1 &
PERF=$!
t_cleanup_add kill "$PERF"
t_cleanup_add rm -f "/tmp/$NAME-perf.out"
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
else
	t_fail "aoe-perf: telemetry socket answers /aoe/list" "$(cat /tmp/$NAME-perf.out)"
fi
wait "$PERF"
t_check "aoe-perf exits 0" test $? -eq 0

# ---- dpdk-aoe daemon ---------------------------------------------------------------------------
t_dpdk_args daemon "$VDEV"
PREFIX=$(aoe_eal_prefix daemon)
"$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- >/tmp/$NAME-d.out 2>&1 &
DAEMON=$!
t_cleanup_add kill "$DAEMON"
t_cleanup_add rm -f "/tmp/$NAME-d.out"
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
	out=$(tel "$PREFIX" /aoe/iflist)
	t_check "dpdk-aoe: /aoe/iflist lists net_af_packet0 as allowed" \
		tj '.ports == ["net_af_packet0"] and .allowed == ["net_af_packet0"] and .port_ids == [0]' "$out"
	kill "$DAEMON"
	wait "$DAEMON"
	t_check "dpdk-aoe stops cleanly on SIGTERM" test $? -eq 0
else
	t_fail "dpdk-aoe: telemetry socket answers /aoe/list" "$(cat /tmp/$NAME-d.out)"
fi
t_summary
