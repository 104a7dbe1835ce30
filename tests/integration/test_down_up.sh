#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# One dpdk-aoe daemon sees a target go down and come back, against real vblade: the target's
# vblade is paused (SIGSTOP) while the daemon has a frame outstanding to it (a revalidation
# asked through telemetry sends IDENTIFY), so after --deadsecs the target goes down; after
# SIGCONT, rediscovery (periodic, every second here) brings it back up, in the same process,
# with the same size. The other target stays up throughout.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root
t_require_bins dpdk-aoe

t_testbed_up du || { t_summary; exit 1; }
t_dpdk_args downup "$(t_af_packet)"
PREFIX=$T_DPDK_PREFIX
LOG=$(mktemp /tmp/aoedownup.XXXXXX)
t_cleanup_add rm -f "$LOG"

state() { t_telemetry "$PREFIX" "/aoe/info,$1" | jq -r .state; }
is_state() { [[ $(state "$1") == "$2" ]]; }

t_bg DAEMON "$(t_bin dpdk-aoe)" -l 0 "${T_DPDK_ARGS[@]}" -- --deadsecs 2 --discover-interval 1 \
	>"$LOG" 2>&1

if t_wait_until 15 is_state e1.1 up && t_wait_until 5 is_state e1.2 up; then
	t_pass "both targets up"
else
	t_fail "both targets up" "$(tail -n 20 "$LOG")"
fi

t_testbed du pause 1.1 >/dev/null
t_cleanup_add t_testbed du resume 1.1
t_telemetry "$PREFIX" /aoe/revalidate,e1.1 >/dev/null
if t_wait_until 10 is_state e1.1 down; then
	t_pass "e1.1 goes down after deadsecs with IDENTIFY unanswered"
else
	t_fail "e1.1 goes down" "state $(state e1.1); $(tail -n 20 "$LOG")"
fi
if grep -q "e1.1 down" "$LOG"; then
	t_pass "the daemon logs e1.1 down"
else
	t_fail "the daemon logs e1.1 down" "$(tail -n 20 "$LOG")"
fi
is_state e1.2 up && t_pass "e1.2 stays up" || t_fail "e1.2 stays up" "$(state e1.2)"

t_testbed du resume 1.1 >/dev/null
if t_wait_until 10 is_state e1.1 up; then
	t_pass "e1.1 comes back up after SIGCONT and rediscovery"
else
	t_fail "e1.1 comes back up" "state $(state e1.1); $(tail -n 20 "$LOG")"
fi
# Its event lines (stdout): up, down, up.
if [[ $(grep -Eo '^[0-9T:+-]+ e1\.1 (up|down)' "$LOG" | cut -d' ' -f3 | tr '\n' ' ') == "up down up " ]]
then
	t_pass "the daemon reports e1.1 up, down, then up a second time"
else
	t_fail "the daemon reports e1.1 up, down, then up a second time" "$(tail -n 20 "$LOG")"
fi
sectors=$(t_telemetry "$PREFIX" /aoe/info,e1.1 | jq -r .sectors)
[[ $sectors == 131072 ]] && t_pass "same size after coming back ($sectors sectors)" ||
	t_fail "same size after coming back" "$sectors"
events=$(t_telemetry "$PREFIX" /aoe/events,64)
# Down once, up again: exactly one change each way after the first probe.
if jq -e 'map(select(test("e1.1 state up -> down$"))) | length == 1' <<<"$events" >/dev/null &&
	jq -e 'map(select(test("e1.1 state .* -> up$"))) | length == 2' <<<"$events" >/dev/null; then
	t_pass "the error stream has the state changes: up -> down once, then up again"
else
	t_fail "the error stream has the state changes: up -> down once, then up again" "$events"
fi
kill -TERM "$DAEMON"
wait "$DAEMON"
rc=$?
[[ $rc -eq 0 ]] && t_pass "daemon exits 0 on SIGTERM" || t_fail "daemon exits 0 on SIGTERM" "exit $rc"
t_summary
