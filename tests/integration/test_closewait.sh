#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# "down,closewait" against real vblade: a program holding e1.1 open through the bdev API
# (tests/integration/progs/aoe_hold.c) reads until its target's vblade is paused; after
# deadsecs the read fails and the target is down, but as long as the descriptor stays open it
# is "down,closewait" (and the target is not re-probed even though vblade is answering
# discovery again, nor when an operator asks to revalidate it); once the program closes it,
# the target is plain "down".
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

HOLD=$(aoe_build_dir)/tests/integration/progs/aoe-hold
t_check "aoe-hold is built" test -x "$HOLD"
t_testbed_up closewait --targets 1.1:16M || { t_summary; exit 1; }
t_dpdk_args closewait "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1"
OUT=$(mktemp /tmp/aoeclosewait.XXXXXX)
t_cleanup_add rm -f "$OUT"

"$HOLD" -l 0 "${T_DPDK_ARGS[@]}" -- e1.1 4 >"$OUT" 2>&1 &
PID=$!
t_cleanup_add kill "$PID"
for _ in $(seq 100); do
	grep -q "^opened:" "$OUT" && break
	sleep 0.1
done
sleep 0.5
"$T_TESTBED" pause 1.1 --name closewait
for _ in $(seq 150); do
	grep -q "^read failed:" "$OUT" && break
	sleep 0.1
done
# Answering discovery again while the descriptor is held must not bring the target back, nor
# must a revalidation.
"$T_TESTBED" resume 1.1 --name closewait
for _ in $(seq 50); do
	grep -q "^held:" "$OUT" && break
	sleep 0.1
done
reval=$(t_telemetry "$(aoe_eal_prefix closewait)" /aoe/revalidate,e1.1 2>&1)
wait "$PID"
rc=$?
[[ $rc -eq 0 ]] && t_pass "aoe-hold ran to the end" || t_fail "aoe-hold ran to the end" "exit $rc"
t_check "opened while up" grep -q "^opened: e1.1 up$" "$OUT"
t_check "the read failed with a timeout" grep -q "^read failed: Connection timed out$" "$OUT"
t_check "down,closewait while held" grep -q "^held: e1.1 down,closewait$" "$OUT"
t_check "still down,closewait after 4 s, vblade answering again" \
	grep -q "^still held: e1.1 down,closewait$" "$OUT"
t_check "revalidate refused while held" jq -e '.error | test("closewait")' <<<"$reval"
t_check "down once released" grep -q "^released: e1.1 \(down\|probing\|up\)$" "$OUT"
t_check "not down,closewait once released" bash -c "! grep -q '^released: .*closewait' '$OUT'"
echo "# $(tr '\n' ';' <"$OUT" | grep -o 'opened.*')"
t_summary
