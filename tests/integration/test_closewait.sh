#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# "down,closewait" against real vblade: a program holding e1.1 open through the bdev API
# (tests/integration/progs/aoe_hold.c) reads until its target's vblade is paused; after
# deadsecs the read fails and the target is down, but as long as the descriptor stays open it
# is "down,closewait" (and the target is not re-probed even though vblade is answering
# discovery again, nor when an operator asks to revalidate it); once the program closes it,
# the target is plain "down" first, and rediscovery brings it up after that.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

HOLD=$(aoe_build_dir)/tests/integration/progs/aoe-hold
t_require_bins "$HOLD"
t_testbed_up cw --targets 1.1:16M || { t_summary; exit 1; }
t_dpdk_args closewait "$(t_af_packet)"
OUT=$(mktemp /tmp/aoeclosewait.XXXXXX)
t_cleanup_add rm -f "$OUT"

t_bg PID "$HOLD" -l 0 "${T_DPDK_ARGS[@]}" -- e1.1 4 >"$OUT" 2>&1
t_wait_until --pid "$PID" 10 grep -q "^opened:" "$OUT"
sleep 0.5
t_testbed cw pause 1.1 >/dev/null
t_wait_until --pid "$PID" 15 grep -q "^read failed:" "$OUT"
# Answering discovery again while the descriptor is held must not bring the target back, nor
# must a revalidation.
t_testbed cw resume 1.1 >/dev/null
t_wait_until --pid "$PID" 5 grep -q "^held:" "$OUT"
reval=$(t_telemetry "$T_DPDK_PREFIX" /aoe/revalidate,e1.1 2>&1)
wait "$PID"
t_check "aoe-hold ran to the end" test $? = 0
t_check "opened while up" grep -q "^opened: e1.1 up$" "$OUT"
t_check "the read failed with a timeout" grep -q "^read failed: Connection timed out$" "$OUT"
t_check "down,closewait while held" grep -q "^held: e1.1 down,closewait$" "$OUT"
t_check "still down,closewait after 4 s, vblade answering again" \
	grep -q "^still held: e1.1 down,closewait$" "$OUT"
t_check "revalidate refused while held" jq -e '.error | test("closewait")' <<<"$reval"
# The first state after the release: down, not straight back up (nor probing).
t_check "down once released" grep -q "^released: e1.1 down$" "$OUT"
t_check "not down,closewait once released" bash -c "! grep -q '^released: .*closewait' '$OUT'"
t_check "rediscovered after the release: up again" grep -q "^rediscovered: e1.1 up$" "$OUT"
echo "# $(tr '\n' ';' <"$OUT" | grep -o 'opened.*')"
t_summary
