#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Integration test of app/aoe-target on the shared test bed (scripts/testbed.sh; its vblade
# serves an unused e9.9): aoe-target on the root-side veth through DPDK's af_packet PMD with a
# 16 MiB ram disk (e7.3) and a 1 GiB null disk (e7.4). From inside the namespace it talks to the
# target with aoetools (aoeping, aoecfg), with helpers/aoe_probe.py and with a raw-frame client
# (helpers/aoe_target_client.py) for what aoetools cannot send (reserve/release, MAC masks, bad
# versions, unknown commands, faults), and checks every frame the target sent with tshark.
# Then one target per fault set (dup, delay, silence, reorder, drop, corrupt), each checked by
# the client and by the exact counters the target prints at exit.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins aoe-target
for tool in aoeping aoecfg tshark python3; do
	command -v "$tool" >/dev/null ||
		{ t_fail "$tool is installed" "Debian: aoetools, tshark, python3"; t_summary; exit 1; }
done

t_testbed_up tgt --targets 9.9:1M || { t_summary; exit 1; }
TMAC=$(cat "/sys/class/net/$AOE_TB_IFACE/address")
DIR=$(mktemp -d /tmp/aoe-target-test.XXXXXX)
t_cleanup_add rm -rf -- "$DIR"
in_ns() { ip netns exec "$AOE_TB_NS" "$@"; }
client() {
	t_timeout 120 ip netns exec "$AOE_TB_NS" python3 "$T_HELPERS/aoe_target_client.py" \
		"$AOE_TB_PEER" "$TMAC" "$@"
}

# Capture on the namespace side from before the target starts, to see its announcements.
# ip netns exec execs tshark, so the PID is tshark's own; stopped with SIGTERM, since background
# jobs of a script ignore SIGINT.
t_bg CAP_PID ip netns exec "$AOE_TB_NS" tshark -i "$AOE_TB_PEER" -f 'ether proto 0x88a2' -w "$DIR/cap.pcapng" -q \
	>"$DIR/tshark.log" 2>&1
t_wait_until --pid "$CAP_PID" 10 grep -q "Capturing on" "$DIR/tshark.log" ||
	t_fail "tshark captures on $AOE_TB_PEER" "$(cat "$DIR/tshark.log")"

# start_target NAME ARGS...: aoe-target with ARGS after "--" on the root-side veth, its output in
# $DIR/NAME.log; waits until it serves. Sets TGT_PID.
start_target() {
	local name=$1
	shift
	t_dpdk_args "tgt-$name" "$(t_af_packet)"
	t_bg TGT_PID "$(t_bin aoe-target)" -l 0 "${T_DPDK_ARGS[@]}" -- "$@" >"$DIR/$name.log" 2>&1
	t_wait_until --pid "$TGT_PID" 30 grep -q "aoe-target: serving" "$DIR/$name.log" && return 0
	cat "$DIR/$name.log"
	return 1
}

# stop_target NAME: SIGTERM; a clean exit (status 0) is checked.
stop_target() {
	local rc=0
	kill -TERM "$TGT_PID"
	wait "$TGT_PID" || rc=$?
	t_check "$1: SIGTERM: clean exit (status $rc)" test "$rc" = 0
}

# counters_are NAME COUNTER=VALUE...: the counters target NAME printed at exit are exactly those.
counters_are() {
	local log=$DIR/$1.log kv got bad=0
	shift
	for kv; do
		got=$(awk -v k="${kv%%=*}" '$1 == k { print $2 }' "$log")
		[[ $got == "${kv#*=}" ]] || { echo "${kv%%=*} is '$got', want ${kv#*=}"; bad=1; }
	done
	return $bad
}

# client_checks LOG: the client's own checks, counted as this test's.
client_checks() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok   - "*) t_pass "${line#ok   - }" ;;
		"FAIL - "*) t_fail "${line#FAIL - }" ;;
		esac
	done <"$1"
	grep -q '^client: ' "$1" || t_fail "the raw-frame client ran to the end" "$(t_tail "$(cat "$1")")"
}

if ! start_target main --disk 7.3=ram:16M --disk 7.4=null:1G; then
	t_fail "aoe-target starts"
	t_summary
	exit 1
fi
t_pass "aoe-target starts"

# --- aoeping: config query and IDENTIFY ---------------------------------------------------
t_check "aoeping finds e7.3 at the target's MAC" \
	bash -c 'out=$("$@" 2>&1); echo "$out"; grep -q "found e7.3 with mac $0" <<<"$out"' \
	"${TMAC//:/}" ip netns exec "$AOE_TB_NS" timeout 10 aoeping -v -s 5 7 3 "$AOE_TB_PEER"

