#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Partitions as NBD exports: dpdk-aoe --nbd over vblade targets whose backing files carry an MBR
# (sfdisk: primary and logical partitions) and a GPT (sgdisk). Every partition bdev is an export
# of its own name and exact size (nbdinfo --list); qemu-io writes through one and the bytes
# land in the backing file where sfdisk says the partition starts, and nowhere past its end;
# when the target goes down, a partition of it is refused with "the AoE target is down" (not
# "no export"); when it comes back, so do its partitions.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/helpers/nbd_common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/helpers/nbd_common.sh"
t_require_root

for p in sfdisk sgdisk nbdinfo qemu-io; do
	command -v "$p" >/dev/null || { t_fail "$p is installed" "run scripts/setup.sh"; t_summary; exit 1; }
done
N=bdnbd
t_testbed_up "$N" --targets 1.1:64M,1.2:32M || { t_summary; exit 1; }
IMG1=$(t_testbed_file "$N" 1.1)
IMG2=$(t_testbed_file "$N" 1.2)
printf 'label: dos\nstart=2048, size=16384, type=83\nstart=18432, size=81920, type=5
start=20480, size=10240, type=83\nstart=32768, size=20479, type=83\n' | sfdisk -q "$IMG1"
sgdisk -n 1:2048:+8M -n 2:0:+7M "$IMG2" >/dev/null

nbd_daemon_start "$N" --deadsecs 2
# The exports as sfdisk reads the tables: "e1.1p5 20480 10240" (start, sectors).
parts() {
	sfdisk -d "$2" | sed -n "s/^.*[^0-9]\([0-9]*\) : start= *\([0-9]*\), size= *\([0-9]*\), type=\([^,]*\).*/$1p\1 \2 \3 \4/p" |
		awk '$4 != "5" { print $1, $2, $3 }'
}
PARTS=$( (parts e1.1 "$IMG1"; parts e1.2 "$IMG2") | sort)
# jq: {"e1.1": 67108864, "e1.1p1": 8388608, ...}
want=$( (echo "e1.1 0 131072"; echo "e1.2 0 65536"; echo "$PARTS") |
	jq -Rn '[inputs | split(" ") | {(.[0]): ((.[2] | tonumber) * 512)}] | add')
have() { nbdinfo --list --json "$(nbd_uri "")" | jq '[.exports[] | {(."export-name"): ."export-size"}] | add'; }
t_check "partitions appear as exports" aoe_wait 10 bash -c "[[ \$(nbdinfo --list --json '$(nbd_uri "")' | jq '.exports | length') == 7 ]]"
t_check "every disk and partition an export of its exact size (e1.1p6: 20479 sectors)" \
	jq -ne --argjson a "$want" --argjson b "$(have)" '$a == $b'
[[ $T_OUT != "" ]] || echo "# want $want; have $(have)"

# Written through e1.1p5 (the first logical partition), read from the backing file.
p5=$(awk '$1 == "e1.1p5" { print $2 }' <<<"$PARTS")
t_check "qemu-io writes 1 MiB at 2 MiB into e1.1p5" t_timeout 60 qemu-io -f raw \
	-c "write -P 0x5c 2M 1M" "$(nbd_uri e1.1p5)"
t_check "... the backing file has it at sector $p5 + 4096" \
	cmp <(head -c 1048576 /dev/zero | tr '\0' '\134') \
	<(dd if="$IMG1" bs=512 skip=$((p5 + 4096)) count=2048 status=none)
t_check "... and read back through e1.1p5: 1 MiB of zero-copy reads from the frames" \
	t_timeout 60 qemu-io -f raw -c "read -P 0x5c 2M 1M" -c "read -P 0x5c 2M 4k" \
	-c "read -P 0x5c 3145216 512" "$(nbd_uri e1.1p5)"
t_check "... which were zero-copy reads, their frames all given back ($(nbd_zcopy))" \
	nbd_zcopy_is '.reads > 0 and .held == 0'
t_check "a write past e1.1p5's end is refused" bash -c "! qemu-io -f raw \
	-c 'write -P 0x77 5M 512' '$(nbd_uri e1.1p5)' 2>/dev/null | grep -q 'wrote 512'"
t_check "... and e1.1p6's first sector is untouched" \
	bash -c "! dd if='$IMG1' bs=512 skip=32768 count=1 status=none | grep -q w"

# Down: its partitions are refused as down, not as unknown.
t_testbed "$N" pause 1.1 >/dev/null
t_check "the paused target goes down once I/O to it times out" aoe_wait 20 bash -c "
	qemu-io -f raw -c 'read 0 512' '$(nbd_uri e1.1)' >/dev/null 2>&1
	'$(t_bin aoe-stat)' --file-prefix '$NBD_PREFIX' | grep -Eq '^ *e1\.1 .* down'"
t_check_fails "nbdinfo on e1.1p5 of the down target is refused" nbdinfo "$(nbd_uri e1.1p5)"
t_check "... the server says the target is down" \
	aoe_wait 5 grep -q "export e1.1p5: the AoE target is down" "$NBD_LOG"
t_check_fails "e1.1p9 of the down target: refused too" nbdinfo "$(nbd_uri e1.1p9)"
t_check "... as down: whether it exists cannot be told" \
	aoe_wait 5 grep -q "export e1.1p9: the AoE target is down" "$NBD_LOG"
t_check_fails "e1.2p9 of the up e1.2, which has no such partition" nbdinfo "$(nbd_uri e1.2p9)"
t_check "... is no export" aoe_wait 5 grep -q "no export named 'e1.2p9'" "$NBD_LOG"
t_check "e1.2's partitions are still served" nbdinfo "$(nbd_uri e1.2p2)"
t_testbed "$N" resume 1.1 >/dev/null
t_check "back up, e1.1's partitions are exports again" aoe_wait 20 nbdinfo "$(nbd_uri e1.1p6)"
t_check "... of the same sizes" bash -c "jq -ne --argjson a '$want' --argjson b \"\$(nbdinfo --list --json '$(nbd_uri "")' | jq '[.exports[] | {(.\"export-name\"): .\"export-size\"}] | add')\" '\$a == \$b'"
rc=0
nbd_daemon_stop || rc=$?
t_check "dpdk-aoe exits 0 on SIGTERM" test "$rc" -eq 0
t_summary
