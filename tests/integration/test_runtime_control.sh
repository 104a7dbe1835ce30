#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run-time control through telemetry on a dpdk-aoe daemon with two ports, each on its own vblade
# test bed: the allow list (/aoe/iflist) drops the other port's frames and counts them,
# /aoe/revalidate shows a grown target's new size, /aoe/flush removes a down target.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

A=rca$$
B=rcb$$
t_testbed_up "$A" --targets 1.1:16M || { t_summary; exit 1; }
IFACE_A=$AOE_TB_IFACE
FILE_A=$("$T_TESTBED" status --name "$A" | sed -n 's/^target\.1\.1\.file=//p')
t_testbed_up "$B" --targets 2.1:8M || { t_summary; exit 1; }
IFACE_B=$AOE_TB_IFACE
t_dpdk_args daemon "net_af_packet0,iface=$IFACE_A,qpairs=1" "net_af_packet1,iface=$IFACE_B,qpairs=1"
PREFIX=$(aoe_eal_prefix daemon)
OUT=/tmp/$A-daemon
t_cleanup_add rm -f "$OUT"

tel() { t_telemetry "$@"; }
tj() { [[ -n $2 ]] && jq -e "$1" <<<"$2"; }
# until SECS CMD...: retry CMD every 0.2 s
until_ok() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 5; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	"$@"
}

"$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --deadsecs 3 >"$OUT" 2>&1 &
DAEMON=$!
t_cleanup_add kill "$DAEMON"
t_check "both beds' targets are up" until_ok 15 \
	bash -c "[[ \$(\"$(t_bin aoe-stat)\" --file-prefix $PREFIX) == *e1.1*up*e2.1*up* ]]"

# ---- allow list ---------------------------------------------------------------------------------
out=$(tel "$PREFIX" /aoe/iflist,net_af_packet0)
t_check "/aoe/iflist,net_af_packet0 allows only port 0" tj '.allowed == ["net_af_packet0"]' "$out"
before=$(tel "$PREFIX" /aoe/lcore_stats,0 | jq .rx_port_disallowed)
# A restarted vblade announces itself on port 1: that frame must be dropped and counted.
"$T_TESTBED" kill 2.1 --name "$B" >/dev/null
"$T_TESTBED" start 2.1 --name "$B" >/dev/null
for ((i = 0; i < 25; i++)); do
	after=$(tel "$PREFIX" /aoe/lcore_stats,0 | jq .rx_port_disallowed)
	((after > before)) && break
	sleep 0.2
done
t_check "rx_port_disallowed grows ($before -> $after)" test "$after" -gt "$before"
out=$(tel "$PREFIX" /aoe/iflist,all)
t_check "/aoe/iflist,all allows both ports again" \
	tj '.allowed == ["net_af_packet0", "net_af_packet1"]' "$out"

# ---- revalidate ---------------------------------------------------------------------------------
truncate -s +16M "$FILE_A"
"$T_TESTBED" kill 1.1 --name "$A" >/dev/null
"$T_TESTBED" start 1.1 --name "$A" >/dev/null
out=$(tel "$PREFIX" /aoe/revalidate,e1.1)
t_check "/aoe/revalidate,e1.1 is accepted" tj '.revalidate == "e1.1"' "$out"
t_check "/aoe/info shows the new size (65536 sectors)" until_ok 10 \
	grep -q 'e1.1.*resized' "$OUT"
out=$(tel "$PREFIX" /aoe/info,e1.1)
t_check "/aoe/info,e1.1: 65536 sectors" tj '.sectors == 65536' "$out"

# ---- flush --------------------------------------------------------------------------------------
"$T_TESTBED" kill 2.1 --name "$B" >/dev/null
# A silent target goes down only once something is sent to it: an IDENTIFY.
tel "$PREFIX" /aoe/revalidate,e2.1 >/dev/null
t_check "e2.1 goes down when its vblade is gone" until_ok 15 \
	bash -c "\"$(t_bin aoe-stat)\" --file-prefix $PREFIX | grep -q 'e2.1.* down'"
out=$(tel "$PREFIX" /aoe/flush)
t_check "/aoe/flush flushes one down target" tj '.targets == 1' "$out"
t_check "e2.1 leaves /aoe/list" until_ok 3 \
	bash -c "[[ \$(printf '/aoe/list\n' | python3 /usr/bin/dpdk-telemetry.py -f $PREFIX) != *e2.1* ]]"
t_summary
