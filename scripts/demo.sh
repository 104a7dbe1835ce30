#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/demo.sh, as root — the main job on the built-in default, the test bed:
#   1. scripts/setup.sh (packages, hugepages, build),
#   2. a test bed named aoedemo (vblade targets e1.1 64 MiB and e1.2 8 MiB + 512 bytes in a
#      network namespace behind a veth pair),
#   3. dpdk-aoe --status: discovery and IDENTIFY of every target over DPDK's af_packet PMD,
#   4. aoe-perf: 5 s of 4 KiB random reads at queue depth 16 on e1.1, then a write-and-verify run,
#   5. the test bed comes down again, also on failure or Ctrl-C.
# AOE_SKIP_SETUP=1 skips step 1 (the build must exist). Exits non-zero if a step failed.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$AOE_ROOT"

aoe_is_root || aoe_die "run $0 as root (it installs packages and makes a network namespace)"

TB_NAME=aoedemo
BUILD_DIR=$(aoe_build_dir)
DPDK_AOE=$BUILD_DIR/app/dpdk-aoe/dpdk-aoe
AOE_PERF=$BUILD_DIR/app/aoe-perf/aoe-perf
PREFIXES=()

cleanup() {
	local p
	for p in "${PREFIXES[@]}"; do
		aoe_eal_cleanup "$p" || true
	done
	scripts/testbed.sh down --name "$TB_NAME" || true
}

step() { printf '\n===== %s =====\n' "$*"; }

# run NAME PROGRAM PROGRAM-ARGS...: one DPDK process on the test bed's veth, single lcore.
FAILED=()
run() {
	local name=$1 prog=$2 rc=0
	shift 2
	local -a eal
	read -ra eal <<<"$(aoe_eal_args "$name" "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1")"
	PREFIXES+=("$(aoe_eal_prefix "$name")")
	echo "+ ${prog#"$AOE_ROOT"/} -l 0 ${eal[*]} -- $*"
	timeout --kill-after=10 120 "$prog" -l 0 "${eal[@]}" -- "$@" </dev/null || rc=$?
	aoe_eal_cleanup "$(aoe_eal_prefix "$name")" || true
	if ((rc != 0)); then
		echo "${prog##*/} exited with status $rc"
		FAILED+=("${prog##*/} $*")
	fi
}

if [[ ${AOE_SKIP_SETUP:-0} != 1 ]]; then
	step "setup"
	scripts/setup.sh
fi
for p in "$DPDK_AOE" "$AOE_PERF"; do
	[[ -x $p ]] || aoe_die "$p was not built; see the build output above"
done

step "test bed $TB_NAME"
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# A test bed left by an interrupted earlier demo may have other settings: start afresh.
scripts/testbed.sh down --name "$TB_NAME" >/dev/null 2>&1 || true
scripts/testbed.sh up --name "$TB_NAME"
eval "$(scripts/testbed.sh env --name "$TB_NAME")"

step "dpdk-aoe --status"
run demo-daemon "$DPDK_AOE" --status

step "aoe-perf: 4 KiB random reads, queue depth 16, 5 s on e1.1"
run demo-perf "$AOE_PERF" -T e1.1 -w randread -o 4096 -q 16 -t 5

step "aoe-perf: write, read back and verify, 5 s on e1.1"
run demo-verify "$AOE_PERF" -T e1.1 -w verify -o 4096 -q 16 -t 5

step "done"
if ((${#FAILED[@]} > 0)); then
	printf 'failed: %s\n' "${FAILED[@]}"
	exit 1
fi
echo "every step succeeded"
