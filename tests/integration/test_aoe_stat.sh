#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# aoe-stat against a running dpdk-aoe daemon on its own vblade test bed: the table (aoetools'
# columns), -v counters, --json, and the refusal when no initiator runs with a prefix.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

STAT=$(t_bin aoe-stat)
t_require_bins dpdk-aoe aoe-stat
t_testbed_up ast || { t_summary; exit 1; }
t_dpdk_args daemon "$(t_af_packet)"
PREFIX=$T_DPDK_PREFIX
OUT=$(mktemp /tmp/aoe-stat-test.XXXXXX)
t_cleanup_add rm -f "$OUT"

t_check_exit "unknown prefix: exit 1" 1 "$STAT" --file-prefix "aoe-none-$$"
t_check "unknown prefix: the message names it" grep -qF \
	"no dpdk-aoe or aoe-perf running with file prefix aoe-none-$$ (no $(aoe_dpdk_runtime_dir)/aoe-none-$$/aoe_stats)" <<<"$T_OUT"
t_check_exit "bad option: exit 2" 2 "$STAT" --bogus

t_bg DAEMON "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- >"$OUT" 2>&1
both_up() { [[ $("$STAT" --file-prefix "$PREFIX") == *e1.1*up*e1.2*up* ]]; }
t_wait_until --pid "$DAEMON" 15 both_up || t_fail "the daemon finds both targets" "$(cat "$OUT")"

WANT=$(printf '%10s %15s %10s %-5s %-14s\n' e1.1 0.067GB net_af_packet0 1024 up \
	e1.2 0.008GB net_af_packet0 1024 up)
t_check "table: names, sizes, port, payload 1024, up" "$STAT" --file-prefix "$PREFIX"
t_check "table: exactly aoetools' columns" test "$T_OUT" == "$WANT"

t_check "-v" "$STAT" --file-prefix "$PREFIX" -v
V=$T_OUT
t_check "-v: counters below each row" grep -q "^    frames_tx [1-9][0-9]*, frames_rx [1-9]" <<<"$V"
t_check "-v: two targets' counters" test "$(grep -c 'rto_ns [1-9]' <<<"$V")" -eq 2
t_check "-v: rtt shown" grep -q "srtt_ns [1-9]" <<<"$V"

t_check "--json" "$STAT" --file-prefix "$PREFIX" --json
J=$T_OUT
# The lcore received every accepted ATA answer and, besides, each target's config answer.
t_check "--json parses and has both targets with counters" jq -e \
	'(.program | length > 0) and .pid > 0 and ([.targets[].name] == ["e1.1", "e1.2"]) and
	 .targets[1].sectors == 16385 and .targets[0].frames_rx > 0 and .targets[0].state == "up" and
	 (.lcores | length) == 1 and
	 .lcores[0].rx_frames >= ([.targets[].frames_rx] | add) + 2' <<<"$J"
t_check "--json: pid is the daemon's" jq -e ".pid == $DAEMON" <<<"$J"

kill "$DAEMON"
wait "$DAEMON"
t_check_exit "after the daemon stopped: exit 1" 1 "$STAT" --file-prefix "$PREFIX"
t_summary
