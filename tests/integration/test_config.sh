#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dpdk-aoe's configuration file against real vblade targets (scripts/testbed.sh): a file that
# sets status, json and discover_wait = 5000 (not the default 2000) makes a plain "dpdk-aoe
# --config FILE" listen 5 s and print the JSON of every target; the command line wins over the
# file (--discover-wait, --iflist); the shipped
# config/dpdk-aoe.conf changes nothing; a bad file is refused with exit 2 and its line number
# before the EAL starts (nothing on stdout).
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

DAEMON=$(t_bin dpdk-aoe)
t_require_bins dpdk-aoe
command -v jq >/dev/null || { t_fail "jq is installed"; t_summary; exit 1; }

TMP=$(mktemp -d /tmp/it-config.XXXXXX)
t_cleanup_add rm -rf -- "$TMP"
# For the runs that must stop before the EAL: should one start anyway, it probes nothing.
t_dpdk_args cfg-noeal
NOEAL=(-l 0 "${T_DPDK_ARGS[@]}")

# ---- refusals: no test bed, no EAL --------------------------------------------------------------

# refused NAME WANT FILE-TEXT [ARGS...]: dpdk-aoe --config FILE exits 2, prints nothing on stdout
# and its stderr holds WANT.
refused() {
	local name=$1 want=$2 text=$3 rc
	shift 3
	printf '%b' "$text" >"$TMP/bad.conf"
	"$DAEMON" "${NOEAL[@]}" -- --config "$TMP/bad.conf" "$@" \
		>"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	if ((rc == 2)) && [[ ! -s $TMP/bad.out ]] && grep -qF -- "$want" "$TMP/bad.err"; then
		t_pass "$name"
	else
		t_fail "$name" "exit $rc (want 2), want '$want' on stderr; stdout:"$'\n'"$(cat \
			"$TMP/bad.out")"$'\n'"stderr:"$'\n'"$(cat "$TMP/bad.err")"
	fi
}

refused "bad value: exit 2, FILE:LINE and what is allowed" \
	"dpdk-aoe: $TMP/bad.conf:4: discover_wait: 'soon' is not a number; allowed: 1..600000 ms" \
	'# dpdk-aoe\n\nstatus = true\ndiscover_wait = soon\njson = true\n' --status
refused "unknown key names the line and the keys" \
	"$TMP/bad.conf:2: unknown key 'discover-wait'; allowed: iflist maxout deadsecs $(
	)discover_interval discover_wait status json" \
	'maxout = 8\ndiscover-wait = 500\n'
refused "line without '=' is refused at its line (CRLF file)" \
	"$TMP/bad.conf:3: 'json' is not key = value" 'status = true\r\n\r\njson\r\n'
refused "a key given twice names both lines" \
	"$TMP/bad.conf:5: maxout given twice (first on line 1); allowed: each key once" \
	'maxout = 8\n#\n#\n#\nmaxout = 9'
refused "a line over 4096 characters is refused with its number" \
	"$TMP/bad.conf:2: line longer than 4096 characters; allowed: at most 4096" \
	"maxout = 8\niflist = $(printf 'p%.0s' {1..5000})\nstatus = true\n"
refused "json = true without status is refused" "allowed only with --status" 'json = true\n'
refused "the command line does not excuse a bad file" "$TMP/bad.conf:1: maxout: 0 is out of range" \
	'maxout = 0\n' --maxout 8 --status
t_check_exit "--config of a missing file: exit 2" 2 \
	"$DAEMON" "${NOEAL[@]}" -- --config "$TMP/none.conf" --status
t_check "... and the message names the file" grep -qF "$TMP/none.conf: cannot open" <<<"$T_OUT"
t_check_exit "--config with --no-config: exit 2" 2 \
	"$DAEMON" "${NOEAL[@]}" -- --config "$TMP/bad.conf" --no-config

# ---- the test bed ------------------------------------------------------------------------------
t_testbed_up cfg || { t_summary; exit 1; }
t_dpdk_args cfg "$(t_af_packet)"
EAL=(-l 0 "${T_DPDK_ARGS[@]}")

