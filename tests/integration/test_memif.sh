#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The benchmark's link, checked for function (not speed): aoe-target with a ram disk on one
# side of a DPDK memif pair (server, lcore 1), aoe-perf on the other (client, lcore 0). A verify
# pass writes and reads back a region and checks every sector; a 2 s randread at QD 16 completes
# with no failed I/O, and the engine's counters show one response per request frame. Then the
# daemon: memif reports a 1500-byte MTU, so dpdk-aoe sizes frames for it (2 sectors) unless
# --mtu 9000 tells it the link's real one (8 sectors, what an aoe-target --sectors 8 offers).
#
# Each aoe-perf run gets a target of its own, stopped once its initiator has left: DPDK 22.11's
# memif PMD can crash (SIGSEGV in its RX routine) a process whose peer has just left, when that
# process's lcore is off its CPU at that moment (t_memif_client). So a target is never reused,
# nothing is read from it after its initiator went away, and no two targets share lcore 1.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

PERF=$(t_bin aoe-perf)
TARGET=$(t_bin aoe-target)
DAEMON=$(t_bin dpdk-aoe)
DIR=$(mktemp -d /tmp/aoe-memif-test.XXXXXX)
t_cleanup_add rm -rf -- "$DIR"
t_require_bins "$PERF" "$TARGET" "$DAEMON"

# target_up NAME [VDEV-ARGS [TARGET-OPTIONS...]]: a fresh aoe-target serving e5.2 on memif
# socket $DIR/NAME.sock; sets SOCK and TPID.
target_up() {
	local name=$1 vdev=${2:-}
	shift $(($# < 2 ? $# : 2))
	SOCK=$DIR/$name.sock
	t_dpdk_args "memif-tgt-$name" "net_memif0,role=server,socket=$SOCK$vdev"
	t_bg TPID "$TARGET" -l 1 "${T_DPDK_ARGS[@]}" -- --disk 5.2=ram:64M "$@" \
		>"$DIR/$name.log" 2>&1 </dev/null
	aoe_memif_listening "$TPID" "$SOCK" && return 0
	t_fail "aoe-target ($name) listens on memif $SOCK" "$(t_tail "$(cat "$DIR/$name.log")")"
	return 1
}

# target_down: stop the last target, its initiator gone.
target_down() { t_interrupt "$TPID"; }

# perf NAME AOE-PERF-OPTIONS...: aoe-perf against e5.2 over the target's link.
perf() {
	local name=$1
	shift
	t_dpdk_args "memif-ini-$name" "net_memif0,role=client,socket=$SOCK"
	t_memif_client 120 "$PERF" -l 0 "${T_DPDK_ARGS[@]}" -- -T e5.2 --json "$@"
}

json_ok() { # json_ok JSON: completed something, failed nothing
	jq -e '.io_completed > 0 and .io_failed == 0' <<<"$1" >/dev/null
}

if target_up verify &&
	t_check "verify 16 MiB in 64 KiB I/O at QD 16 over memif" \
		perf verify -w verify -o 64k -q 16 --size 16m; then
	json=$(grep '^{' <<<"$T_OUT")
	if json_ok "$json" && jq -e '.read_ios == 256 and .write_ios == 256' <<<"$json" >/dev/null
	then
		t_pass "verify wrote and checked 256 I/O each way, none failed"
	else
		t_fail "verify wrote and checked 256 I/O each way, none failed" "$json"
	fi
fi
target_down

if target_up randread &&
	t_check "randread 4 KiB QD 16 for 2 s over memif" perf randread -w randread -o 4k -q 16 -t 2
then
	json=$(grep '^{' <<<"$T_OUT")
	if json_ok "$json" && jq -e '.payload_bytes == 1024 and .seconds >= 2' <<<"$json" >/dev/null
	then
		t_pass "randread: io_failed 0, $(jq -r .io_completed <<<"$json") I/O, 1024 bytes/frame"
	else
		t_fail "randread: io_failed 0, 1024 bytes/frame" "$json"
	fi
	# 4 frames each way per 4 KiB I/O at 1024 bytes a frame; every one answered once.
	if jq -e '.frames_rx >= 4 * .read_ios' <<<"$json" >/dev/null; then
		t_pass "the target answered every frame ($(jq -r .frames_rx <<<"$json") frames)"
	else
		t_fail "the target answered every frame" "$json"
	fi
fi
target_down

# daemon_frames NAME WANT WHAT DPDK-AOE-OPTIONS...: dpdk-aoe --status --json over a fresh
# target that offers 8 sectors per frame on 8 KiB memif buffers; e5.2's "PAYLOAD OFFERED" (data
# bytes per frame, sectors per frame the target's config offers) must be WANT.
daemon_frames() {
	local name=$1 want=$2 what=$3 out got
	shift 3
	target_up "$name" ",bsize=8192" --sectors 8 || return
	t_dpdk_args "memif-daemon-$name" "net_memif0,role=client,socket=$SOCK,bsize=8192"
	out=$(t_memif_client 60 "$DAEMON" -l 0 "${T_DPDK_ARGS[@]}" -- --no-config --status --json \
		--discover-wait 3000 "$@" 2>&1)
	target_down
	got=$(sed -n '/^{/,$p' <<<"$out" | jq -r '.targets[] | select(.name == "e5.2") |
		"\(.payload) \(.sectors_per_frame)"' 2>/dev/null)
	if [[ $got == "$want" ]]; then
		t_pass "$what: $got"
	else
		t_fail "$what: want '$want', got '$got'" "$(t_tail "$out")"
	fi
}

daemon_frames mtu1500 "1024 8" \
	"dpdk-aoe over memif, no --mtu: 8 sectors offered, the port's 1500 bytes take 2"
daemon_frames mtu9000 "4096 8" "dpdk-aoe --mtu 9000 over memif: all 8 sectors, 4 KiB frames" \
	--mtu 9000
t_summary
