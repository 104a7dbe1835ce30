#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Access control on a shared SAN against vblade: two initiators on one segment (two veths into a
# flooding bridge, lib.sh's t_segment), vblade e1.1 on a third port. Initiator A is
# a dpdk-aoe daemon driven through telemetry (/aoe/config_string, /aoe/mask, /aoe/reserve,
# /aoe/release); initiator B runs dpdk-aoe's one-shot actions and aoe-perf.
#
#   config string: A reads it empty and sets it if empty; B's set-if-empty is refused with
#                  AoE error 4 and shows A's string; A's same set again is done; B's tests
#   reservation:   A reserves; B's I/O fails at once (far below deadsecs) as "reserved by
#                  another initiator", in aoe-perf and through B's NBD export (EPERM); B's
#                  reserve is refused naming A; A releases, B works
#   mask list:     A's list holding only A leaves B out: B does not find e1.1 and says its
#                  mask list may leave B out; with the list empty again B works
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-perf

N=acl$$
DIR=$(mktemp -d /tmp/aoeacl.XXXXXX)
t_cleanup_add rm -rf "$DIR"
MAC_A=02:00:00:00:aa:01
MAC_B=02:00:00:00:aa:02
DEADSECS=30

t_segment "$N" 2 || { t_summary; exit 1; }
truncate -s 16M "$DIR/disk.img"
vblade_start() {
	ip netns exec "$N-ns" vblade 1 1 "${N}T-t" "$DIR/disk.img" >>"$DIR/vblade.log" 2>&1 &
	VBLADE=$!
	t_cleanup_add kill "$VBLADE"
}
vblade_start

t_dpdk_args "$N-a" "$(t_af_packet "${N}1-h")"
EAL_A=(-l 0 "${T_DPDK_ARGS[@]}")
t_dpdk_args "$N-b" "$(t_af_packet "${N}2-h")"
EAL_B=(-l 0 "${T_DPDK_ARGS[@]}")
PREFIX_A=$(aoe_eal_prefix "$N-a")

"$(t_bin dpdk-aoe)" "${EAL_A[@]}" -- --no-config --deadsecs "$DEADSECS" >"$DIR/a.out" 2>"$DIR/a.err" &
DAEMON=$!
t_cleanup_add kill "$DAEMON"
up() { grep -q ' e1.1 up ' "$DIR/a.out"; }
if ! aoe_wait 20 up; then
	t_fail "A sees e1.1 up" "$(tail -n 20 "$DIR/a.err")"
	t_summary
	exit 1
fi
t_pass "A sees e1.1 up"

# tel CMD: one telemetry answer of daemon A, as JSON.
tel() { t_telemetry "$PREFIX_A" "$1"; }
# tel_check NAME CMD JQ: the answer to CMD satisfies the jq expression JQ.
tel_check() {
	local out
	out=$(tel "$2" 2>&1)
	if jq -e "$3" <<<"$out" >/dev/null 2>&1; then
		t_pass "$1"
	else
		t_fail "$1" "$2 -> $out"
	fi
}
# b ARGS...: a one-shot dpdk-aoe action of initiator B.
b() { t_timeout 30 "$(t_bin dpdk-aoe)" "${EAL_B[@]}" -- --no-config "$@"; }
# b_perf ARGS...: aoe-perf on initiator B.
b_perf() { t_perf 60 "${EAL_B[@]}" -- -T e1.1 -o 4k -q 4 --deadsecs "$DEADSECS" --size 1m "$@"; }

# --- config string (aoecfg's commands) ---
tel_check "A reads the empty config string" /aoe/config_string,e1.1 \
	'.result == "ok" and .config == "" and .paths == 1 and .answered == 1'
tel_check "A sets it if empty" /aoe/config_string,e1.1,set,owner=A \
	'.result == "ok" and .config == "owner=A"'
t_check_fails "B's set-if-empty is refused" b --config-string e1.1 --set owner=B
if grep -q 'config string not set: one is present, "owner=A"' <<<"$T_OUT"; then
	t_pass "B is told which string is present (AoE error 4)"
else
	t_fail "B is told which string is present (AoE error 4)" "$T_OUT"
fi
tel_check "A's same set again is done (idempotent)" /aoe/config_string,e1.1,set,owner=A \
	'.result == "ok"'
t_check "B's test-prefix matches" b --config-string e1.1 --test-prefix owner=
t_check_fails "B's exact test of another string does not" b --config-string e1.1 --test owner=B
grep -q 'config string is not "owner=B"' <<<"$T_OUT" ||
	t_fail "the failed test says so" "$T_OUT"

