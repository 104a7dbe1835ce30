#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpdk-aoe --nbd when things go wrong, over real vblade targets (the test bed): addresses that
# cannot be served (a socket another daemon listens on, a missing directory), a client that
# never finishes its handshake, hostile clients
# while a good one keeps working (helpers/nbd_hostile.py), 100 connections at once, a stalled
# client; a target paused (SIGSTOP of its vblade) while a client reads: errors within deadsecs,
# no hang, new connections refused saying the target is down, and a new connection works once
# it is back; a resized target shows its new size to new connections; SIGTERM while a client
# is busy.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/helpers/nbd_common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/helpers/nbd_common.sh"
t_require_root
t_require_bins dpdk-aoe

for p in nbdinfo fio; do
	command -v "$p" >/dev/null || { t_fail "$p is installed" "run scripts/setup.sh"; t_summary; exit 1; }
done

t_testbed_up nbdft --targets 1.1:64M,1.2:8M+512 || { t_summary; exit 1; }
IMG1=$(t_testbed_file nbdft 1.1)
IMG2=$(t_testbed_file nbdft 1.2)
nbd_daemon_start nbdft --deadsecs 3
nbd_tel() { t_telemetry "$NBD_PREFIX" "$@"; }

# A client that connects and never finishes its handshake: closed after 10 s (checked below).
IDLE=$NBD_DIR/idle.out
t_bg IDLE_PID "$NBD_PY" -c "import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); t0 = time.time(); s.settimeout(30)
try:
    while s.recv(4096):
        pass
    print(f'closed after {time.time() - t0:.0f} s')
except socket.timeout:
    print('still open after 30 s')" "$NBD_SOCK" >"$IDLE"

# ---- addresses that cannot be served -----------------------------------------------------------
t_dpdk_args nbdft2 net_null0
SECOND=(-l 0 "${T_DPDK_ARGS[@]}")
second() { t_timeout 60 "$(t_bin dpdk-aoe)" "${SECOND[@]}" -- --no-config --nbd "$1"; }
t_check_exit "a second daemon on the same socket exits 1" 1 second "unix:$NBD_SOCK"
t_check "... saying another server listens on it" grep -q "another server listens on it" <<<"$T_OUT"
t_check "... and the first one still serves" nbdinfo --size "$(nbd_uri e1.2)"
t_check_exit "a socket in a missing directory: dpdk-aoe exits 1" 1 second "unix:$NBD_DIR/no/such.sock"
t_check "... naming the address" grep -q "no/such.sock: No such file or directory" <<<"$T_OUT"

# ---- hostile clients ---------------------------------------------------------------------------
before=$(nbd_tel /aoe/nbd | jq .bad_input)
t_check "hostile clients get errors or lose their connection; the good one works" \
	t_timeout 120 "$NBD_PY" "$NBD_HELPERS/nbd_hostile.py" "$NBD_SOCK" e1.1 "$IMG1"
grep '^not ok' <<<"$T_OUT" | while read -r line; do t_fail "nbd_hostile.py: $line"; done
grep '^ok' <<<"$T_OUT" | sed 's/^/#   /'
after=$(nbd_tel /aoe/nbd | jq .bad_input)
t_check "bad input is counted ($before -> $after)" test "$after" -ge $((before + 10))
t_check "... and logged at a bounded rate" bash -c \
	"(( \$(grep -c 'refused' '$NBD_LOG') <= 40 ))"
no_conns() { [[ $(nbd_tel /aoe/nbd | jq .connections) == 0 ]]; }
t_check "every hostile connection is closed" t_wait_until 10 no_conns
t_check "... /aoe/nbd/connections is empty" jq -e '. == []' <<<"$(nbd_tel /aoe/nbd/connections)"
t_check "the daemon is alive" kill -0 "$NBD_PID"
t_check "no response frame is held once the hostile clients are gone ($(nbd_zcopy))" \
	t_wait_until 10 nbd_zcopy_idle