# IDENTIFY words 100-103 (bytes 200-207, little endian): the LBA48 capacity.
ident_sectors() { # shelf slot
	in_ns timeout 10 aoeping -i -s 5 "$1" "$2" "$AOE_TB_PEER" 2>/dev/null | awk '
		/^[0-9a-f][0-9a-f]( [0-9a-f][0-9a-f])* *$/ { for (i = 1; i <= NF; i++) b[n++] = $i }
		function hex(s) { return index(H, substr(s, 1, 1)) * 16 + index(H, substr(s, 2, 1)) - 17 }
		BEGIN { H = "0123456789abcdef" }
		END { if (n < 512) { print "short"; exit } v = 0
		      for (i = 207; i >= 200; i--) v = v * 256 + hex(b[i]); printf "%d\n", v }'
}
for d in "3 32768" "4 2097152"; do
	read -r slot sectors <<<"$d"
	got=$(ident_sectors 7 "$slot")
	t_check "IDENTIFY e7.$slot reports $sectors sectors (got $got)" test "$got" = "$sectors"
	out=$(in_ns timeout 10 aoeping -I -s 5 7 "$slot" "$AOE_TB_PEER" 2>&1)
	t_check "IDENTIFY e7.$slot model is 'dpdk-aoe aoe-target'" \
		grep -Eq "^model: dpdk-aoe aoe-target *$" <<<"$out"
	t_check "IDENTIFY e7.$slot serial is e7.$slot" grep -Eq "^serial_number: e7\.$slot *$" <<<"$out"
done

# --- aoecfg: the five config subcommands ----------------------------------------------------
# aoecfg prints nothing both for an empty string and for no answer: the empty string is read
# with aoe_probe, and "no answer" is checked with an answer to a read right after it.
cfg() { in_ns timeout 10 aoecfg -t 1 "$@" 7 3 "$AOE_TB_PEER" 2>&1; }
config_is() { in_ns python3 "$T_HELPERS/aoe_probe.py" "$AOE_TB_PEER" 7 "$1" -t 3 | grep -qx "config=$2"; }
silent_then() { [[ -z $(cfg "${@:2}") && $(cfg) == "$1" ]]; }
t_check "config string starts empty (an answer with no string)" config_is 3 ""
t_check "set-if-empty on an empty string answers it" test "$(cfg -c set -s hello)" = hello
t_check "read returns the string set" test "$(cfg)" = hello
t_check "set-if-empty refuses when set (error 4)" test "$(cfg -c set -s other)" = '*badcfg*'
t_check "the refused set left the string alone" test "$(cfg)" = hello
t_check "test exact matches the exact string" test "$(cfg -c test -s hello)" = hello
t_check "test exact stays silent on a prefix (and a read answers after it)" \
	silent_then hello -c test -s hell
t_check "test prefix matches a prefix" test "$(cfg -c prefix -s hel)" = hello
t_check "test prefix stays silent on a non-prefix (and a read answers after it)" \
	silent_then hello -c prefix -s help
t_check "force set replaces the string" test "$(cfg -c fset -s world)" = world
t_check "read returns the forced string" test "$(cfg)" = world
out=$(in_ns timeout 10 aoecfg -t 1 0xffff 0xff "$AOE_TB_PEER" 2>&1 | grep '^7\.' | sort)
t_check "broadcast query is answered by both disks" \
	test "$out" = "$(printf '7.3\tworld\n7.4\t')"
t_check "e7.4 kept its own (empty) config string" config_is 4 ""

# --- raw frames: what aoetools cannot send -----------------------------------------------------
client >"$DIR/client.log" 2>&1
client_checks "$DIR/client.log"

# --- silence: SIGUSR1 toggles it ---------------------------------------------------------------
ping_e73() { in_ns timeout 5 aoeping -s 2 7 3 "$AOE_TB_PEER" >/dev/null 2>&1; }
silenced() { grep -q "aoe-target: going silent" "$DIR/main.log" && ! ping_e73; }
kill -USR1 "$TGT_PID"
t_check "SIGUSR1 silences the target (it says so, and aoeping gets no answer)" \
	t_wait_until 5 silenced
kill -USR1 "$TGT_PID"
t_check "a second SIGUSR1 brings it back" t_wait_until 5 ping_e73

