#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Access control against aoe-target, where vblade 25 falls short (docs/protocol.md): a MAC mask
# list of several MACs edited both ways and filled up (64), a masked initiator that still gets
# config answers but no ATA ones, a set-if-empty refused whatever the string, a reservation
# that refuses IDENTIFY too, and taking a reservation by force. Same segment as test_acl
# (lib.sh's t_segment): aoe-target on the target port, initiator A a dpdk-aoe
# daemon driven through telemetry, initiator B one-shot dpdk-aoe runs and aoe-perf.
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
TARGET=$(t_bin aoe-target)
t_require_bins dpdk-aoe aoe-perf "$TARGET"

N=aclt$$
DIR=$(mktemp -d /tmp/aoeaclt.XXXXXX)
t_cleanup_add rm -rf "$DIR"
MAC_A=02:00:00:00:aa:01
MAC_B=02:00:00:00:aa:02

t_segment "$N" 2 || { t_summary; exit 1; }
t_dpdk_args "$N-t" "$(t_af_packet "${N}T-t")"
ip netns exec "$N-ns" "$TARGET" -l 1 "${T_DPDK_ARGS[@]}" -- --disk 1.1=ram:16M \
	>"$DIR/target.log" 2>&1 &
t_cleanup_add kill $!
t_dpdk_args "$N-a" "$(t_af_packet "${N}1-h")"
EAL_A=(-l 0 "${T_DPDK_ARGS[@]}")
t_dpdk_args "$N-b" "$(t_af_packet "${N}2-h")"
EAL_B=(-l 0 "${T_DPDK_ARGS[@]}")
PREFIX_A=$(aoe_eal_prefix "$N-a")

"$(t_bin dpdk-aoe)" "${EAL_A[@]}" -- --no-config --deadsecs 30 >"$DIR/a.out" 2>"$DIR/a.err" &
t_cleanup_add kill $!
up() { grep -q ' e1.1 up ' "$DIR/a.out"; }
if ! aoe_wait 30 up; then
	t_fail "A sees e1.1 up" "$(tail -n 20 "$DIR/a.err") $(tail -n 5 "$DIR/target.log")"
	t_summary
	exit 1
fi
t_pass "A sees e1.1 up"

tel_check() {
	local out
	out=$(t_telemetry "$PREFIX_A" "$2" 2>&1)
	if jq -e "$3" <<<"$out" >/dev/null 2>&1; then
		t_pass "$1"
	else
		t_fail "$1" "$2 -> $out"
	fi
}
b() { t_timeout 30 "$(t_bin dpdk-aoe)" "${EAL_B[@]}" -- --no-config "$@"; }
b_perf() { t_perf 60 "${EAL_B[@]}" -- -T e1.1 -o 4k -q 4 --deadsecs 30 --size 1m "$@"; }

# --- config string: aoe-target refuses set-if-empty whatever is there; ours counts as done ---
tel_check "A sets the config string if empty" /aoe/config_string,e1.1,set,A \
	'.result == "ok" and .config == "A"'
tel_check "A's same set again (answered with error 4) is done" /aoe/config_string,e1.1,set,A \
	'.result == "ok" and .aoe_error == 4'
tel_check "another string is refused: present" /aoe/config_string,e1.1,set,B \
	'.errno == 17 and .config == "A"'

# --- mask list: several MACs, both ways ---
tel_check "A admits A and B" "/aoe/mask,e1.1,+$MAC_A,+$MAC_B" \
	".result == \"ok\" and .mask == [\"$MAC_A\", \"$MAC_B\"]"
tel_check "A takes B out" "/aoe/mask,e1.1,-$MAC_B" ".mask == [\"$MAC_A\"]"
# aoe-target answers a masked MAC's config (B finds e1.1) but not its ATA: B's IDENTIFY goes
# unanswered, and B reads the mask list to say why.
t_check_fails "B, masked out, does not get e1.1 up" b_perf -w read --discover-wait 5000
if grep -q "e1.1: .*its MAC mask list ($MAC_A) leaves out this initiator ($MAC_B): access denied" \
	<<<"$T_OUT"; then
	t_pass "B says its MAC is masked out"
else
	t_fail "B says its MAC is masked out" "$T_OUT"
fi
t_check "B reads the list itself" b --mask e1.1
grep -qx "e1.1 mask list: $MAC_A" <<<"$T_OUT" || t_fail "B is told the list" "$T_OUT"
# aoe-target keeps 64 MACs: A and 63 more fit, the 64th new one is refused as "list full".
# (A telemetry request holds about 50 edits: two of 32.)
half() { for ((i = $2; i < $2 + 32; i++)); do printf ',%s02:00:00:00:bb:%02x' "$1" "$i"; done; }
tel_check "A adds 32 MACs" "/aoe/mask,e1.1$(half + 1)" '.result == "ok" and (.mask | length) == 33'
tel_check "the 64th new MAC is refused: mask list full" "/aoe/mask,e1.1$(half + 33)" \
	'.mask_error == 3 and .errno == 28'
tel_check "A takes 32 out" "/aoe/mask,e1.1$(half - 1)" '.result == "ok"'
tel_check "A empties the list" "/aoe/mask,e1.1,-$MAC_A$(half - 33)" '.result == "ok" and .mask == []'
t_check "B's verify passes once unmasked" b_perf -w verify

# --- reservation: aoe-target refuses even IDENTIFY to others; force takes it ---
t_check "B takes the reservation by force" b --reserve e1.1 --force
grep -qx "e1.1 reserved for $MAC_B (this initiator)" <<<"$T_OUT" ||
	t_fail "B is told it holds it" "$T_OUT"
tel_check "A's reserve is refused, naming B" /aoe/reserve,e1.1 \
	".errno == 13 and .result == \"reserved by another initiator\" and .reserved == [\"$MAC_B\"]"
tel_check "A releases it by force" /aoe/release,e1.1,force '.result == "ok" and .reserved == []'
tel_check "A reserves it" /aoe/reserve,e1.1 ".reserved == [\"$MAC_A\"]"
t_check_fails "B cannot get e1.1 up: IDENTIFY refused" b_perf -w read --discover-wait 3000
grep -q "IDENTIFY failed (reserved by another initiator" <<<"$T_OUT" ||
	t_fail "B says IDENTIFY was refused as reserved" "$T_OUT"
tel_check "A releases it" /aoe/release,e1.1 '.result == "ok"'
t_summary
