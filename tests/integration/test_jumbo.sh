#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Jumbo frames on the vblade test bed: both veth ends at MTU 9000, DPDK's af_packet with frame
# slots big enough (framesz=16384). The initiator must size frames from the interface's MTU
# (17 sectors, 8704 bytes: (9000 - 36) / 512) and move data correctly in them.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-perf

t_testbed_up jmb --mtu 9000 --targets 1.1:32M || { t_summary; exit 1; }
t_dpdk_args jumbo "$(t_af_packet "" framesz=16384 blocksz=16384)"

t_check "dpdk-aoe --status at MTU 9000" \
	t_timeout 30 "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --status --json \
	--discover-wait 1000
if sed -n '/^{"program"/,$p' <<<"$T_OUT" |
	jq -e '.targets[0].name == "e1.1" and .targets[0].payload == 8704' >/dev/null 2>&1; then
	t_pass "payload is 17 sectors (8704 bytes) per frame"
else
	t_fail "payload is 17 sectors (8704 bytes) per frame" "$T_OUT"
fi

t_check "verify with 64 KiB I/O in jumbo frames" \
	t_timeout 120 "$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w verify \
	-o 65536 -q 4 --size 8M --json
json=$(tail -n 1 <<<"$T_OUT")
if jq -e '.io_failed == 0 and .payload_bytes == 8704 and .io_completed == 256' \
	<<<"$json" >/dev/null 2>&1; then
	t_pass "every jumbo I/O completed"
else
	t_fail "every jumbo I/O completed" "$json"
fi
# An I/O that is not a whole number of frames ends in a short frame; the region is the one the
# verify above wrote, so every sector read holds the pattern.
t_check "randrw --check with 20 KiB I/O (17 + 17 + 6 sectors per I/O)" \
	t_timeout 120 "$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w randrw \
	-o 20480 -q 4 -t 3 --size 8M --check --json
t_summary
