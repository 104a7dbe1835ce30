#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/test.sh [lint | unit | integration [NAME...]]   (no argument: all three)
#
# The whole test suite, as root on Debian 12: scripts/setup.sh --werror (packages, hugepages,
# build with warnings as errors), then
#   lint         shellcheck over the project's shell scripts,
#   unit         meson test --suite unit (criterion),
#   integration  every tests/integration/test_*.sh (or test_NAME.sh for each NAME), one at a
#                time under timeout (AOE_TEST_TIMEOUT, default 600 s),
# and last a line "N passed, N failed" counting test programs. Exits non-zero if any failed or
# none ran. The whole run stays inside AOE_TEST_BUDGET seconds (default 1140): a test that
# would start after that is counted as failed, not skipped silently.
# AOE_SKIP_SETUP=1 skips setup.sh (the build must then exist already).
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$AOE_ROOT" || exit 1

START=$SECONDS
BUDGET=${AOE_TEST_BUDGET:-1140}
PER_TEST=${AOE_TEST_TIMEOUT:-600}
BUILD_DIR=$(aoe_build_dir)
# Both names: some integration tests look for BUILD_DIR.
export AOE_BUILD_DIR=$BUILD_DIR BUILD_DIR

PASSED=0
FAILED=0
SKIPPED=0
REPORT=()

pass() { PASSED=$((PASSED + 1)); REPORT+=("PASS  $1"); }
fail() { FAILED=$((FAILED + 1)); REPORT+=("FAIL  $1${2:+ ($2)}"); }
skip() { SKIPPED=$((SKIPPED + 1)); REPORT+=("SKIP  $1${2:+ ($2)}"); }
banner() { printf '\n===== %s =====\n' "$*"; }

usage() { sed -n '4,16s/^# \{0,1\}//p' "$0"; }

do_lint=0 do_unit=0 do_integ=0
NAMES=()
case ${1:-all} in
all) do_lint=1 do_unit=1 do_integ=1 ;;
lint) do_lint=1 ;;
unit) do_unit=1 ;;
integration) do_integ=1; shift; NAMES=("$@") ;;
-h | --help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac

built=1
if [[ ${AOE_SKIP_SETUP:-0} != 1 ]]; then
	banner "setup"
	# Packages first: without them nothing below means anything.
	if ! scripts/setup.sh --no-build; then
		fail "setup: packages and hugepages"
		echo "$PASSED passed, $FAILED failed"
		exit 1
	fi
	banner "build ($BUILD_DIR, warnings are errors)"
	# A good build is not a test program; a broken one is a failure.
	if ! scripts/setup.sh --werror; then
		fail "build" "see the compiler output above"
		built=0
	fi
elif [[ ! -f $BUILD_DIR/build.ninja ]]; then
	built=0
fi

run_lint() {
	banner "lint: shellcheck"
	local -a files
	mapfile -t files < <(git ls-files -- 'scripts/*.sh' 'scripts/lib/*.sh' 'tests/*.sh' \
		'tests/integration/*.sh' .ci/run 2>/dev/null)
	if ((${#files[@]} == 0)); then
		fail "lint: shellcheck" "no scripts found"
	elif ! command -v shellcheck >/dev/null; then
		fail "lint: shellcheck" "shellcheck is not installed"
	elif shellcheck -x -S warning "${files[@]}"; then
		echo "shellcheck: ${#files[@]} scripts clean"
		pass "lint: shellcheck"
	else
		fail "lint: shellcheck"
	fi
}

run_unit() {
	banner "unit: meson test --suite unit"
	if ((!built)); then
		fail "unit tests" "not run: the build failed"
		return
	fi
	local log=$BUILD_DIR/meson-logs/unit.json out rc
	rm -f "$log"
	out=$(meson test -C "$BUILD_DIR" --print-errorlogs --suite unit --logbase unit 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [[ ! -s $log ]]; then
		if grep -q "No suitable tests defined\|No tests defined" <<<"$out"; then
			echo "unit: no unit tests are defined"
		else
			fail "unit tests" "meson test exited $rc without a test log"
		fi
		return
	fi
	# One line per test program, and criterion's own summary line from its output.
	local name result synth bad=0
	while IFS=$'\t' read -r name result synth; do
		name=${name##* / }
		[[ -n $synth ]] && printf '%s: %s\n' "$name" "$synth"
		case $result in
		OK | EXPECTEDFAIL) pass "unit: $name" ;;
		SKIP) skip "unit: $name" ;;
		*) fail "unit: $name" "$result"; bad=1 ;;
		esac
	done < <(jq -r '[.name, .result,
		((((.stdout // "") + "\n" + (.stderr // "")) | split("\n")
		  | map(select(test("Synthesis"))) | last) // "")] | @tsv' "$log")
	# meson failing with every test fine (say, a rebuild error) is a failure of its own.
	if ((rc != 0 && !bad)); then
		fail "unit tests" "meson test exited $rc"
	fi
}

run_integration() {
	local -a scripts=()
	local n s
	if ((${#NAMES[@]} > 0)); then
		for n in "${NAMES[@]}"; do
			n=${n%.sh} n=${n#test_}
			s=tests/integration/test_$n.sh
			if [[ -f $s ]]; then scripts+=("$s"); else fail "integration: test_$n" "no such script $s"; fi
		done
	else
		for s in tests/integration/test_*.sh; do
			[[ -f $s ]] && scripts+=("$s")
		done
	fi
	local left limit rc name
	for s in "${scripts[@]}"; do
		name=$(basename "$s" .sh)
		banner "integration: $name"
		left=$((BUDGET - (SECONDS - START)))
		if ((left < 30)); then
			fail "integration: $name" "not run: the ${BUDGET} s budget is spent"
			continue
		fi
		limit=$((left < PER_TEST ? left : PER_TEST))
		timeout --kill-after=10 "$limit" bash "$s" </dev/null
		rc=$?
		case $rc in
		0) pass "integration: $name" ;;
		124 | 137) fail "integration: $name" "timed out after $limit s" ;;
		*) fail "integration: $name" "exit $rc" ;;
		esac
	done
}

((do_lint)) && run_lint
((do_unit)) && run_unit
((do_integ)) && run_integration

banner "summary ($((SECONDS - START)) s)"
printf '%s\n' "${REPORT[@]}"
if ((SKIPPED > 0)); then
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
	echo "$PASSED passed, $FAILED failed"
fi
((FAILED == 0 && PASSED > 0))