# --- reservation ---
tel_check "A reserves e1.1 for its MAC" /aoe/reserve,e1.1 \
	".result == \"ok\" and .reserved == [\"$MAC_A\"]"
start=$(date +%s%N)
t_check_fails "B's I/O is refused" b_perf -w read -t 20
ms=$((($(date +%s%N) - start) / 1000000))
if grep -q "reserved by another initiator" <<<"$T_OUT"; then
	t_pass "B's I/O fails as reserved by another initiator"
else
	t_fail "B's I/O fails as reserved by another initiator" "$T_OUT"
fi
# EAL start and discovery included; a retry until deadsecs would take 30 s.
if ((ms < 10000)); then
	t_pass "B's I/O fails at once ($ms ms, deadsecs ${DEADSECS} s)"
else
	t_fail "B's I/O fails at once" "$ms ms"
fi
# B's NBD export of e1.1 answers a read with NBD_EPERM (its message, "e1.1: reserved by another
# initiator", is not shown by nbdcopy), and B's log says why.
t_dpdk_args "$N-bn" "$(t_af_packet "${N}2-h")"
EAL_BN=(-l 0 "${T_DPDK_ARGS[@]}")
"$(t_bin dpdk-aoe)" "${EAL_BN[@]}" -- --no-config --nbd "unix:$DIR/b.sock" >"$DIR/bn.out" 2>"$DIR/bn.err" &
BN=$!
t_cleanup_add kill "$BN"
bn_up() { grep -q ' e1.1 up ' "$DIR/bn.out" && [[ -S $DIR/b.sock ]]; }
if aoe_wait 20 bn_up; then
	t_check_fails "a read through B's NBD export is refused" \
		t_timeout 20 nbdcopy "nbd+unix:///e1.1?socket=$DIR/b.sock" /dev/null
	if grep -q "Operation not permitted" <<<"$T_OUT" &&
		grep -q "e1.1@.*: reserved by another initiator" "$DIR/bn.err"; then
		t_pass "... as EPERM, the daemon saying reserved by another initiator"
	else
		t_fail "... as EPERM, the daemon saying reserved by another initiator" \
			"$T_OUT $(tail -n 5 "$DIR/bn.err")"
	fi
else
	t_fail "B's NBD daemon sees e1.1 up" "$(tail -n 10 "$DIR/bn.err")"
fi
kill "$BN"
wait "$BN" 2>/dev/null
t_check_fails "B's reserve is refused" b --reserve e1.1
grep -q "reserve refused: reserved by another initiator ($MAC_A)" <<<"$T_OUT" ||
	t_fail "B's refusal names A's MAC" "$T_OUT"
t_check "B reads who holds it" b --reservation e1.1
grep -qx "e1.1 reserved for $MAC_A" <<<"$T_OUT" || t_fail "B is told A holds it" "$T_OUT"
t_check_fails "B cannot release A's reservation" b --release e1.1
tel_check "A releases e1.1" /aoe/release,e1.1 '.result == "ok" and .reserved == []'
t_check "B's verify passes once released" b_perf -w verify

# --- MAC mask list ---
tel_check "A's mask list holds only A" "/aoe/mask,e1.1,+$MAC_A" \
	".result == \"ok\" and .mask == [\"$MAC_A\"]"
t_check_fails "B, masked out, does not find e1.1" b --mask e1.1 --discover-wait 1000
if grep -q "target e1.1 not found.*mask list leaves out this initiator ($MAC_B)" <<<"$T_OUT"; then
	t_pass "B says its MAC may be masked out"
else
	t_fail "B says its MAC may be masked out" "$T_OUT"
fi
t_check_fails "B's aoe-perf is denied the target" b_perf -w read --discover-wait 1000
grep -q "mask list leaves out this initiator ($MAC_B)" <<<"$T_OUT" ||
	t_fail "aoe-perf says so too" "$T_OUT"
# vblade 25 cannot take its last MAC out of the list (docs/protocol.md): a new vblade on the same
# disk starts with an empty one.
kill "$VBLADE"
wait "$VBLADE" 2>/dev/null
vblade_start
t_check "B reads the empty list" b --mask e1.1
grep -qx "e1.1 mask list empty: every initiator may use it" <<<"$T_OUT" ||
	t_fail "B is told the list is empty" "$T_OUT"
t_check "B's verify passes once unmasked" b_perf -w verify
t_summary
