#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpdk-aoe --nbd against real NBD clients, over real vblade targets (the test bed): nbdinfo,
# nbdsh with libnbd in strict mode over every command and flag (helpers/nbd_strict.py), qemu-img convert
# and compare, qemu-io, nbdcopy with 4 connections, fio's nbd engine with verify, and a real
# filesystem (nbdfuse, mkfs.ext4, a loop mount, e2fsck and the files read back from the target's
# own backing file). Then the TCP listener, telemetry, the log, and SIGTERM.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/helpers/nbd_common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/helpers/nbd_common.sh"
t_require_root
t_require_bins dpdk-aoe

for p in nbdinfo nbdsh nbdcopy nbdfuse qemu-img qemu-io fio mkfs.ext4 e2fsck debugfs; do
	command -v "$p" >/dev/null || { t_fail "$p is installed" "run scripts/setup.sh"; t_summary; exit 1; }
done
"$NBD_PY" -c 'import nbd' 2>/dev/null ||
	{ t_fail "python3-libnbd is installed" "run scripts/setup.sh"; t_summary; exit 1; }

t_testbed_up nbdcl --targets 1.1:64M,1.2:8M+512 || { t_summary; exit 1; }
IMG1=$(t_testbed_file nbdcl 1.1)
IMG2=$(t_testbed_file nbdcl 1.2)
PORT=$("$NBD_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Two lcores: connections are spread over both (nbdcopy's four, fio's, ...).
NBD_LCORES=0,1 nbd_daemon_start nbdcl --nbd "tcp:127.0.0.1:$PORT"
U1=$(nbd_uri e1.1)
W=$NBD_DIR

# ---- listing -----------------------------------------------------------------------------------
t_check "the Unix socket has mode 0660" test "$(stat -c %a "$NBD_SOCK")" = 660
list=$(nbdinfo --list --json "$(nbd_uri "")")
t_check "nbdinfo --list: e1.1 64 MiB and e1.2 8 MiB + 512, exact" jq -e \
	'[.exports[] | {(."export-name"): ."export-size"}] | add == {"e1.1": 67108864, "e1.2": 8389120}' \
	<<<"$list"
info=$(nbdinfo --json "$U1")
t_check "nbdinfo --json: block sizes, flags, base:allocation" jq -e '.exports[0] |
	."block_size_minimum" == 512 and ."block_size_preferred" == 4096 and
	."block_size_maximum" >= 33554432 and .can_flush and .can_fua and .can_zero and
	.can_multi_conn and .can_cache and (.can_trim | not) and (.is_read_only | not) and
	(.contexts | index("base:allocation") != null)' <<<"$info"
t_check_fails "the empty name is refused with two exports" nbdinfo "$(nbd_uri "")"
t_check "... with a message that lists them (logged, and sent: nbdinfo does not show it)" \
	grep -q "needs exactly one export; exports: e1.1 e1.2" "$NBD_LOG"
t_check_fails "an unknown export is refused" nbdinfo "$(nbd_uri e7.7)"
t_check "... naming the exports" grep -q "no export named 'e7.7'; exports: e1.1 e1.2" "$NBD_LOG"

# ---- every command and flag, strict ------------------------------------------------------------
t_check "nbdsh, libnbd strict mode: every command and flag, and the server's refusals" \
	nbd_sh nbd_strict.py "$U1" "$IMG1"
[[ $T_OUT == *"not ok"* ]] && t_fail "nbd_strict.py details" "$(grep 'not ok' <<<"$T_OUT")"

# FUA: the reply waits for a FLUSH CACHE, which the engine counts as one more I/O.
ios() { t_telemetry "$NBD_PREFIX" /aoe/stats,e1.1 | jq .ios_completed; }
write4k() {
	"$NBD_PY" -c "import nbd, sys; h = nbd.NBD(); h.connect_uri(sys.argv[1]);
h.pwrite(bytes(4096), 0, int(sys.argv[2])); h.shutdown()" "$U1" "$1"
}
a=$(ios); write4k 0; b=$(ios); write4k 1; c=$(ios)
t_check "a plain WRITE is one I/O, a FUA WRITE two (the write, then a FLUSH CACHE)" \
	test "$((b - a)) $((c - b))" = "1 2"

# ---- qemu-img, qemu-io, nbdcopy ----------------------------------------------------------------
head -c 8389120 /dev/urandom >"$W/src.img"
t_check "qemu-img convert writes e1.2 whole (8 MiB + 512)" t_timeout 60 qemu-img convert -n \
	-f raw -O raw "$W/src.img" "$(nbd_uri e1.2)"
t_check "qemu-img compare: the export holds it" t_timeout 60 qemu-img compare -s -f raw \
	-F raw "$W/src.img" "$(nbd_uri e1.2)"
t_check "the backing file holds it" cmp "$W/src.img" "$IMG2"
t_check "qemu-io writes and reads back a pattern" t_timeout 60 qemu-io -f raw \
	-c "write -P 0xa5 17M 1M" -c "read -P 0xa5 17M 1M" -c "write -z 18M 64k" \
	-c "read -P 0 18M 64k" "$U1"
t_check "nbdcopy --connections=4 copies the whole export" t_timeout 60 nbdcopy \
	--connections=4 "$U1" "$W/copy.img"
t_check "... identical to the backing file" cmp "$W/copy.img" "$IMG1"

# ---- fio ---------------------------------------------------------------------------------------
t_check "fio ioengine=nbd: 4 KiB random writes, QD 16, verified" t_timeout 120 fio \
	--name=v --ioengine=nbd --uri="$U1" --rw=randwrite --bs=4k --iodepth=16 --size=16m \
	--offset=32m --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
	--output="$W/fio.out"
grep -q "err= 0" "$W/fio.out" || t_fail "fio reports no error" "$(cat "$W/fio.out")"

# ---- a filesystem ------------------------------------------------------------------------------
mkdir -p "$W/fuse" "$W/mnt"
t_bg FUSE nbdfuse "$W/fuse/disk" "$U1"
t_cleanup_add umount -l "$W/mnt"
t_cleanup_add fusermount3 -u "$W/fuse"
if t_wait_until 10 test -s "$W/fuse/disk"; then
	t_pass "nbdfuse shows the export as a file"
else
	t_fail "nbdfuse shows the export as a file"
fi
for i in 1 2 3; do head -c $((i * 3))M /dev/urandom >"$W/file$i"; done
t_check "mkfs.ext4 on the export" mkfs.ext4 -q -F "$W/fuse/disk"
t_check "loop mount, three files written, unmount" bash -c "
	mount -o loop '$W/fuse/disk' '$W/mnt' && cp '$W'/file? '$W/mnt/' && sync &&
	umount '$W/mnt'"
# The loop device lets go of the file a moment after umount returns: retry the FUSE unmount.
t_wait_until 15 fusermount3 -u "$W/fuse" || t_fail "nbdfuse is unmounted" "$(grep fuse /proc/mounts)"
# nbdfuse leaves once unmounted (1.14 was seen not to): stopped by its PID after 5 s.
t_wait_until 5 bash -c "! kill -0 $FUSE" || kill "$FUSE"
wait "$FUSE" 2>/dev/null
t_check "e2fsck on the target's own backing file finds it clean" e2fsck -fn "$IMG1"
for i in 1 2 3; do
	debugfs -R "dump /file$i $W/back$i" "$IMG1" >/dev/null 2>&1
	t_check "file$i read back from the backing file is intact" cmp "$W/file$i" "$W/back$i"
done

# ---- TCP, telemetry, log -----------------------------------------------------------------------
t_check "connections were served by both lcores" \
	bash -c "grep -q 'opened (lcore 0)' '$NBD_LOG' && grep -q 'opened (lcore 1)' '$NBD_LOG'"
t_check "TCP on 127.0.0.1: e1.2 is 8389120 bytes" bash -c \
	"[[ \$(nbdinfo --size nbd://127.0.0.1:$PORT/e1.2) == 8389120 ]]"
t_check "telemetry: /aoe/nbd/exports lists e1.1 and e1.2" jq -e '. == ["e1.1", "e1.2"]' \
	<<<"$(t_telemetry "$NBD_PREFIX" /aoe/nbd/exports)"
ex=$(t_telemetry "$NBD_PREFIX" /aoe/nbd/export,e1.1)
t_check "telemetry: e1.1 counts requests and bytes, nothing in flight" jq -e \
	'.requests > 100 and .read_bytes > 67108864 and
	 .write_bytes > 16777216 and .errors >= 9 and .in_flight == 0 and .open == 0' <<<"$ex" ||
	echo "# $ex"
# READs are zero-copy: sent from the response frames (64 of them for qemu-io's 1 MiB reads,
# nbdcopy's 256 KiB ones), which every connection, closed now, gave back.
zc=$(nbd_zcopy)
t_check "the READs were zero-copy reads, and no frame is held after them ($zc)" \
	nbd_zcopy_is '.reads > 1000 and .held == 0'
tot=$(t_telemetry "$NBD_PREFIX" /aoe/nbd)
t_check "telemetry: /aoe/nbd counts connections and refusals" jq -e \
	'.connections_total > 10 and .bad_input > 0 and .listeners == 2' <<<"$tot"
t_check "aoe-stat -v shows the NBD totals and e1.1's counters" bash -c "
	out=\$('$(t_bin aoe-stat)' --file-prefix '$NBD_PREFIX' -v) &&
	grep -q 'nbd: listeners 2 connections 0 connections_total' <<<\"\$out\" &&
	grep -qE 'nbd e1.1: connections [0-9]+ open 0 requests [1-9]' <<<\"\$out\""
t_check "the log has each connection's open and close" bash -c \
	"grep -qE 'connection 1 from unix pid [0-9]+ uid 0 opened' '$NBD_LOG' && grep -qE 'connection 1 from unix pid [0-9]+ uid 0 closed' '$NBD_LOG'"

# ---- SIGTERM -----------------------------------------------------------------------------------
rc=0
nbd_daemon_stop || rc=$?
t_check "dpdk-aoe exits 0 on SIGTERM, in $NBD_STOP_SECS s" test "$rc" -eq 0
t_check "... and removes its socket" test ! -e "$NBD_SOCK"
t_summary
