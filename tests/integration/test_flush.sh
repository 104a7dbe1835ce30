#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# FLUSH through the block-device API (aoe_bdev_flush) needs a program that issues one: FLUSH
# CACHE EXT (0xEA) first; vblade aborts it (it implements only FLUSH CACHE 0xE7, as a no-op), so
# the engine must fall back to 0xE7 and the flush must succeed.
#
# No program issues a flush yet: aoe-perf has no flush workload (its --help and
# docs/usage-aoe-perf.md) and dpdk-aoe does no I/O. Until one does, this test records a skip
# and exits 0. The day aoe-perf lists a flush workload, it fails, asking for the real checks
# (flush frames on the wire, the 0xEA -> 0xE7 fallback on vblade, exit 0) to be written here.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/helpers/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/helpers/common.sh"
t_require_root
it_require_bins

N=fls$$
it_eal H "$N"
HELP=$(t_timeout 30 "$IT_PERF" "${H[@]}" -- --help 2>/dev/null)
t_check "aoe-perf --help lists its workloads" grep -Eq -- '^ *-w WORKLOAD .*verify' <<<"$HELP"
if grep -Eq -- '^ *-w WORKLOAD .*flush' <<<"$HELP"; then
	t_fail "a flush workload exists but is not tested" \
		"aoe-perf now has -w flush: write the flush checks in ${BASH_SOURCE[0]}"
else
	t_skip "FLUSH CACHE EXT / FLUSH CACHE via aoe_bdev_flush" \
		"no program issues a flush: aoe-perf has no flush workload"
fi
t_summary
