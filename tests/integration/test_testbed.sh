#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Stands up scripts/testbed.sh (network namespaces, veth pairs, real vblade targets) and checks
# it does what the other integration tests rely on: every target answers an AoE query config and
# an ATA IDENTIFY with its exact size, the link is quiet, pause/resume/kill/start act on one
# target, two test beds coexist, "up" is idempotent, and "down" or a failed "up" leave nothing.
#
# aoetools' aoeping is not used: it drops frames shorter than 60 bytes and vblade's config
# replies on a veth are 32 (nothing pads them), so it never hears an answer. aoe_probe
# (scripts/lib/common.sh) sends the same query from a raw socket.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

TB=$T_TESTBED
A=$(t_testbed_name tba)
B=$(t_testbed_name tbb)
C=$(t_testbed_name tbc)

ns_gone() { [[ ! -e /run/netns/$1 ]]; }
link_gone() { ! ip link show dev "$1" >/dev/null 2>&1; }
pid_gone() { ! aoe_proc_state "$1" >/dev/null; }
key() { sed -n "s/^$1=//p"; }
mtu_of() { cat "/sys/class/net/$1/mtu"; }

# Every answer a probe gives must match the size the test bed was asked for.
probe_sizes() {
	local iface=$1 t addr out
	for t in $2; do
		addr=${t%%:*}
		out=$(aoe_probe "$iface" "${addr%.*}" "${addr#*.}" -i -t 3) || return 1
		[[ $(key sectors <<<"$out") == $((${t#*:} / 512)) ]] ||
			{ echo "e$addr: IDENTIFY says $(key sectors <<<"$out") sectors, want $((${t#*:} / 512))"; return 1; }
	done
}

# sectors_of IFACE SHELF SLOT: the sector count IDENTIFY gives.
sectors_of() { aoe_probe "$1" "$2" "$3" -i -t 3 | key sectors; }

# silent IFACE S.L CONTROL: S.L does not answer while CONTROL (S.L) on the same link does, so
# that a link where nothing answers at all does not pass for it.
silent() {
	local s=$2 c=$3
	aoe_probe "$1" "${c%.*}" "${c#*.}" -t 3 >/dev/null || { echo "e$c does not answer either"; return 1; }
	! aoe_probe "$1" "${s%.*}" "${s#*.}" -t 1 || { echo "e$s answers"; return 1; }
}

# probe_has IFACE SHELF SLOT KEY=VALUE...: the config reply holds each KEY=VALUE.
probe_has() {
	local out kv
	out=$(aoe_probe "$1" "$2" "$3" -t 3) || return 1
	shift 3
	for kv; do
		grep -qxF "$kv" <<<"$out" || { echo "want $kv in:"; echo "$out"; return 1; }
	done
}

# Everything test bed NAME made is gone: namespace, veth, state, files, vblade PIDs ($2).
all_gone() {
	local name=$1 pid
	ns_gone "$name-ns" || { echo "namespace $name-ns left"; return 1; }
	link_gone "$name-h" || { echo "veth $name-h left"; return 1; }
	[[ ! -e /tmp/aoetb-$name ]] || { echo "/tmp/aoetb-$name left"; return 1; }
	for pid in $2; do
		pid_gone "$pid" || { echo "vblade $pid left"; return 1; }
	done
	! pgrep -f "aoetb-$name/" >/dev/null || { echo "a process still uses /tmp/aoetb-$name"; return 1; }
}

# This run's names are free: what cleanup tears down below is only what this run made.
for n in "$A" "$B" "$C"; do
	"$TB" status --name "$n" >/dev/null
	[[ $? == 3 ]] || { t_fail "no test bed $n yet" "it exists: not this run's"; t_summary; exit 1; }
done

# ---- the default test bed ----------------------------------------------------------------------
if ! t_check "up --name $A (defaults)" t_timeout 60 "$TB" up --name "$A"; then
	t_summary
	exit 1
fi
t_cleanup_add "$TB" down --name "$A"
status1=$T_OUT
eval "$("$TB" env --name "$A")"
t_check "env gives the default targets" test "$AOE_TB_TARGETS" = "1.1:67108864 1.2:8389120"
t_check "env names the root-side veth" test "$AOE_TB_IFACE" = "$A-h" -a "$AOE_TB_NS" = "$A-ns"
odd=0
for t in $AOE_TB_TARGETS; do ((${t#*:} / 512 % 2 == 1)) && odd=1; done
t_check "a default target has an odd sector count" test "$odd" = 1
t_check "root-side veth is up in the root namespace" \
	grep -qx up "/sys/class/net/$AOE_TB_IFACE/operstate"
t_check "target-side veth is in the namespace" ip -n "$AOE_TB_NS" link show dev "$AOE_TB_PEER"
t_check "MTU 1500 on both ends" test "$(mtu_of "$AOE_TB_IFACE")" = 1500 -a \
	"$(ip netns exec "$AOE_TB_NS" cat "/sys/class/net/$AOE_TB_PEER/mtu")" = 1500
t_check "IPv6 off on both ends" test "$(cat "/proc/sys/net/ipv6/conf/$AOE_TB_IFACE/disable_ipv6")" = 1 -a \
	"$(ip netns exec "$AOE_TB_NS" cat "/proc/sys/net/ipv6/conf/$AOE_TB_PEER/disable_ipv6")" = 1
t_check "every target answers query config and IDENTIFY with its size" \
	probe_sizes "$AOE_TB_IFACE" "$AOE_TB_TARGETS"
t_check "config reply: 16 buffers, 2 sectors per frame at MTU 1500" \
	probe_has "$AOE_TB_IFACE" 1 1 bufcnt=16 maxsect=2
t_check "no answer for a target that is not there (while e1.1 answers)" \
	silent "$AOE_TB_IFACE" 1.9 1.1

quiet() {
	local f=/sys/class/net/$1/statistics before after
	before="$(cat "$f/rx_packets") $(cat "$f/tx_packets")"
	sleep 3
	after="$(cat "$f/rx_packets") $(cat "$f/tx_packets")"
	[[ $before == "$after" ]] || { echo "rx/tx packets went from $before to $after"; return 1; }
}
t_check "the link is quiet when nobody talks AoE (no IPv6 noise)" quiet "$AOE_TB_IFACE"

pids1=$(key 'target\.[0-9.]*\.pid' <<<"$status1" | tr '\n' ' ')
t_check "up again with the same options succeeds" t_timeout 60 "$TB" up --name "$A"
pids2=$(key 'target\.[0-9.]*\.pid' <<<"$T_OUT" | tr '\n' ' ')
t_check "up again keeps the same vblades" test "$pids1" = "$pids2"
t_check_fails "up with other options is refused" "$TB" up --name "$A" --mtu 9000
t_check "the refusal says what to do" grep -q "down --name $A" <<<"$T_OUT"
t_check "the refused up left the test bed as it was" probe_sizes "$AOE_TB_IFACE" "$AOE_TB_TARGETS"
t_check "status exits 0 and says up" bash -c "'$TB' status --name '$A' | grep -qx state=up"

# ---- one target at a time ----------------------------------------------------------------------
t_check "pause 1.2" "$TB" pause 1.2 --name "$A"
t_check "status says paused" bash -c "'$TB' status --name '$A' | grep -qx target.1.2.state=paused"
t_check "a paused target does not answer (while e1.1 does)" silent "$AOE_TB_IFACE" 1.2 1.1
t_check "the other target still answers" aoe_probe "$AOE_TB_IFACE" 1 1 -t 3
t_check "resume 1.2" "$TB" resume 1.2 --name "$A"
t_check "a resumed target answers" aoe_probe "$AOE_TB_IFACE" 1 2 -t 3
pid12=$("$TB" status --name "$A" | key 'target\.1\.2\.pid')
t_check "kill 1.2" "$TB" kill 1.2 --name "$A"
t_check "its vblade is gone" pid_gone "$pid12"
t_check "status says killed" bash -c "'$TB' status --name '$A' | grep -qx target.1.2.state=killed"
t_check "a killed target does not answer (while e1.1 does)" silent "$AOE_TB_IFACE" 1.2 1.1
t_check_fails "pause of a killed target is an error" "$TB" pause 1.2 --name "$A"
t_check "start 1.2" "$TB" start 1.2 --name "$A"
t_check "a restarted target answers with its size" probe_sizes "$AOE_TB_IFACE" "1.2:8389120"
t_check_fails "kill of an unknown target is an error" "$TB" kill 4.4 --name "$A"

# ---- a second test bed beside the first --------------------------------------------------------
t_check "up --name $B --mtu 9000 --lba48 --targets 7.1:1M" \
	t_timeout 60 "$TB" up --name "$B" --mtu 9000 --lba48 --targets 7.1:1M &&
	t_cleanup_add "$TB" down --name "$B"
B_ENV=$("$TB" env --name "$B")
B_IFACE=$(sed -n 's/^export AOE_TB_IFACE=//p' <<<"$B_ENV")
B_TARGETS=$(bash -c "$B_ENV"$'\n''echo "$AOE_TB_TARGETS"')
t_check "--lba48 adds 2.1:3T" test "$B_TARGETS" = "7.1:1048576 2.1:3298534883328"
t_check "MTU 9000 on both ends" test "$(mtu_of "$B_IFACE")" = 9000 -a \
	"$(ip netns exec "$B-ns" cat "/sys/class/net/$B-t/mtu")" = 9000
t_check "the 3 TiB target answers with its LBA48 size" probe_sizes "$B_IFACE" "$B_TARGETS"
t_check "its IDENTIFY is past the LBA28 limit ($(sectors_of "$B_IFACE" 2 1) > 2^28 - 1 sectors)" \
	test "$(sectors_of "$B_IFACE" 2 1)" -gt $(((1 << 28) - 1))
t_check "its backing file is sparse" test "$(du -k "/tmp/aoetb-$B/$B-e2.1.img" | cut -f1)" -lt 1024
t_check "17 sectors per frame at MTU 9000" probe_has "$B_IFACE" 7 1 maxsect=17
t_check "test beds are isolated ($A's 1.1 is not on $B, whose 7.1 answers)" \
	silent "$B_IFACE" 1.1 7.1
t_check "the first test bed still answers" probe_sizes "$AOE_TB_IFACE" "$AOE_TB_TARGETS"

# ---- down --------------------------------------------------------------------------------------
pidsA=$("$TB" status --name "$A" | key 'target\.[0-9.]*\.pid' | tr '\n' ' ')
pidsB=$("$TB" status --name "$B" | key 'target\.[0-9.]*\.pid' | tr '\n' ' ')
t_check "down $A" t_timeout 60 "$TB" down --name "$A"
t_check "down $A removed everything it made" all_gone "$A" "$pidsA"
t_check "$B is untouched by down $A" probe_sizes "$B_IFACE" "$B_TARGETS"
t_check "down again is a no-op" "$TB" down --name "$A"
"$TB" status --name "$A" >/dev/null
t_check "status of a test bed that is down exits 3" test $? = 3
t_check_fails "env of a test bed that is down fails" "$TB" env --name "$A"
t_check "down $B" t_timeout 60 "$TB" down --name "$B"
t_check "down $B removed everything it made" all_gone "$B" "$pidsB"

# ---- failures leave nothing behind -------------------------------------------------------------
t_cleanup_add "$TB" down --name "$C"
for spec in "1.1:banana" "1.1:1M,1.1:2M" "1.1:1000" "1.255:1M" "1-1:1M"; do
	t_check_fails "up --targets $spec fails" "$TB" up --name "$C" --targets "$spec"
	t_check "... with an error that names --targets" grep -q -- "error: --targets" <<<"$T_OUT"
	t_check "... and leaves nothing" all_gone "$C" ""
done
t_check_fails "up with a name over 12 characters fails" "$TB" up --name abcdefghijklm
t_check_fails "up with --mtu 100 fails" "$TB" up --name "$C" --mtu 100
t_check_fails "up whose vblade cannot start fails" t_timeout 60 "$TB" up --name "$C" --vblade-args -Z
t_check "... says which target did not answer" grep -q "e1.1 .*did not answer" <<<"$T_OUT"
t_check "... and removes what it had made" all_gone "$C" ""

# A namespace with our name that we did not record is someone else's: up refuses, keeps it.
ip netns add "$C-ns"
t_cleanup_add ip netns del "$C-ns"
t_check_fails "up refuses a namespace it did not make" "$TB" up --name "$C"
t_check "... and leaves that namespace alone" test -e "/run/netns/$C-ns"
ip netns del "$C-ns"

t_summary
