#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/fuzz.sh [-t SECONDS] [TARGET...]
#
# Runs the libFuzzer targets of tests/fuzz (all of them, or those named, e.g. fuzz_aoe_wire),
# each for SECONDS (default 60), starting from its corpus kept in the tree (tests/fuzz/corpus/
# NAME) plus what earlier runs found (AOE_FUZZ_BUILD/fuzz-corpus/NAME). Installs clang-14 and
# its runtime when missing and builds the targets in their own build directory
# (AOE_FUZZ_BUILD, default build-fuzz). A crash, a leak, a timeout or a sanitizer report fails
# the target; the input that did it is left in AOE_FUZZ_BUILD/fuzz-artifacts/NAME/. Targets
# run side by side, one per CPU (AOE_FUZZ_JOBS to change). Ends with
# "N passed, N failed" (one check per target) and exits non-zero when one failed.
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"

secs=60
while getopts "t:h" opt; do
	case $opt in
	t) secs=$OPTARG ;;
	h) sed -n '4,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) sed -n '4s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $secs =~ ^[1-9][0-9]*$ ]] || aoe_die "-t: a number of seconds, not '$secs'"

build=${AOE_FUZZ_BUILD:-$AOE_ROOT/build-fuzz}
[[ $build == /* ]] || build=$AOE_ROOT/$build

missing=()
command -v clang-14 >/dev/null 2>&1 || missing+=(clang-14)
[[ $(dpkg-query -W -f='${db:Status-Abbrev}' libclang-rt-14-dev 2>/dev/null) == ii* ]] ||
	missing+=(libclang-rt-14-dev)
if ((${#missing[@]} > 0)); then
	sudo=()
	aoe_is_root || sudo=(sudo)
	aoe_log "installing ${missing[*]}"
	"${sudo[@]}" apt-get -q update </dev/null
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" </dev/null || aoe_die "cannot install ${missing[*]}"
fi

if [[ ! -f $build/build.ninja ]]; then
	CC=clang-14 meson setup "$build" "$AOE_ROOT" -Dfuzz=true -Dtests=true >/dev/null ||
		aoe_die "meson setup $build failed"
fi
ninja -C "$build" || aoe_die "the fuzz targets do not build"

declare -A exe_of=()
while IFS=$'\t' read -r name exe; do
	exe_of[$name]=$exe
done < <(meson introspect --tests "$build" |
	jq -r '.[] | select(.suite | index("dpdk-aoe:fuzz")) | [.name, .cmd[0]] | @tsv')
targets=("$@")
if ((${#targets[@]} == 0)); then
	mapfile -t targets < <(printf '%s\n' "${!exe_of[@]}" | sort)
fi
((${#targets[@]} > 0)) || aoe_die "no fuzz target is registered in tests/fuzz/meson.build"

# fuzz_one TARGET EXE: one target's run; its verdict (PASS or FAIL lines) in RESULT_DIR/TARGET.
fuzz_one() {
	local t=$1 exe=$2 seeds work artifacts log rc runs
	seeds=$AOE_ROOT/tests/fuzz/corpus/${t#fuzz_}
	work=$build/fuzz-corpus/${t#fuzz_}
	artifacts=$build/fuzz-artifacts/${t#fuzz_}/
	mkdir -p "$work" "$artifacts"
	log=$build/fuzz-$t.log
	# New inputs go to the first directory: the tree's seed corpus stays as committed.
	"$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	if ((rc == 0)) && [[ -n $runs ]]; then
		echo "PASS $t: $runs inputs, no crash, leak or sanitizer report"
	else
		echo "FAIL $t: exit $rc; the last lines of $log:"
		tail -n 40 "$log"
		ls "$artifacts" 2>/dev/null | sed 's/^/  artifact: /'
	fi >"$RESULT_DIR/$t"
}

# As many targets at once as there are CPUs (AOE_FUZZ_JOBS to change): each fuzzer is one
# process on one core, and nothing else runs beside them at the end of the test suite.
jobs=${AOE_FUZZ_JOBS:-$(nproc)}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || aoe_die "AOE_FUZZ_JOBS: a number, not '$jobs'"
RESULT_DIR=$(mktemp -d)
trap 'rm -rf -- "$RESULT_DIR"' EXIT
for t in "${targets[@]}"; do
	exe=${exe_of[$t]:-}
	if [[ -z $exe ]]; then
		echo "FAIL $t: not a registered fuzz target (${!exe_of[*]})" >"$RESULT_DIR/$t"
		continue
	fi
	while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
	echo "fuzz.sh: $t for ${secs} s (seeds: tests/fuzz/corpus/${t#fuzz_})"
	fuzz_one "$t" "$exe" &
done
wait
passed=0 failed=0
for t in "${targets[@]}"; do
	cat -- "$RESULT_DIR/$t"
	if head -n 1 -- "$RESULT_DIR/$t" | grep -q '^PASS'; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
((failed == 0 && passed > 0))
