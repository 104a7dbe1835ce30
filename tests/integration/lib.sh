# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# A tiny TAP-like harness for tests/integration/test_*.sh. Source it first thing:
#
#   source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
#   t_require_root
#   t_testbed_up mytest --targets 1.1:64M        # own test bed, torn down at exit; sets AOE_TB_*
#   t_dpdk_args mytest "net_af_packet0,iface=$AOE_TB_IFACE,qpairs=1"   # fills T_DPDK_ARGS
#   t_check "daemon lists e1.1" t_timeout 30 "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --status
#   t_summary                                     # last line; its status is the script's
#
#   t_pass NAME / t_fail NAME WHY / t_skip NAME WHY   record one result
#   t_check NAME CMD...        run CMD; pass when it exits 0, else fail and show its output
#   t_check_fails NAME CMD...  the reverse: pass when CMD exits non-zero
#   t_cleanup_add CMD...       push a command run at exit, newest first (also on failure)
#   t_timeout SECS CMD...      CMD under timeout(1), killed 5 s after the TERM if needed
#   t_dpdk_args NAME [VDEV...] T_DPDK_ARGS=(EAL args, --no-pci, unique prefix); cleans the
#                              prefix's hugepage and runtime files at exit
#   t_bin PROGRAM              path of build/app/PROGRAM/PROGRAM (AOE_BUILD_DIR honoured)
#   t_telemetry PREFIX CMD...  ask a DPDK process's telemetry socket; one JSON answer per line
#   T_OUT                      the output of the last t_check / t_check_fails
#
# Tests run with set -u and pipefail but not -e: one failed check must not hide the others.

# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
set -uo pipefail

T_PASS=0
T_FAIL=0
T_SKIP=0
T_N=0
T_OUT=""
T_CLEANUP=()
T_DPDK_ARGS=()
T_TESTBED=$AOE_ROOT/scripts/testbed.sh

t_pass() {
	T_N=$((T_N + 1)) T_PASS=$((T_PASS + 1))
	printf 'ok %d - %s\n' "$T_N" "$1"
}

t_fail() {
	T_N=$((T_N + 1)) T_FAIL=$((T_FAIL + 1))
	printf 'not ok %d - %s\n' "$T_N" "$1"
	[[ -n ${2:-} ]] && printf '#   %s\n' "${2//$'\n'/$'\n'#   }"
	return 0
}

t_skip() {
	T_N=$((T_N + 1)) T_SKIP=$((T_SKIP + 1))
	printf 'ok %d - %s # SKIP %s\n' "$T_N" "$1" "${2:-}"
}

# Output tail of a failed command, enough to see why without flooding the log.
t_tail() { tail -n 30 <<<"$1"; }

t_check() {
	local name=$1 rc
	shift
	T_OUT=$("$@" 2>&1)
	rc=$?
	if ((rc == 0)); then
		t_pass "$name"
	else
		t_fail "$name" "exit $rc from: $*"$'\n'"$(t_tail "$T_OUT")"
	fi
	return $rc
}

t_check_fails() {
	local name=$1 rc
	shift
	T_OUT=$("$@" 2>&1)
	rc=$?
	if ((rc != 0)); then
		t_pass "$name"
		return 0
	fi
	t_fail "$name" "expected a failure, got exit 0 from: $*"$'\n'"$(t_tail "$T_OUT")"
	return 1
}

t_timeout() {
	local secs=$1
	shift
	timeout --kill-after=5 "$secs" "$@"
}

t_cleanup_add() {
	local cmd
	printf -v cmd '%q ' "$@"
	T_CLEANUP+=("$cmd")
}

t_run_cleanup() {
	local i
	for ((i = ${#T_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUP[i]}" >/dev/null 2>&1 || true
	done
	T_CLEANUP=()
}
trap t_run_cleanup EXIT
trap 'exit 130' INT TERM HUP

t_summary() {
	local skipped=""
	((T_SKIP > 0)) && skipped=", $T_SKIP skipped"
	printf '%d passed, %d failed%s\n' "$T_PASS" "$T_FAIL" "$skipped"
	# A script that checked nothing has not shown anything works.
	((T_FAIL == 0 && T_PASS > 0))
}

t_require_root() {
	if ! aoe_is_root; then
		echo "# needs root (network namespaces, raw sockets)"
		t_fail "running as root" "run $0 as root"
		t_summary
		exit 1
	fi
}

t_bin() { printf '%s/app/%s/%s\n' "$(aoe_build_dir)" "$1" "$1"; }

t_dpdk_args() {
	local name=$1
	# shellcheck disable=SC2034 # the caller's to use
	read -ra T_DPDK_ARGS <<<"$(aoe_eal_args "$@")"
	t_cleanup_add aoe_eal_cleanup "$(aoe_eal_prefix "$name")"
}

# t_testbed_up NAME [testbed.sh up options]: a test bed of one's own, down at exit; exports
# AOE_TB_IFACE, AOE_TB_NS, AOE_TB_TARGETS, ... Returns non-zero (and records a failure) if it
# cannot be made.
t_testbed_up() {
	local name=$1 out
	shift
	t_cleanup_add "$T_TESTBED" down --name "$name"
	if ! out=$("$T_TESTBED" up --name "$name" "$@" 2>&1); then
		t_fail "test bed $name up" "$(t_tail "$out")"
		return 1
	fi
	eval "$("$T_TESTBED" env --name "$name")"
}

# t_telemetry PREFIX CMD...: each command's answer (the value under its name) as one JSON line,
# asked over the process's telemetry socket the way dpdk-telemetry.py does.
t_telemetry() {
	local prefix=$1
	shift
	python3 - "$(aoe_dpdk_runtime_dir)/$prefix/dpdk_telemetry.v2" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
json.loads(s.recv(16384).decode())          # the greeting
for cmd in sys.argv[2:]:
    s.send(cmd.encode())
    reply = json.loads(s.recv(65536).decode())
    print(json.dumps(reply[cmd.split(",")[0]]))
PY
}
