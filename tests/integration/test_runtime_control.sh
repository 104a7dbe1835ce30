#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run-time control through telemetry on a dpdk-aoe daemon with two ports, each on its own vblade
# test bed: the allow list (/aoe/iflist) drops the other port's frames and counts them,
# /aoe/revalidate shows a grown target's new size, /aoe/flush removes a down target.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-stat

t_testbed_up rca --targets 1.1:16M || { t_summary; exit 1; }
IFACE_A=$AOE_TB_IFACE
FILE_A=$(t_testbed_file rca 1.1)
t_testbed_up rcb --targets 2.1:8M || { t_summary; exit 1; }
IFACE_B=$AOE_TB_IFACE
t_dpdk_args daemon "$(t_af_packet "$IFACE_A")" \
	"net_af_packet1,iface=$IFACE_B,qpairs=1"
PREFIX=$T_DPDK_PREFIX
OUT=$(mktemp /tmp/aoe-rtc.XXXXXX)
t_cleanup_add rm -f "$OUT"

tel() { t_telemetry "$@"; }
tj() { [[ -n $2 ]] && jq -e "$1" <<<"$2"; }

t_bg DAEMON "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --deadsecs 3 >"$OUT" 2>&1
t_check "both beds' targets are up" t_wait_until 15 \
	bash -c "[[ \$(\"$(t_bin aoe-stat)\" --file-prefix $PREFIX) == *e1.1*up*e2.1*up* ]]"

# ---- allow list ---------------------------------------------------------------------------------
out=$(tel "$PREFIX" /aoe/iflist,net_af_packet0)
t_check "/aoe/iflist,net_af_packet0 allows only port 0" tj '.allowed == ["net_af_packet0"]' "$out"
before=$(tel "$PREFIX" /aoe/lcore_stats,0 | jq .rx_port_disallowed)
# A restarted vblade announces itself on port 1: that frame must be dropped and counted.
t_testbed rcb kill 2.1 >/dev/null
t_testbed rcb start 2.1 >/dev/null
disallowed_grew() {
	after=$(tel "$PREFIX" /aoe/lcore_stats,0 | jq .rx_port_disallowed)
	((after > before))
}
t_wait_until 5 disallowed_grew
t_check "rx_port_disallowed grows ($before -> $after)" test "$after" -gt "$before"
out=$(tel "$PREFIX" /aoe/iflist,all)
t_check "/aoe/iflist,all allows both ports again" \
	tj '.allowed == ["net_af_packet0", "net_af_packet1"]' "$out"

# ---- revalidate ---------------------------------------------------------------------------------
truncate -s +16M "$FILE_A"
t_testbed rca kill 1.1 >/dev/null
t_testbed rca start 1.1 >/dev/null
out=$(tel "$PREFIX" /aoe/revalidate,e1.1)
t_check "/aoe/revalidate,e1.1 is accepted" tj '.revalidate == "e1.1"' "$out"
t_check "/aoe/info shows the new size (65536 sectors)" t_wait_until 10 \
	grep -q 'e1.1.*resized' "$OUT"
out=$(tel "$PREFIX" /aoe/info,e1.1)
t_check "/aoe/info,e1.1: 65536 sectors" tj '.sectors == 65536' "$out"

# ---- flush --------------------------------------------------------------------------------------
t_testbed rcb kill 2.1 >/dev/null
# A silent target goes down only once something is sent to it: an IDENTIFY.
tel "$PREFIX" /aoe/revalidate,e2.1 >/dev/null
t_check "e2.1 goes down when its vblade is gone" t_wait_until 15 \
	bash -c "\"$(t_bin aoe-stat)\" --file-prefix $PREFIX | grep -q 'e2.1.* down'"
out=$(tel "$PREFIX" /aoe/flush)
t_check "/aoe/flush flushes one down target" tj '.targets == 1' "$out"
t_check "e2.1 leaves /aoe/list" t_wait_until 3 \
	bash -c "[[ \$(printf '/aoe/list\n' | python3 /usr/bin/dpdk-telemetry.py -f $PREFIX) != *e2.1* ]]"
t_summary
