#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The benchmark's link, checked for function (not speed): aoe-target with a ram disk on one
# side of a DPDK memif pair (server, lcore 1), aoe-perf on the other (client, lcore 0). A verify
# pass writes and reads back a region and checks every sector; a 2 s randread at QD 16 completes
# with no failed I/O; the target's own counters show the frames went through it.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

PERF=$(t_bin aoe-perf)
TARGET=$(t_bin aoe-target)
SOCK=/tmp/aoe-memif-test-$$.sock
TLOG=$(mktemp /tmp/aoe-memif-test.XXXXXX)
t_cleanup_add rm -f -- "$TLOG" "$SOCK"
for b in "$PERF" "$TARGET"; do
	if [[ ! -x $b ]]; then
		t_fail "binaries built" "$b not found (AOE_BUILD_DIR=$(aoe_build_dir))"
		t_summary
		exit 1
	fi
done

t_dpdk_args memif-tgt "net_memif0,role=server,socket=$SOCK"
TGT_ARGS=("${T_DPDK_ARGS[@]}")
t_dpdk_args memif-ini "net_memif0,role=client,socket=$SOCK"
INI_ARGS=("${T_DPDK_ARGS[@]}")

"$TARGET" -l 1 "${TGT_ARGS[@]}" -- --disk 5.2=ram:64M >"$TLOG" 2>&1 </dev/null &
TGT=$!
# Newest cleanup runs first: stop the target before its prefix's files are removed.
t_cleanup_add kill -KILL "$TGT"
t_cleanup_add kill -TERM "$TGT"

# memif's listening socket is abstract by default (no file): look for it in /proc/net/unix.
up=0
for _ in $(seq 100); do
	aoe_proc_state "$TGT" >/dev/null || break
	if grep -qF " @$SOCK" /proc/net/unix; then up=1; break; fi
	sleep 0.1
done
if ((up)); then
	t_pass "aoe-target listens on memif $SOCK"
else
	t_fail "aoe-target listens on memif $SOCK" "$(t_tail "$(cat "$TLOG")")"
	t_summary
	exit 1
fi

json_ok() { # json_ok JSON: completed something, failed nothing
	jq -e '.io_completed > 0 and .io_failed == 0' <<<"$1" >/dev/null
}

if t_check "verify 16 MiB in 64 KiB I/O at QD 16 over memif" \
	t_timeout 120 "$PERF" -l 0 "${INI_ARGS[@]}" -- -T e5.2 -w verify -o 64k -q 16 \
	--size 16m --json; then
	json=$(grep '^{' <<<"$T_OUT")
	if json_ok "$json" && jq -e '.read_ios == 256 and .write_ios == 256' <<<"$json" >/dev/null
	then
		t_pass "verify wrote and checked 256 I/O each way, none failed"
	else
		t_fail "verify wrote and checked 256 I/O each way, none failed" "$json"
	fi
fi

if t_check "randread 4 KiB QD 16 for 2 s over memif" \
	t_timeout 120 "$PERF" -l 0 "${INI_ARGS[@]}" -- -T e5.2 -w randread -o 4k -q 16 -t 2 --json
then
	json=$(grep '^{' <<<"$T_OUT")
	if json_ok "$json" && jq -e '.payload_bytes == 1024 and .seconds >= 2' <<<"$json" >/dev/null
	then
		t_pass "randread: io_failed 0, $(jq -r .io_completed <<<"$json") I/O, 1024 bytes/frame"
	else
		t_fail "randread: io_failed 0, 1024 bytes/frame" "$json"
	fi
	READS=$(jq -r .read_ios <<<"$json")
fi

# The target saw the traffic: at least the randread's 4 frames per I/O (plus the verify's).
kill -INT "$TGT"
for _ in $(seq 100); do aoe_proc_state "$TGT" >/dev/null || break; sleep 0.1; done
wait "$TGT" 2>/dev/null
ata_read=$(awk '$1 == "ata_read" { print $2 }' "$TLOG")
if [[ -n ${READS:-} && -n $ata_read ]] && ((ata_read >= 4 * READS + 256 * 16)); then
	t_pass "aoe-target answered $ata_read ATA reads (>= 4 x $READS + 4096)"
else
	t_fail "aoe-target answered the reads" "ata_read '${ata_read:-}', reads '${READS:-}'"$'\n'"$(t_tail "$(cat "$TLOG")")"
fi

t_summary
