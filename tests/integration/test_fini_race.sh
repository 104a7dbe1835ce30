#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Telemetry commands racing aoe_fini(): dpdk-aoe (on a net_null port, no target needed) is
# stopped with SIGTERM while a client keeps asking /aoe/ commands as fast as the socket
# answers, twenty times over. Every stop must be clean (exit 0, no crash): a command either
# finishes before the engine is torn down or answers that no engine runs.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe

DIR=$(mktemp -d /tmp/aoefini.XXXXXX)
t_cleanup_add rm -rf "$DIR"
crashes=0
answered=0
for i in $(seq 20); do
	t_dpdk_args "fr-$i" "net_null0"
	t_bg pid "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- >"$DIR/daemon.log" 2>&1
	sock=$(aoe_dpdk_runtime_dir)/$T_DPDK_PREFIX/dpdk_telemetry.v2
	t_wait_until --pid "$pid" 15 test -S "$sock"
	python3 - "$sock" >"$DIR/client.out" 2>&1 <<'PY' &
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.recv(16384)
n = 0
end = time.monotonic() + 3
cmds = ["/aoe/list", "/aoe/stats,e1.1", "/aoe/lcore_stats,0", "/aoe/info,e1.1", "/aoe/events",
        "/aoe/iflist"]
try:
    while time.monotonic() < end:
        s.send(cmds[n % len(cmds)].encode())
        if not s.recv(65536):
            break
        n += 1
except OSError:
    pass
print(n)
PY
	client=$!
	sleep "0.$((RANDOM % 5 + 3))"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	wait "$client"
	n=$(tail -n 1 "$DIR/client.out" 2>/dev/null)
	[[ $n =~ ^[0-9]+$ ]] || { echo "# run $i: client: $(tail -n 2 "$DIR/client.out")"; n=0; }
	answered=$((answered + n))
	if ((rc != 0)); then
		crashes=$((crashes + 1))
		echo "# run $i: dpdk-aoe exit $rc: $(tail -n 3 "$DIR/daemon.log")"
	fi
done
echo "# $answered telemetry answers during 20 stops"
t_check "the client was answered while the daemons stopped" test "$answered" -gt 100
t_check "20 stops under telemetry load, all clean" test "$crashes" = 0
t_summary
