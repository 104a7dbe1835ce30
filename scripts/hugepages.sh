#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/hugepages.sh [reserve|release|status]
#
# reserve (default): make at least AOE_HUGEPAGES (1024 = 2 GiB) 2 MiB hugepages exist and mount
#   hugetlbfs at /dev/hugepages. When that is impossible (not root, no hugetlbfs, the kernel
#   could not find the memory) it says why and exits 0: DPDK then runs with --no-huge
#   (see aoe_eal_mem_args in scripts/lib/common.sh).
# release: give the pages back to the kernel (pages still mapped by a process stay until freed).
# status: key=value lines describing what DPDK would get.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"

SYSFS=/sys/kernel/mm/hugepages/hugepages-2048kB

usage() {
	echo "usage: ${0##*/} [reserve|release|status]  (env AOE_HUGEPAGES, default 1024)"
}

# /proc/sys/vm/nr_hugepages counts pages of the default size; write the 2 MiB pool directly
# when the default is something else (1 GiB on some kernels' command lines).
nr_file() {
	if grep -q '^Hugepagesize: *2048 kB' /proc/meminfo; then
		echo /proc/sys/vm/nr_hugepages
	else
		echo "$SYSFS/nr_hugepages"
	fi
}

mounted() {
	awk -v d="$AOE_HUGE_DIR" '$2 == d && $3 == "hugetlbfs" { ok = 1 } END { exit !ok }' /proc/mounts
}

why_not() {
	if ! aoe_is_root; then
		echo "not root"
	elif ! grep -qw hugetlbfs /proc/filesystems; then
		echo "the kernel has no hugetlbfs"
	elif [[ ! -d $SYSFS ]]; then
		echo "the kernel has no 2 MiB hugepages"
	else
		return 1
	fi
}

reserve() {
	local want=${AOE_HUGEPAGES:-1024} file have reason
	[[ $want =~ ^[0-9]+$ ]] || aoe_die "AOE_HUGEPAGES must be a number of 2 MiB pages, not '$want'"
	if reason=$(why_not); then
		aoe_log "cannot reserve hugepages ($reason); DPDK will run with --no-huge"
		return 0
	fi
	file=$(nr_file)
	have=$(cat "$file")
	# Only grow the pool: another user on this machine may already rely on more pages.
	if ((have < want)); then
		if ! echo "$want" >"$file" 2>/dev/null; then
			aoe_log "cannot write $file; DPDK will run with --no-huge"
			return 0
		fi
		have=$(cat "$file")
		if ((have < want)); then
			aoe_warn "asked for $want hugepages, the kernel found memory for $have"
		fi
	fi
	if ! mounted; then
		mkdir -p "$AOE_HUGE_DIR"
		if ! mount -t hugetlbfs -o pagesize=2M nodev "$AOE_HUGE_DIR" 2>/dev/null; then
			aoe_log "cannot mount hugetlbfs at $AOE_HUGE_DIR; DPDK will run with --no-huge"
			return 0
		fi
	fi
	aoe_log "$have hugepages of 2 MiB, $(aoe_hugepages_free) free, at $AOE_HUGE_DIR"
}

release() {
	local reason
	if reason=$(why_not); then
		aoe_log "nothing to release ($reason)"
		return 0
	fi
	echo 0 >"$(nr_file)" || aoe_die "cannot write $(nr_file)"
	aoe_log "released; $(cat "$SYSFS/nr_hugepages") pages still in use"
}

status() {
	local total=0 free=0
	if [[ -d $SYSFS ]]; then
		total=$(cat "$SYSFS/nr_hugepages")
		free=$(cat "$SYSFS/free_hugepages")
	fi
	echo "hugepage_kb=2048"
	echo "total=$total"
	echo "free=$free"
	if mounted; then echo "mount=$AOE_HUGE_DIR"; else echo "mount=none"; fi
	echo "usable_free=$(aoe_hugepages_free)"
	echo "eal_mem_args=$(aoe_eal_mem_args)"
}

case ${1:-reserve} in
reserve) reserve ;;
release) release ;;
status) status ;;
-h | --help) usage ;;
*) usage >&2; exit 2 ;;
esac
