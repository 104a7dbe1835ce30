#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpdk-aoe --status and --status --json against real vblade targets: every target is found with
# its exact size (sectors = file size / 512, the GB column as aoe-stat truncates it), the payload
# the MTU allows (1024 at 1500, 8704 = 17 sectors at 9000), state up, the target's MAC, sorted by
# shelf then slot as numbers; vblade's unsolicited config at start-up is taken as a discovery
# (daemon mode) and never duplicates a target.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe
command -v jq >/dev/null || { t_fail "jq is installed"; t_summary; exit 1; }

TMP=$(mktemp -d /tmp/it-discovery.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"

# The aoe-stat line of one target: printf "%10s %15s %10s %-5s %-14s".
stat_line() {
	local name=$1 bytes=$2 payload=$3 mb
	mb=$((bytes / 1000000))
	printf '%10s %15s %10s %-5s %-14s\n' "$name" "$((mb / 1000)).$(printf %03d $((mb % 1000)))GB" \
		net_af_packet0 "$payload" up
}

# expect_table FILE "S.L:BYTES ..." PAYLOAD: FILE is exactly the table of those targets, sorted.
expect_table() {
	local file=$1 payload=$3 t want=""
	for t in $(tr ' ' '\n' <<<"$2" | sort -t. -k1,1n -k2,2n); do
		want+=$(stat_line "e${t%%:*}" "${t#*:}" "$payload")$'\n'
	done
	if [[ $(cat "$file")$'\n' != "$want" ]]; then
		echo "want:"; printf '%s' "$want" | cat -A
		echo "got:"; cat -A "$file"
		return 1
	fi
}

# expect_json FILE "S.L:BYTES ..." PAYLOAD SPF MAC: the JSON lists exactly those targets, sorted,
# each with its size, payload, sectors per frame, state up, LBA48, vblade's identity and MAC.
expect_json() {
	local file=$1 payload=$3 spf=$4 mac=$5 want
	want=$(tr ' ' '\n' <<<"$2" | sort -t. -k1,1n -k2,2n | jq -R -s -c 'split("\n")
		| map(select(length > 0) | split(":") as [$a, $b] | ($a | split(".")) as [$s, $l] |
		{name: ("e" + $a), shelf: ($s | tonumber), slot: ($l | tonumber),
		 sectors: (($b | tonumber) / 512), size_bytes: ($b | tonumber)})')
	jq -e -c --argjson want "$want" --argjson p "$payload" --argjson spf "$spf" --arg mac "$mac" '
		(.targets | map({name, shelf, slot, sectors, size_bytes})) == $want and
		(.targets | all(.payload == $p and .sectors_per_frame == $spf and .state == "up" and
			.lba48 == true and .open == false and .paths == 1 and .mac == $mac and
			.port == "net_af_packet0" and .port_id == 0 and .bufcnt == 16 and
			.model == "Coraid EtherDrive vblade" and .firmware == "V25"))' "$file" >/dev/null ||
		{ echo "want targets $want, payload $payload, spf $spf, mac $mac; got:"; cat "$file"; return 1; }
}

peer_mac() { ip -n "$1" -j link show dev "$2" | jq -r '.[0].address'; }

# ---- MTU 1500, the default targets (one of them an odd sector count) ---------------------------
t_testbed_up dsa || { t_summary; exit 1; }
A_TARGETS=$AOE_TB_TARGETS
A_MAC=$(peer_mac "$AOE_TB_NS" "$AOE_TB_PEER")
t_dpdk_args dsa "$(t_af_packet)"
EA=(-l 0 "${T_DPDK_ARGS[@]}")

t_status "${EA[@]}" -- >"$TMP/a.table" 2>"$TMP/a.err"
t_check "--status exits 0" test $? = 0 || t_tail "$(cat "$TMP/a.err")"
t_check "table: e1.1 0.067GB and e1.2 0.008GB, payload 1024, up, sorted" \
	expect_table "$TMP/a.table" "$A_TARGETS" 1024
t_check "the EAL's and the engine's messages go to stderr only" \
	bash -c "! grep -Eq '^(EAL|aoe):' '$TMP/a.table' && grep -q '^aoe: e1.1 up' '$TMP/a.err'"

t_status "${EA[@]}" -- --json >"$TMP/a.json" 2>"$TMP/a.err"
t_check "--status --json exits 0" test $? = 0
t_check "--json is valid JSON" jq -e . "$TMP/a.json"
t_check "--json: sectors = file size / 512 (131072 and 16385), payload 1024, 2 sectors/frame" \
	expect_json "$TMP/a.json" "$A_TARGETS" 1024 2 "$A_MAC"
sectors_match() {
	local t s
	for t in $A_TARGETS; do
		s=$(jq -r --arg n "e${t%%:*}" '.targets[] | select(.name == $n) | .sectors' "$TMP/a.json")
		[[ $s == $(($(stat -c %s "$(t_testbed_file dsa "${t%%:*}")") / 512)) ]] ||
			{ echo "e${t%%:*}: $s"; return 1; }
	done
}
t_check "--json sectors match the backing files" sectors_match

# A target that is paused is not listed; the others still are.
t_testbed dsa pause 1.2 >/dev/null
t_status "${EA[@]}" -- --json --discover-wait 1000 >"$TMP/a2.json" 2>/dev/null
t_check "a paused target is not listed, the other one is" \
	test "$(jq -r '[.targets[].name] | join(" ")' "$TMP/a2.json")" = e1.1
t_testbed dsa resume 1.2 >/dev/null

# ---- vblade's unsolicited config at start-up ---------------------------------------------------
# The daemon broadcasts its query only at start (--discover-interval 0); e1.2 is not running
# then. When e1.2 starts, its own unsolicited config is the only thing that can announce it.
t_testbed dsa kill 1.2 >/dev/null
t_dpdk_args dsad "$(t_af_packet)"
t_bg DPID timeout --preserve-status 40 "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- \
	--discover-interval 0 >"$TMP/d.out" 2>"$TMP/d.err"
t_check "daemon: e1.1 up with size and payload" \
	t_wait_line 15 '^[0-9T:+-]+ e1\.1 up 0\.067GB net_af_packet0 payload 1024$' "$TMP/d.out"
t_check "daemon: e1.2 is not there yet" bash -c "! grep -q ' e1.2 ' '$TMP/d.out'"
t_testbed dsa start 1.2 >/dev/null
t_check "daemon: e1.2 comes up from vblade's unsolicited config alone" \
	t_wait_line 10 '^[0-9T:+-]+ e1\.2 up 0\.008GB net_af_packet0 payload 1024$' "$TMP/d.out"
# A second start-up config from the same target (vblade restarted) is nothing new.
t_testbed dsa kill 1.2 >/dev/null
t_testbed dsa start 1.2 >/dev/null
sleep 2
t_check "daemon: a restarted vblade's config neither duplicates nor downs e1.2" \
	test "$(grep -c ' e1\.2 ' "$TMP/d.out")" = 1
t_check "daemon: e1.1 was never reported down or resized" \
	test "$(grep -c ' e1\.1 ' "$TMP/d.out")" = 1
t_check "daemon still running" aoe_proc_state "$DPID"
kill -TERM "$DPID" 2>/dev/null
wait "$DPID"
t_check "daemon exits 0 on SIGTERM" test $? = 0

t_status "${EA[@]}" -- --json >"$TMP/a3.json" 2>/dev/null
t_check "--status after the restarts: both targets once each, sizes unchanged" \
	expect_json "$TMP/a3.json" "$A_TARGETS" 1024 2 "$A_MAC"

# ---- MTU 9000, targets given out of order ------------------------------------------------------
# The payload must follow the interface's MTU: (9000 - 36) / 512 = 17 sectors, 8704 bytes.
B_SPEC="10.1:1M,1.10:2M,9.3:3M,1.2:1G"
t_testbed_up dsb --mtu 9000 --targets "$B_SPEC" || { t_summary; exit 1; }
B_TARGETS=$AOE_TB_TARGETS
B_MAC=$(peer_mac "$AOE_TB_NS" "$AOE_TB_PEER")
t_dpdk_args dsb "$(t_af_packet)"
EB=(-l 0 "${T_DPDK_ARGS[@]}")
t_status "${EB[@]}" -- >"$TMP/b.table" 2>"$TMP/b.err"
t_check "MTU 9000 --status exits 0" test $? = 0
t_check "table sorted numerically (e1.2 e1.10 e9.3 e10.1), payload 8704, 1.073GB for 1 GiB" \
	expect_table "$TMP/b.table" "$B_TARGETS" 8704
t_check "the order is e1.2 e1.10 e9.3 e10.1" \
	test "$(awk '{ printf "%s ", $1 }' "$TMP/b.table")" = "e1.2 e1.10 e9.3 e10.1 "
t_status "${EB[@]}" -- --json >"$TMP/b.json" 2>/dev/null
t_check "MTU 9000 --json: payload 8704, 17 sectors per frame, same order" \
	expect_json "$TMP/b.json" "$B_TARGETS" 8704 17 "$B_MAC"

# No target at all: an empty table, an empty JSON list, exit 0. The link is one of this run's
# own (named after the test bed, which is down now), with nothing at its other end.
t_testbed dsb down >/dev/null 2>&1
X=$(t_testbed_name dsb)
ip link add "$X-x" type veth peer name "$X-y"
t_cleanup_add ip link del "$X-x"
ip link set "$X-x" up
ip link set "$X-y" up
t_dpdk_args dsn "$(t_af_packet "$X-x")"
EN=(-l 0 "${T_DPDK_ARGS[@]}")
t_check "no target: --status prints nothing and exits 0" \
	bash -c 'out=$("$@" 2>/dev/null) && [[ -z $out ]]' _ \
	timeout 30 "$(t_bin dpdk-aoe)" "${EN[@]}" -- --status --discover-wait 500
t_check "no target: --json prints {\"targets\": []}" \
	bash -c 'out=$("$@" 2>/dev/null) && jq -e ".targets == []" <<<"$out"' _ \
	timeout 30 "$(t_bin dpdk-aoe)" "${EN[@]}" -- --status --json --discover-wait 500

t_summary
