#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Local congestion is not network loss. One polling lcore drives 100 targets at once
# (tests/integration/progs/aoe-many: every target's every slot writes a block and reads it
# back checked) from a mempool too small for all their windows, over a memif link to one
# aoe-target serving the 100 ram disks. Frames that cannot get an mbuf or a place in the TX
# queue must wait and go out later, not count as lost: no I/O fails, no data is wrong, and the
# retransmissions beyond what the target really dropped (its tx_full counter) are fewer than
# the frames held back, while the initiator's counters show that the congestion happened.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

MANY=$(aoe_build_dir)/tests/integration/progs/aoe-many
t_require_bins aoe-target "$MANY"
DIR=$(mktemp -d /tmp/aoecong.XXXXXX)
t_cleanup_add rm -rf "$DIR"
SOCK=$DIR/memif.sock

disks=()
for ((i = 1; i <= 100; i++)); do
	disks+=(--disk "7.$i=ram:1M")
done
t_dpdk_args cong-t "net_memif0,role=server,socket=$SOCK"
t_bg TPID "$(t_bin aoe-target)" -l 1 "${T_DPDK_ARGS[@]}" -- "${disks[@]}" >"$DIR/target.log" 2>&1
aoe_memif_listening "$TPID" "$SOCK" ||
	t_fail "aoe-target listens on memif $SOCK" "$(t_tail "$(cat "$DIR/target.log")")"

t_dpdk_args cong "net_memif0,role=client,socket=$SOCK"
# --linger keeps the link up after the result, so the target stops first and prints its own
# counters (22.11's memif may crash a process whose peer just left).
t_bg MPID "$MANY" -l 0 "${T_DPDK_ARGS[@]}" -- --mbufs 1024 --deadsecs 20 --linger 6 8 8192 7 1 \
	100 >"$DIR/many.out" 2>"$DIR/many.err"
t_wait_until --pid "$MPID" 120 grep -q '^{' "$DIR/many.out"
result=$(grep '^{' "$DIR/many.out" | tail -n 1)
[[ -n $result ]] || echo "# aoe-many: $(grep -v "^EAL" "$DIR/many.err" | tail -n 5)"
t_check "aoe-many: 100 targets x 8 slots of 8 KiB on one lcore, 1024 mbufs, 6 s" \
	test -n "$result"
echo "# $result"
t_interrupt "$TPID"
kill -TERM "$MPID" 2>/dev/null
wait "$MPID" 2>/dev/null
dropped=$(sed -n 's/^ *tx_full *//p' "$DIR/target.log")
echo "# aoe-target tx_full: ${dropped:-?}"

rcheck() {
	# Without the target's own count of drops nothing can be said: that is a failure too.
	if [[ -n $result && -n $dropped ]] &&
		jq -e -n --argjson r "$result" --argjson d "$dropped" "$2" \
		>/dev/null 2>&1; then
		t_pass "$1"
	else
		t_fail "$1" "$result (target dropped ${dropped:-?})"
	fi
}
rcheck "the run did I/O on all 100 targets" '$r.targets == 100 and $r.ios > 1000'
rcheck "congestion happened: mbufs or the TX queue ran out" \
	'$r.tx_deferred > 0'
rcheck "no I/O failed, no data wrong" '$r.failed == 0 and $r.mismatched == 0'
# Every frame the old engine dropped locally came back as a retransmission after a timeout;
# here the retransmissions not explained by the target's drops (a loaded host delays answers
# past the timeout now and then) must be fewer than the frames held back.
rcheck "frames held back locally were not retransmitted as losses" \
	'$r.retransmits - $d < $r.tx_dropped + $r.mbuf_alloc_failed + $r.tx_deferred'
rcheck "no I/O waited for deadsecs" '$r.timeouts == 0'
t_summary
