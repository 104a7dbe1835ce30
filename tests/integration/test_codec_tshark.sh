#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The frames dpdk-aoe and aoe-perf put on the wire, decoded by Wireshark's own AoE dissector
# (tshark), not by our codec: the broadcast query config (shelf 65535, slot 255, command 1,
# version 1), IDENTIFY, WRITE/READ SECTORS EXT (0x34/0x24: vblade is LBA48) with aflags E, and W
# on writes, 2 sectors per frame, the LBAs of the offsets used, tags with the high bit clear;
# and every request answered by a response with the R flag and the same tag.
#
# The capture is on the test bed's root-side veth. The af_packet PMD bypasses the qdisc by
# default, and then the host's capture sockets never see what it sends: qdisc_bypass=0 here.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe aoe-perf
command -v tshark >/dev/null || { t_fail "tshark is installed"; t_summary; exit 1; }

t_testbed_up tsh --targets 1.1:64M || { t_summary; exit 1; }
OUR=$(cat "/sys/class/net/$AOE_TB_IFACE/address")
t_dpdk_args tsh "$(t_af_packet "" qdisc_bypass=0)"
E=(-l 0 "${T_DPDK_ARGS[@]}")
TMP=$(mktemp -d /tmp/it-tshark.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"
PCAP=$TMP/aoe.pcap

# Region: 8 KiB at 1 MiB = LBAs 2048-2063 = 8 frames of 2 sectors at LBAs 2048, 2050, ... 2062.
OFF=$((1 << 20))
touch "$PCAP"
t_bg TPID tshark -i "$AOE_TB_IFACE" -f 'ether proto 0x88a2' -c 400 -a duration:30 -w "$PCAP" -q \
	2>"$TMP/tshark.err"
t_check "tshark captures on $AOE_TB_IFACE" \
	t_wait_until --pid "$TPID" 10 grep -q "Capturing on" "$TMP/tshark.err"
lists_e11() { t_status "${E[@]}" -- --discover-wait 500 2>/dev/null | grep -q "^ *e1.1 .* up"; }
t_check "dpdk-aoe --status lists e1.1" lists_e11
t_check "aoe-perf writes 8 KiB at 1 MiB" \
	t_perf 30 "${E[@]}" -- -T e1.1 -w write -o 4k -q 1 --offset $OFF --size 8k
t_check "aoe-perf reads it back checked" \
	t_perf 30 "${E[@]}" -- -T e1.1 -w read -o 4k -q 1 --offset $OFF --size 8k --check
sleep 0.5
kill -INT "$TPID" 2>/dev/null
wait "$TPID"

# One CSV line per frame: src,dst,version,R,E,major,minor,cmd,tag,aflag E,aflag W,count,ata
# cmd,ata status,lba (numbers as tshark prints them: hex with 0x, booleans 0/1).
tshark -r "$PCAP" -Y aoe -T fields -E separator=, -e eth.src -e eth.dst -e aoe.version \
	-e aoe.response -e aoe.flags_error -e aoe.major -e aoe.minor -e aoe.cmd -e aoe.tag \
	-e aoe.aflags.e -e aoe.aflags.w -e aoe.sector_count -e aoe.ata.cmd -e aoe.ata.status \
	-e aoe.lba >"$TMP/frames.csv" 2>"$TMP/decode.err"
t_check "tshark decodes the capture as AoE" test -s "$TMP/frames.csv"
echo "# $(wc -l <"$TMP/frames.csv") AoE frames captured"

# sel AWK-CONDITION: the frames (CSV) matching; fields $1..$15 as above, OUR = our MAC.
# hex(S): the number a 0x... field stands for (mawk has no strtonum).
HEX='function hex(s,  n, i) { s = tolower(s); sub(/^0x/, "", s); n = 0
	for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return n }'
sel() { awk -F, -v OUR="$OUR" "$HEX $1" "$TMP/frames.csv"; }
count() { sel "$1 { n++ } END { print n + 0 }"; }
req='$1 == OUR && $4 == 0'
rsp='$2 == OUR && $4 == 1'

