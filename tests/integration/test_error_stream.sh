#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The error stream from a real stall: aoe-perf reads e1.1 of its own vblade test bed, the
# target's vblade is stopped (SIGSTOP) for 2 s and resumed. aoe-stat --follow and /aoe/events
# must show retransmissions naming e1.1, and the I/O must complete (exit 0) after SIGCONT.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

STAT=$(t_bin aoe-stat)
t_require_bins aoe-perf aoe-stat
t_testbed_up est || { t_summary; exit 1; }
t_dpdk_args perf "$(t_af_packet)"
PREFIX=$T_DPDK_PREFIX
OUT=$(mktemp -d /tmp/aoe-errstream.XXXXXX)
t_cleanup_add rm -rf "$OUT"

t_bg PERF "$(t_bin aoe-perf)" -l 0 "${T_DPDK_ARGS[@]}" -- -T e1.1 -w randread -o 4k -q 8 -t 8 \
	--deadsecs 30 >"$OUT/perf" 2>&1
e11_up() { "$STAT" --file-prefix "$PREFIX" | grep -q "e1.1.*up"; }
t_wait_until --pid "$PERF" 15 e11_up
t_bg FOLLOW "$STAT" --file-prefix "$PREFIX" --follow >"$OUT/follow" 2>&1
sleep 1
t_testbed est pause 1.1 >/dev/null
sleep 2
printf '/aoe/events,512\n' | python3 /usr/bin/dpdk-telemetry.py -f "$PREFIX" >"$OUT/events" 2>&1
t_testbed est resume 1.1 >/dev/null

wait "$PERF"
t_check "aoe-perf completes with exit 0 after SIGCONT" test $? -eq 0 ||
	cat "$OUT/perf"
# The writer is gone: --follow says so and stops by itself.
follow_gone() { ! aoe_proc_state "$FOLLOW"; }
t_wait_until 3 follow_gone
wait "$FOLLOW"
t_check "aoe-stat --follow exits 0 when aoe-perf exits" test $? -eq 0
t_check "--follow shows retransmit lines naming e1.1" grep -Eq \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+ retransmit e1\.1 oldtag=[0-9a-f]{8} newtag=[0-9a-f]{8} s=([0-9a-f]{2}:){5}[0-9a-f]{2} d=([0-9a-f]{2}:){5}[0-9a-f]{2} nout=[0-9]+$' \
	"$OUT/follow"
t_check "--follow ends with the exit notice" grep -Eq '^aoe-perf \(pid [0-9]+\) exited$' "$OUT/follow"
t_check "/aoe/events shows retransmits of e1.1" grep -q 'retransmit e1\.1 oldtag=' "$OUT/events"
t_summary