# --- the capture: every frame the target sent ----------------------------------------------------
sleep 0.5
kill -TERM "$CAP_PID"
wait "$CAP_PID" 2>/dev/null
tshark -r "$DIR/cap.pcapng" -T fields -E separator=' ' -e frame.len -e eth.src -e eth.dst \
	-e aoe.version -e aoe.response -e aoe.major -e aoe.minor -e aoe.cmd -e aoe.tag \
	>"$DIR/frames.txt" 2>"$DIR/tshark-read.log"
n_rsp=$(awk -v m="$TMAC" '$2 == m' "$DIR/frames.txt" | wc -l)
t_check "capture holds the target's responses ($n_rsp)" test "$n_rsp" -gt 50
short=$(awk -v m="$TMAC" '$2 == m && $1 < 60' "$DIR/frames.txt" | wc -l)
t_check "every response is at least 60 bytes ($short shorter)" test "$short" -eq 0
badf=$(awk -v m="$TMAC" '$2 == m && !($4 == 1 && ($5 == 1 || $5 == "True") && $6 == 7 &&
	($7 == 3 || $7 == 4))' "$DIR/frames.txt" | wc -l)
t_check "every response decodes as AoE v1, R set, from e7.3 or e7.4 ($badf not)" test "$badf" -eq 0
# Requests and responses pair up by tag; tags are echoed.
orphans=$(awk -v m="$TMAC" '
	$2 != m && $4 == 1 { req[$9] = 1 }
	$2 != m && $4 != 1 { other_version++ }	# the dissector stops at the version: no tag
	$2 == m && $3 != "ff:ff:ff:ff:ff:ff" && !($9 in req) { n++ }
	END { print (n > other_version ? n - other_version : 0) }' "$DIR/frames.txt")
t_check "every unicast response echoes a request's tag ($orphans do not)" test "$orphans" -eq 0
((orphans == 0)) || cat "$DIR/frames.txt"
n_ann=$(awk -v m="$TMAC" '$2 == m && $3 == "ff:ff:ff:ff:ff:ff" && $8 == 1' "$DIR/frames.txt" |
	wc -l)
t_check "start-up announces one broadcast config response per disk ($n_ann)" test "$n_ann" -eq 2

# --- clean exit with counters ---------------------------------------------------------------------
stop_target main
t_check "counters are printed on exit" grep -q "aoe-target counters:" "$DIR/main.log"
# The client's good reads: READ EXT and READ on e7.3, the read-back of the LBA28 write, one on
# the null disk (2 + 1 + 1 + 2 sectors); the refused ones are not reads.
t_check "counters: exactly the client's 4 reads of 6 sectors" \
	counters_are main ata_read=4 sectors_read=6
t_check "counters saw frames dropped in silence" grep -Eq "^  rx_silenced +[1-9]" "$DIR/main.log"
((T_FAIL == 0)) || { echo "--- target log ---"; cat "$DIR/main.log"; }

# --- fault injection: one target per fault set, driven by the client's fault modes -------------
# fault_run NAME COUNTER=VALUE... -- TARGET-ARGS...: a target serving e7.3 with ARGS, the client
# in mode NAME, then the target's exact counters.
fault_run() {
	local name=$1 want=()
	shift
	while [[ $1 != -- ]]; do want+=("$1"); shift; done
	shift
	if ! start_target "$name" --disk 7.3=ram:1M "$@"; then
		t_fail "aoe-target starts with $*"
		return
	fi
	client "$name" >"$DIR/client-$name.log" 2>&1
	grep '^corrupt:' "$DIR/client-$name.log"
	client_checks "$DIR/client-$name.log"
	stop_target "$name"
	t_check "$name: the target's counters: ${want[*]}" counters_are "$name" "${want[@]}"
}
# Each answer, the start-up announcement included, is sent twice and both copies delayed:
# the announcement and 4 IDENTIFYs answered (the 4th of 5 falls in the silence).
fault_run dup-delay-silent fault_dup=5 fault_delay=10 silent_periods=1 rx_silenced=1 -- \
	--fault dup=1,delay=20000 --silent-after 3 --silent-for 1500 --seed 7
# Held: the announcement (until it ages out), the first of two answers, the lone last one.
fault_run reorder fault_reorder=3 -- --fault reorder=100%
# Both requests arrived and their answers were dropped, as was the announcement.
fault_run drop cmd_ata=1 cmd_config=1 fault_drop=3 tx_frames=0 -- --fault drop=1
# The announcement, the write's answer and the 20 reads'.
fault_run corrupt fault_corrupt=22 ata_read=20 -- --fault corrupt=1 --sectors 1

t_summary