t_check "broadcast query config: to ff:ff:ff:ff:ff:ff, shelf 65535 slot 255, cmd 1, version 1, once per run" \
	test "$(count "$req"' && $2 == "ff:ff:ff:ff:ff:ff" && $6 == "0xffff" && $7 == "0xff" && $8 == 1 && $3 == 1')" -ge 3
t_check "every frame we sent is AoE version 1 with no flags" \
	test "$(count '$1 == OUR && ($3 != 1 || $4 != 0 || $5 != 0)')" = 0
t_check "vblade's config responses: shelf 1 slot 1, cmd 1, R set" \
	test "$(count "$rsp"' && $6 == "0x0001" && $7 == "0x01" && $8 == 1')" -ge 3
t_check "IDENTIFY 0xEC, 1 sector, no E/W, to e1.1" \
	test "$(count "$req"' && $8 == 0 && $13 == "0xec" && $12 == 1 && $10 == 0 && $11 == 0 && $6 == "0x0001" && $7 == "0x01"')" -ge 3

# The bdev layer's partition scan reads sector 0 of the disk as it comes up (one sector, LBA 0);
# the workload's frames are the others.
scan='$13 == "0x24" && $12 == 1 && hex($15) == 0'
io="$req"' && $8 == 0 && !('"$scan"')'
t_check "the partition scan: one READ SECTORS EXT of sector 0, aflags E" \
	test "$(count "$req"' && $8 == 0 && '"$scan"' && $10 == 1 && $11 == 0')" -ge 1
lbas() { sel "$io"' && $13 == "'"$1"'" { print hex($15) }' | sort -n | uniq | tr '\n' ' '; }
WANT=$(for ((l = OFF / 512; l < OFF / 512 + 16; l += 2)); do printf '%d ' $l; done)
t_check "writes: WRITE SECTORS EXT 0x34 at LBAs $WANT" test "$(lbas 0x34)" = "$WANT"
t_check "... every one with aflags E and W and 2 sectors" \
	test "$(count "$req"' && $13 == "0x34" && !($10 == 1 && $11 == 1 && $12 == 2)')" = 0
t_check "reads: READ SECTORS EXT 0x24 at the same LBAs" test "$(lbas 0x24)" = "$WANT"
t_check "... every one with aflags E, not W, and 2 sectors" \
	test "$(count "$io"' && $13 == "0x24" && !($10 == 1 && $11 == 0 && $12 == 2)')" = 0
t_check "no LBA28 command (0x20/0x30) was sent to the LBA48 target" \
	test "$(count "$req"' && ($13 == "0x20" || $13 == "0x30")')" = 0
t_check "8 write and 8 read frames at least (retransmissions aside)" \
	test "$(count "$req"' && $13 == "0x34"')" -ge 8 -a "$(count "$req"' && $13 == "0x24"')" -ge 8
t_check "every ATA request's tag has the high bit clear" \
	test "$(count "$req"' && $8 == 0 && hex($9) >= 2147483648')" = 0
unanswered() {
	awk -F, -v OUR="$OUR" '
		$1 == OUR && $4 == 0 && $8 == 0 { want[$9] = 1 }
		$2 == OUR && $4 == 1 && $8 == 0 && $5 == 0 && $14 == "0x40" { got[$9] = 1 }
		END { for (t in want) if (!(t in got)) { print "no good response to tag " t; bad = 1 }
		      exit bad }' "$TMP/frames.csv"
}
t_check "every ATA request got a response with R, no E, ATA status 0x40 (DRDY), same tag" unanswered
t_check "no response carries the E flag" test "$(count '$4 == 1 && $5 == 1')" = 0
t_check "responses come from vblade's MAC, shelf 1 slot 1" \
	test "$(count "$rsp"' && !($6 == "0x0001" && $7 == "0x01")')" = 0

t_summary