# ---- a target paused while a client reads --------------------------------------------------------
READER=$NBD_DIR/reader.out
cat >"$NBD_DIR/reader.py" <<'EOF'
import sys, time
import nbd
h = nbd.NBD()
h.connect_uri(sys.argv[1])
t0, n = time.time(), 0
try:
    while time.time() - t0 < 60:
        h.pread(65536, (n * 65536) % (32 << 20))
        n += 1
    print("no error in 60 s")
    sys.exit(0)
except nbd.Error as e:
    print(f"error after {time.time() - t0:.1f} s and {n} reads: {e}", flush=True)
# The server closes the connection once what was in flight is answered.
t1 = time.time()
while time.time() - t1 < 10 and not (h.aio_is_dead() or h.aio_is_closed()):
    try:
        h.pread(512, 0)
    except nbd.Error:
        time.sleep(0.2)
print("closed by the server" if h.aio_is_dead() or h.aio_is_closed() else "still open after 10 s")
EOF
t_bg RPID "$NBD_PY" "$NBD_DIR/reader.py" "$(nbd_uri e1.1)" >"$READER" 2>&1
sleep 1
t_testbed nbdft pause 1.1 >/dev/null
t_cleanup_add t_testbed nbdft resume 1.1
paused_at=$SECONDS
if t_wait_until 20 grep -q "error after" "$READER"; then
	t_pass "the reader gets an error $((SECONDS - paused_at)) s after the pause (deadsecs 3)"
else
	t_fail "the reader gets an error in time" "$(cat "$READER"; tail -n 5 "$NBD_LOG")"
fi
t_check "... EIO, not a hang" grep -q "Input/output error" "$READER"
t_check "... and the server closes the connection" t_wait_until 15 grep -q "closed by the server" "$READER"
t_check "the log says the connection's target went down" \
	grep -q "e1.1 went down; answering what is in flight" "$NBD_LOG"
t_check_fails "a new connection to e1.1 is refused while it is down" nbdinfo "$(nbd_uri e1.1)"
t_check "... saying the target is down" grep -q "export e1.1: the AoE target is down" "$NBD_LOG"
t_check "e1.2 stays served" nbdinfo --size "$(nbd_uri e1.2)"
t_check "the reads that failed with the target hold no frame ($(nbd_zcopy))" \
	t_wait_until 10 nbd_zcopy_idle
t_testbed nbdft resume 1.1 >/dev/null
t_check "once e1.1 is back up, a new connection reads it" t_wait_until 20 \
	"$NBD_PY" -c "import nbd; h = nbd.NBD(); h.connect_uri('$(nbd_uri e1.1)'); h.pread(4096, 0)"

t_check "a client that never finishes its handshake is closed after 10 s" t_wait_until 30 \
	grep -qE "closed after (9|10|11|12)" "$IDLE"
t_check "... and the log says why" grep -q "no handshake in 10 s" "$NBD_LOG"

# ---- resize --------------------------------------------------------------------------------------
truncate -s +1M "$IMG2"
t_testbed nbdft kill 1.2 >/dev/null
t_testbed nbdft start 1.2 >/dev/null
nbd_tel /aoe/revalidate,e1.2 >/dev/null
t_check "a resized target shows its new size (9437696) to a new connection" t_wait_until 15 \
	bash -c "[[ \$(nbdinfo --size '$(nbd_uri e1.2)') == 9437696 ]]"

# ---- SIGTERM while busy --------------------------------------------------------------------------
t_bg FIO fio --name=busy --ioengine=nbd --uri="$(nbd_uri e1.1)" --rw=randread --bs=64k \
	--iodepth=16 --time_based --runtime=30 --output="$NBD_DIR/fio.out" 2>/dev/null
sleep 2
rc=0
nbd_daemon_stop || rc=$?
t_check "SIGTERM with a busy client: dpdk-aoe exits 0, in $NBD_STOP_SECS s" test "$rc" -eq 0
t_check "... every request in flight was answered" \
	bash -c "! grep -q 'requests still in the engine at exit' '$NBD_LOG'"
t_check "... the socket is removed" test ! -e "$NBD_SOCK"
t_wait_until 10 bash -c "! kill -0 $FIO" || kill "$FIO"
wait "$FIO" 2>/dev/null
t_summary
