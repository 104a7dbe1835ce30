#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A target that stops answering (testbed.sh pause: SIGSTOP to its vblade): aoe-perf with
# --deadsecs 3 fails its I/O and exits non-zero within a few seconds instead of hanging; a run
# against the paused target fails; after resume a new run succeeds. dpdk-aoe in daemon mode
# reports the target up, keeps running while it is paused and resumed (an idle daemon sends no
# I/O, so it has nothing that could time out: "down" in one process needs I/O in that process,
# which only aoe-perf does) and while aoe-perf runs beside it on the same port.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-perf

t_testbed_up dds --targets 1.1:64M,1.2:8M || { t_summary; exit 1; }
t_dpdk_args dds "$(t_af_packet)"
E=(-l 0 "${T_DPDK_ARGS[@]}")
t_dpdk_args ddsd "$(t_af_packet)"
ED=(-l 0 "${T_DPDK_ARGS[@]}")
TMP=$(mktemp -d /tmp/it-dead.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"
# Never leave a vblade stopped, whatever happens.
t_cleanup_add t_testbed dds resume 1.1


# ---- the daemon, up for the whole test -----------------------------------------------------------
t_bg DPID timeout --preserve-status 120 "$(t_bin dpdk-aoe)" "${ED[@]}" -- --deadsecs 3 \
	--discover-interval 1 >"$TMP/d.out" 2>"$TMP/d.err"
t_check "daemon: e1.1 up" t_wait_line 15 '^[0-9T:+-]+ e1\.1 up 0\.067GB net_af_packet0 payload 1024$' "$TMP/d.out"
t_check "daemon: e1.2 up" t_wait_line 5 '^[0-9T:+-]+ e1\.2 up ' "$TMP/d.out"

# ---- a target that stops answering mid-run --------------------------------------------------------
t_bg PPID_ t_perf 60 "${E[@]}" -- -T e1.1 -w randread -o 4k -q 8 -t 30 --deadsecs 3 >"$TMP/p1.out" \
	2>"$TMP/p1.err"
t_check "aoe-perf is running I/O" t_wait_line 10 'e1\.1 up' "$TMP/p1.err"
sleep 1
t_testbed dds pause 1.1 >/dev/null
t0=$SECONDS
wait "$PPID_"
rc=$?
dt=$((SECONDS - t0))
t_check "aoe-perf exits non-zero when e1.1 stops answering (exit $rc)" test "$rc" = 1
t_check "... after 3-8 s, not at once and not at -t 30 (took ${dt} s)" test "$dt" -ge 2 -a "$dt" -le 8
t_check "... reporting failed I/O: Connection timed out" \
	grep -Eq '^job 0 \(lcore 0\): [0-9]+ failed I/O; the first: read of 4096 bytes at offset [0-9]+: Connection timed out' \
	"$TMP/p1.err"
# The 8 I/O in flight (-q 8) when e1.1 stopped all fail.
failed=$(sed -n 's/.*io_failed \([0-9]*\).*/\1/p' "$TMP/p1.out")
t_check "... and a report with io_failed >= 8, the I/O in flight (${failed:-none})" \
	test "${failed:-0}" -ge 8

# ---- while it is paused -----------------------------------------------------------------------------
t_check_fails "a new run against the paused target fails" \
	t_perf 30 "${E[@]}" -- -T e1.1 -w read -o 4k -q 1 --size 4k --deadsecs 3 --discover-wait 2000
t_check "... saying it was not found" grep -q 'target e1.1 not found after 2000 ms' <<<"$T_OUT"
t_check "the other target still works meanwhile" \
	t_perf 30 "${E[@]}" -- -T e1.2 -w verify -o 4k -q 4 --size 256k --deadsecs 3
sleep 2
t_check "daemon still running with e1.1 paused" aoe_proc_state "$DPID"

# ---- it comes back -------------------------------------------------------------------------------
t_testbed dds resume 1.1 >/dev/null
t_check "after resume a new run succeeds" \
	t_perf 30 "${E[@]}" -- -T e1.1 -w verify -o 4k -q 8 --size 1m --deadsecs 3
t_check "... and a timed one" t_perf 30 "${E[@]}" -- -T e1.1 -w randread -o 4k -q 8 -t 2 --deadsecs 3
t_check "daemon still running" aoe_proc_state "$DPID"
kill -TERM "$DPID" 2>/dev/null
wait "$DPID"
t_check "daemon exits 0 on SIGTERM" test $? = 0
# What the daemon said about e1.1 over the whole test: it had no I/O of its own to e1.1, so
# it is not expected to have seen it go down (see the docs); say what it printed.
echo "# daemon lines for e1.1: $(grep -c ' e1\.1 ' "$TMP/d.out"): $(grep ' e1\.1 ' "$TMP/d.out" | cut -d' ' -f2- | tr '\n' ';')"
t_check "daemon: e1.1 up first, and every down it printed was followed by up again" \
	bash -c "grep ' e1\.1 ' '$TMP/d.out' | awk '{ s = \$3 } NR == 1 && s != \"up\" { exit 1 } END { exit s != \"up\" }'"

t_summary
