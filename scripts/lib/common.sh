# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Shared shell helpers for scripts/ and tests/integration/. Source it; it defines functions
# and a few variables and runs nothing else.
#
#   aoe_log / aoe_warn / aoe_die MSG       messages on stderr, prefixed by the script's name
#   aoe_is_root                            true when running as uid 0
#   AOE_ROOT                               the repository's top directory
#   aoe_build_dir                          the meson build directory (AOE_BUILD_DIR or build)
#   aoe_hugepages_free                     free 2 MiB hugepages usable at /dev/hugepages (or 0)
#   aoe_eal_mem_args                       "--huge-dir /dev/hugepages -m 256" or "--no-huge -m 512"
#   aoe_eal_prefix NAME                    the --file-prefix aoe_eal_args uses: aoe-NAME-$$
#   aoe_eal_args NAME [VDEV...]            EAL arguments for one DPDK process (always --no-pci)
#   aoe_eal_cleanup PREFIX                 remove a finished process's hugepage and runtime files
#   aoe_wait [--pid PID] SECS CMD...       poll CMD until it succeeds, SECS pass or PID is gone
#   aoe_proc_state PID                     one-letter state of a live process; fails if gone
#   aoe_memif_listening PID SOCK [SECS]    wait until process PID listens on memif socket SOCK
#   aoe_probe IFACE SHELF SLOT [-i] [-t S] AoE query config (and IDENTIFY with -i) from user space

[[ -n "${AOE_COMMON_SH:-}" ]] && return 0
AOE_COMMON_SH=1

AOE_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
AOE_HUGE_DIR=/dev/hugepages

aoe_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
aoe_warn() { printf '%s: warning: %s\n' "${0##*/}" "$*" >&2; }
aoe_die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }
aoe_is_root() { [[ $(id -u) -eq 0 ]]; }

aoe_build_dir() {
	local d=${AOE_BUILD_DIR:-build}
	[[ $d == /* ]] || d=$AOE_ROOT/$d
	printf '%s\n' "$d"
}

# Free 2 MiB pages that a DPDK process could map from a mounted hugetlbfs at AOE_HUGE_DIR.
aoe_hugepages_free() {
	local f=/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages
	if [[ -r $f ]] && awk -v d="$AOE_HUGE_DIR" '$2 == d && $3 == "hugetlbfs" { ok = 1 }
	    END { exit !ok }' /proc/mounts && [[ -w $AOE_HUGE_DIR ]]; then
		cat "$f"
	else
		echo 0
	fi
}

# Hugepages when enough are free (DPDK's normal mode, and what real deployments use), else
# anonymous memory so that a machine without hugepages still runs everything.
# AOE_NO_HUGE=1 forces the fallback; AOE_EAL_MEM_MB / AOE_EAL_NOHUGE_MB change the sizes.
aoe_eal_mem_args() {
	local mb=${AOE_EAL_MEM_MB:-256} nohuge_mb=${AOE_EAL_NOHUGE_MB:-512}
	local need=$(((mb + 1) / 2))
	if [[ ${AOE_NO_HUGE:-0} != 1 ]] && (($(aoe_hugepages_free) >= need)); then
		printf -- '--huge-dir %s -m %s\n' "$AOE_HUGE_DIR" "$mb"
	else
		printf -- '--no-huge -m %s\n' "$nohuge_mb"
	fi
}

# $$ is the calling script's PID even inside $(...), so a caller can recompute the prefix.
aoe_eal_prefix() { printf 'aoe-%s-%s\n' "$1" "${AOE_FILE_PREFIX_ID:-$$}"; }

# Usage: read -ra eal <<<"$(aoe_eal_args NAME [VDEV...])"
# --no-pci always: a test or demo must never probe the machine's own NIC.
aoe_eal_args() {
	local name=$1
	shift
	local v
	printf -- '--no-pci --file-prefix %s %s%s\n' "$(aoe_eal_prefix "$name")" "$(aoe_eal_mem_args)" "$(for v; do printf ' --vdev %s' "$v"; done)"
}

aoe_dpdk_runtime_dir() {
	if aoe_is_root; then
		echo /var/run/dpdk
	else
		echo "${XDG_RUNTIME_DIR:-/tmp}/dpdk"
	fi
}

# Remove what a finished DPDK process of file prefix PREFIX left behind: its hugepage files
# (they keep the pages reserved) and its runtime directory. Refuses while the primary still
# holds its config lock, so it never pulls memory from under a running process.
aoe_eal_cleanup() {
	local prefix=$1 run
	[[ $prefix =~ ^aoe-[A-Za-z0-9_.-]+$ ]] || { aoe_warn "aoe_eal_cleanup: bad prefix '$prefix'"; return 1; }
	run=$(aoe_dpdk_runtime_dir)/$prefix
	if [[ -e $run/config ]] && command -v flock >/dev/null &&
	    ! flock -n "$run/config" true 2>/dev/null; then
		aoe_warn "DPDK prefix $prefix is still in use; not cleaning it"
		return 1
	fi
	rm -f -- "$AOE_HUGE_DIR/$prefix"map_* 2>/dev/null
	rm -rf -- "$run"
	return 0
}

# aoe_wait [--pid PID] SECS CMD...: run CMD every 0.1 s until it succeeds (0), or SECS pass
# or process PID is gone first (1); quiet. The one polling loop of scripts/ and the tests.
aoe_wait() {
	local pid=""
	if [[ $1 == --pid ]]; then
		pid=$2
		shift 2
	fi
	# A deadline in microseconds, not a count of tries: CMD itself may take a while.
	local end=$((${EPOCHREALTIME//[!0-9]/} + $1 * 1000000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[[ -z $pid ]] || aoe_proc_state "$pid" >/dev/null || return 1
		((${EPOCHREALTIME//[!0-9]/} < end)) || return 1
		sleep 0.1
	done
}

# One-letter state (R, S, T, ...) of PID; fails when the process is gone or a zombie.
aoe_proc_state() {
	local st
	st=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ -n $st && $st != Z && $st != X ]] || return 1
	printf '%s\n' "$st"
}

# True once process PID (a memif server) listens on SOCK, within SECS (default 10); false when
# it exits first or time runs out. memif's socket is abstract by default (no file, but
# /proc/net/unix shows it as @SOCK).
aoe_memif_listening() { aoe_wait --pid "$1" "${3:-10}" grep -qF " @$2" /proc/net/unix; }

# A user-space AoE query config (and with -i an ATA IDENTIFY DEVICE) to SHELF.SLOT on IFACE.
# aoetools' aoeping cannot be used on a veth: it drops every frame shorter than 60 bytes, and
# vblade's config replies are 32 bytes there (nothing pads them). Prints key=value lines;
# exits 0 on an answer, 1 on timeout, 2 on a usage or socket error.
aoe_probe() { python3 "$AOE_ROOT/tests/integration/helpers/aoe_probe.py" "$@"; }
