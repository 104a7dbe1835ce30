# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# What the NBD export tests share (source lib.sh first): a dpdk-aoe daemon serving NBD on a
# Unix socket in a temporary directory, over a test bed of its own.
#
#   nbd_daemon_start NAME [DAEMON OPTIONS...]  over the test bed up last (t_testbed_up): starts
#                        dpdk-aoe -l $NBD_LCORES (lcore ids separated by commas, default 0; one
#                        af_packet queue pair each) -- --nbd unix:$NBD_DIR/nbd.sock
#                        OPTIONS..., waits until every test bed target is an export; sets
#                        NBD_PID NBD_LOG NBD_SOCK NBD_PREFIX
#   nbd_uri EXPORT       nbd+unix:///EXPORT?socket=$NBD_SOCK
#   nbd_py SCRIPT ARGS   a python helper under Debian's python3 (python3-libnbd is its module)
#   nbd_sh SCRIPT ARGS   the same helper run inside nbdsh (libnbd's shell runs "python3 -m nbd",
#                        so Debian's python3 must come first on PATH)
#   nbd_daemon_stop      SIGTERM to the daemon; its exit status, or 124 when it had to be
#                        killed after 20 s (sets NBD_STOP_SECS)

NBD_HELPERS=$(dirname -- "${BASH_SOURCE[0]}")
NBD_PY=/usr/bin/python3

nbd_uri() { printf 'nbd+unix:///%s?socket=%s\n' "$1" "$NBD_SOCK"; }

nbd_py() {
	local script=$1
	shift
	"$NBD_PY" "$NBD_HELPERS/$script" "$@"
}

nbd_sh() {
	local script=$NBD_HELPERS/$1 argv
	shift
	# nbdsh takes no arguments of its own for the script: they go in as a Python list.
	argv=$("$NBD_PY" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$script" "$@")
	PATH=/usr/bin:$PATH nbdsh -c "import runpy, sys
sys.argv = $argv
runpy.run_path(sys.argv[0], run_name='__main__')"
}

# Every target of the test bed listed as an export.
nbd_all_exported() {
	local list t
	list=$(nbdinfo --list --json "$(nbd_uri "")" 2>/dev/null) || return 1
	for t in ${AOE_TB_TARGETS//,/ }; do
		jq -e --arg n "e${t%%:*}" '.exports | map(."export-name") | index($n) != null' \
			<<<"$list" >/dev/null || return 1
	done
}

nbd_daemon_stop() {
	local start=$SECONDS rc=0 st=0
	kill -TERM "$NBD_PID"
	if ! t_wait_until 20 bash -c "! kill -0 $NBD_PID"; then
		kill -KILL "$NBD_PID"
		rc=124
	fi
	wait "$NBD_PID" || st=$?
	((rc == 124)) || rc=$st
	# shellcheck disable=SC2034 # the tests' to use
	NBD_STOP_SECS=$((SECONDS - start))
	return $rc
}

nbd_daemon_start() {
	local name=$1
	shift
	NBD_DIR=$(mktemp -d "/tmp/aoe-$name.XXXXXX")
	t_cleanup_add rm -rf "$NBD_DIR"
	NBD_SOCK=$NBD_DIR/nbd.sock
	NBD_LOG=$NBD_DIR/daemon.log
	local lcores=${NBD_LCORES:-0} ids
	IFS=, read -ra ids <<<"$lcores"
	t_dpdk_args "$name" "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=${#ids[@]}"
	# shellcheck disable=SC2034 # the tests' to use
	NBD_PREFIX=$T_DPDK_PREFIX
	NBD_LCORE_IDS=("${ids[@]}")
	t_bg NBD_PID "$(t_bin dpdk-aoe)" -l "$lcores" "${T_DPDK_ARGS[@]}" -- --no-config \
		--discover-interval 1 --nbd "unix:$NBD_SOCK" "$@" >"$NBD_LOG" 2>&1
	if t_wait_until --pid "$NBD_PID" 20 nbd_all_exported; then
		t_pass "dpdk-aoe serves every target as an NBD export"
	else
		t_fail "dpdk-aoe serves every target as an NBD export" "$(tail -n 20 "$NBD_LOG")"
		t_summary
		exit 1
	fi
}

# nbd_zcopy: the daemon's zero-copy reads over its lcores, {"reads": N, "held": N} (held: the
# response frames READs hold now, 0 once every reply has gone and its frames were freed).
nbd_zcopy() {
	local q=() id
	for id in "${NBD_LCORE_IDS[@]}"; do q+=("/aoe/lcore_stats,$id"); done
	t_telemetry "$NBD_PREFIX" "${q[@]}" |
		jq -s -c '{reads: (map(.zcopy_reads) | add), held: (map(.zcopy_held) | add)}'
}
# nbd_zcopy_idle: no frame held (to wait for, after clients left).
nbd_zcopy_idle() { nbd_zcopy_is '.held == 0'; }
# nbd_zcopy_is JQ: JQ holds over nbd_zcopy's answer (no answer is false).
nbd_zcopy_is() { jq -e -n --argjson z "$(nbd_zcopy)" "\$z | $1" >/dev/null 2>&1; }