# Exactly the test bed's targets (AOE_TB_TARGETS: "S.L:BYTES ..."), up, with their sizes.
want_json() {
	local want
	want=$(tr ' ' '\n' <<<"$AOE_TB_TARGETS" | sort -t. -k1,1n -k2,2n | jq -R -s -c 'split("\n")
		| map(select(length > 0) | split(":") as [$a, $b] |
		{name: ("e" + $a), size_bytes: ($b | tonumber), state: "up"})')
	jq -e -c --argjson want "$want" \
		'(.targets | map({name, size_bytes, state})) == $want' "$1" >/dev/null || { echo "want $want; got:"; cat "$1"; return 1; }
}

# run_timed OUT SECONDS-FILE ARGS...: dpdk-aoe's stdout to OUT, its wall time (ms) to SECONDS-FILE.
run_timed() {
	local out=$1 tfile=$2 t0 t1 rc
	shift 2
	t0=$(date +%s%N)
	t_timeout 60 "$DAEMON" "${EAL[@]}" -- "$@" >"$out" 2>"$out.err"
	rc=$?
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$tfile"
	((rc == 0)) || { echo "exit $rc; stderr:"; tail -n 20 "$out.err"; return 1; }
}

# The file's discover_wait is one the default (2000 ms) cannot pass for: 5000.
cat >"$TMP/good.conf" <<EOF
# dpdk-aoe, from the test: a status run as JSON, listening five seconds.
   status = true
json=true
	discover_wait = 5000

iflist = net_af_packet0
EOF

t_check "--config FILE alone: status as JSON (exit 0)" \
	run_timed "$TMP/a.json" "$TMP/a.ms" --config "$TMP/good.conf"
t_check "... lists every test bed target, up, with its size" want_json "$TMP/a.json"
t_check "... it listened the file's 5000 ms, not the default 2000 ($(cat "$TMP/a.ms" 2>/dev/null) ms)" \
	test "$(cat "$TMP/a.ms")" -ge 5000

# The command line wins: a run that took the file's 5000 ms would not be this quick.
t_check "--discover-wait 300 on the command line beats the file's 5000" \
	run_timed "$TMP/b.json" "$TMP/b.ms" --discover-wait 300 --config "$TMP/good.conf"
t_check "... it listened less than the file's 5000 ms ($(cat "$TMP/b.ms" 2>/dev/null) ms)" \
	test "$(cat "$TMP/b.ms")" -lt 5000
t_check "... still JSON with every target" want_json "$TMP/b.json"

# A file that names a port the EAL does not have fails; --iflist on the command line replaces it.
sed 's/^iflist = .*/iflist = net_nosuch0/' "$TMP/good.conf" >"$TMP/badport.conf"
t_check_exit "the file's iflist is used (no port net_nosuch0: refused, exit 2)" 2 \
	t_timeout 60 "$DAEMON" "${EAL[@]}" -- --config "$TMP/badport.conf"
t_check "... naming the port, the file and its line" \
	grep -qF "dpdk-aoe: $TMP/badport.conf:6: iflist: no port named 'net_nosuch0'" <<<"$T_OUT"
t_check "--iflist on the command line replaces the file's" \
	run_timed "$TMP/c.json" "$TMP/c.ms" --config "$TMP/badport.conf" --iflist net_af_packet0 \
	--discover-wait 500
t_check "... every target found" want_json "$TMP/c.json"

# The shipped example has every key commented out: the same table as no file at all.
t_check "the shipped config/dpdk-aoe.conf is accepted" \
	run_timed "$TMP/d.txt" "$TMP/d.ms" --config "$AOE_ROOT/config/dpdk-aoe.conf" --status
t_check "--no-config reads no file" run_timed "$TMP/e.txt" "$TMP/e.ms" --no-config --status
# same_tables A B N: the two tables are equal and list N targets up.
same_tables() {
	diff "$1" "$2" && test "$(grep -c ' up *$' "$1")" = "$3"
}
t_check "... both print the text table of the same targets" \
	same_tables "$TMP/d.txt" "$TMP/e.txt" "$(wc -w <<<"$AOE_TB_TARGETS")"

t_summary
