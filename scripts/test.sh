#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/test.sh [lint | unit | integration [NAME...] | sanitize [NAME...] | fuzz [TARGET...]]
#                                                                       (no argument: all five)
#
# The whole test suite, as root on Debian 12: scripts/setup.sh --werror (packages, hugepages,
# build with warnings as errors), then
#   lint         shellcheck over the shell scripts, clang-format --Werror over the C files,
#   unit         meson test --suite unit (criterion),
#   integration  the integration tests registered in tests/integration/meson.build (or those
#                NAMEd), one at a time under timeout (AOE_TEST_TIMEOUT, default 600 s),
#   sanitize     a second build with AddressSanitizer and UndefinedBehaviorSanitizer
#                ($AOE_BUILD_DIR-asan): the unit tests and the integration tests of the meson
#                suite "sanitize" (or those NAMEd); any sanitizer report fails,
#   fuzz         every libFuzzer target of tests/fuzz for AOE_FUZZ_SECONDS (default 20) each,
#                from its corpus in the tree (scripts/fuzz.sh); a crash or leak fails,
# and last a line "N passed, N failed" counting test programs, after one that counts their
# checks. Exits non-zero if any failed or none ran. The whole run stays inside AOE_TEST_BUDGET
# seconds (default 1380): a test that would start after that is counted as failed.
# AOE_SKIP_SETUP=1 skips setup.sh (the build must then exist already).
set -uo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$AOE_ROOT" || exit 1

START=$SECONDS
BUDGET=${AOE_TEST_BUDGET:-1380}
PER_TEST=${AOE_TEST_TIMEOUT:-600}
BUILD_DIR=$(aoe_build_dir)
SAN_DIR=$BUILD_DIR-asan
SAN_REPORT='runtime error: |ERROR: AddressSanitizer|ERROR: LeakSanitizer|SUMMARY: UndefinedBehaviorSanitizer'
export AOE_BUILD_DIR=$BUILD_DIR

PASSED=0 FAILED=0 SKIPPED=0
CHECKS_PASSED=0 CHECKS_FAILED=0 CHECKS_SKIPPED=0
REPORT=()

pass() { PASSED=$((PASSED + 1)); REPORT+=("PASS  $1"); }
fail() { FAILED=$((FAILED + 1)); REPORT+=("FAIL  $1${2:+ ($2)}"); }
skip() { SKIPPED=$((SKIPPED + 1)); REPORT+=("SKIP  $1${2:+ ($2)}"); }
banner() { printf '\n===== %s =====\n' "$*"; }
usage() { sed -n '4,21s/^# \{0,1\}//p' "$0"; }

do_lint=0 do_unit=0 do_integ=0 do_san=0 do_fuzz=0
NAMES=()
case ${1:-all} in
all) do_lint=1 do_unit=1 do_integ=1 do_san=1 do_fuzz=1 ;;
lint) do_lint=1 ;;
unit) do_unit=1 ;;
integration) do_integ=1; shift; NAMES=("$@") ;;
sanitize) do_san=1; shift; NAMES=("$@") ;;
fuzz) do_fuzz=1; shift; NAMES=("$@") ;;
-h | --help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac

# ---- set-up and build ----------------------------------------------------------------------

# A test program never runs against binaries older than the sources: when a build fails, the
# tests that need it are counted as failed, not run on what an earlier build left behind.
built=0
if [[ ${AOE_SKIP_SETUP:-0} != 1 ]]; then
	banner "setup"
	if ! scripts/setup.sh --no-build; then
		fail "setup: packages and hugepages"
		echo "$PASSED passed, $FAILED failed"
		exit 1
	fi
	if ((do_unit || do_integ)); then
		banner "build ($BUILD_DIR, warnings are errors)"
		if scripts/setup.sh --werror; then built=1; else fail "build" "see the compiler output above"; fi
	fi
elif ((do_unit || do_integ)); then
	if [[ -f $BUILD_DIR/build.ninja ]] && ninja -C "$BUILD_DIR" >/dev/null; then
		built=1
	else
		fail "build" "$BUILD_DIR does not build"
	fi
fi

# ---- how one test program's checks are counted ---------------------------------------------

# count_checks FILE: add the "N passed, N failed[, N skipped]" line a test script ends with (or
# criterion's "Synthesis: Tested: N | Passing: N | Failing: N | Crashing: N") to the check
# totals. Fails when the output has no such line or counts nothing: a test that checked nothing
# has not shown anything works.
count_checks() {
	local file=$1 line p f s=0
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$file" | tail -n 1)
	if [[ -n $line ]]; then
		read -r p f s < <(sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\1 \2 \4/' <<<"$line")
	else
		line=$(grep -E 'Synthesis: Tested: [0-9]+ \| Passing: [0-9]+ \| Failing: [0-9]+ \| Crashing: [0-9]+' "$file" | tail -n 1)
		[[ -n $line ]] || return 1
		read -r p f s < <(sed -E 's/.*Passing: ([0-9]+) \| Failing: ([0-9]+) \| Crashing: ([0-9]+).*/\1 \2 \3/' <<<"$line")
		f=$((f + s)) s=0
	fi
	CHECKS_PASSED=$((CHECKS_PASSED + p)) CHECKS_FAILED=$((CHECKS_FAILED + f))
	CHECKS_SKIPPED=$((CHECKS_SKIPPED + ${s:-0}))
	((p + f > 0))
}

# ---- lint ----------------------------------------------------------------------------------

run_lint() {
	banner "lint: shellcheck"
	local -a files
	mapfile -t files < <(git ls-files -- 'scripts/*.sh' 'scripts/lib/*.sh' 'tests/*.sh' \
		'tests/integration/*.sh' 'examples/*.sh' .ci/run 2>/dev/null)
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

	# The checked-in .clang-format is the style, not a suggestion.
	banner "lint: clang-format"
	mapfile -t files < <(git ls-files -- '*.c' '*.h')
	if ! command -v clang-format >/dev/null; then
		fail "lint: clang-format" "clang-format is not installed"
	elif clang-format --dry-run --Werror "${files[@]}"; then
		echo "clang-format: ${#files[@]} C files as .clang-format wants them"
		pass "lint: clang-format"
	else
		fail "lint: clang-format" "run: clang-format -i on the files above"
	fi
}

# ---- unit ----------------------------------------------------------------------------------

# run_unit DIR LABEL: every criterion program of the unit suite in build DIR, one result each.
run_unit() {
	local dir=$1 label=$2
	banner "$label: meson test --suite unit ($dir)"
	local log=$dir/meson-logs/unit.json out rc
	rm -f "$log"
	out=$(meson test -C "$dir" --print-errorlogs --suite unit --logbase unit 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [[ ! -s $log ]]; then
		# Unit tests that vanish are a failure, not an empty success.
		fail "$label tests" "meson test exited $rc and ran no unit test"
		return
	fi
	local name result synth bad=0 tmp
	tmp=$(mktemp)
	while IFS=$'\t' read -r name result synth; do
		name=${name##* / }
		[[ -n $synth ]] && printf '%s: %s\n' "$name" "$synth"
		printf '%s\n' "$synth" >"$tmp"
		case $result in
		OK | EXPECTEDFAIL)
			if count_checks "$tmp"; then
				pass "$label: $name"
			else
				fail "$label: $name" "it ran no test"; bad=1
			fi ;;
		SKIP) skip "$label: $name" ;;
		*) count_checks "$tmp"; fail "$label: $name" "$result"; bad=1 ;;
		esac
	done < <(jq -r '[.name, .result,
		((((.stdout // "") + "\n" + (.stderr // "")) | split("\n")
		  | map(select(test("Synthesis"))) | last) // "")] | @tsv' "$log")
	rm -f "$tmp"
	# meson failing with every test fine (say, a rebuild error) is a failure of its own.
	if ((rc != 0 && !bad)); then
		fail "$label tests" "meson test exited $rc"
	fi
}

# ---- integration ---------------------------------------------------------------------------

# registered DIR SUITE: "name<TAB>script" for each test of SUITE that meson knows in DIR. The
# list lives in tests/integration/meson.build alone.
registered() {
	meson introspect --tests "$1" |
		jq -r --arg s "dpdk-aoe:$2" '.[] | select(.suite | index($s)) | [.name, .cmd[1]] | @tsv'
}

# run_scripts LABEL SUITE DIR: the integration scripts of SUITE (or NAMES), built in DIR.
run_scripts() {
	local label=$1 suite=$2 dir=$3
	local -A script_of=()
	local -a order=()
	local n s f
	while IFS=$'\t' read -r n s; do
		script_of[$n]=$s
		order+=("$n")
	done < <(registered "$dir" "$suite")
	if [[ $suite == integration ]]; then
		# A script that is not registered would never run in CI: say so.
		for f in tests/integration/test_*.sh; do
			n=$(basename "$f" .sh)
			n=${n#test_}
			[[ -n ${script_of[$n]:-} ]] ||
				fail "$label: $(basename "$f")" "not registered in tests/integration/meson.build"
		done
	fi
	if ((${#NAMES[@]} > 0)); then
		order=()
		for n in "${NAMES[@]}"; do
			n=${n%.sh} n=${n#test_}
			if [[ -n ${script_of[$n]:-} ]]; then
				order+=("$n")
			else
				fail "$label: test_$n" "not a registered test of suite $suite"
			fi
		done
	fi
	if ((${#order[@]} == 0)); then
		fail "$label" "no test of suite $suite is registered in $dir"
		return
	fi
	local left limit rc t0 out
	out=$(mktemp)
	for n in "${order[@]}"; do
		banner "$label: test_$n"
		left=$((BUDGET - (SECONDS - START)))
		if ((left < 30)); then
			fail "$label: test_$n" "not run: the ${BUDGET} s budget is spent"
			continue
		fi
		limit=$((left < PER_TEST ? left : PER_TEST))
		t0=$SECONDS
		AOE_BUILD_DIR=$dir timeout --kill-after=10 "$limit" bash "${script_of[$n]}" </dev/null 2>&1 |
			tee "$out"
		rc=${PIPESTATUS[0]}
		count_checks "$out" || { ((rc == 0)) && rc=3; }
		# A sanitizer report that a test printed (most reports go to files: run_sanitize).
		grep -q -E "$SAN_REPORT" "$out" && rc=4
		case $rc in
		0) pass "$label: test_$n ($((SECONDS - t0)) s)" ;;
		3) fail "$label: test_$n" "exit 0 without a 'N passed, N failed' line" ;;
		4) fail "$label: test_$n" "a sanitizer report in its output" ;;
		124 | 137) fail "$label: test_$n" "timed out after $limit s" ;;
		*) fail "$label: test_$n" "exit $rc" ;;
		esac
	done
	rm -f "$out"
}

# ---- sanitize ------------------------------------------------------------------------------

# Every sanitizer report goes to a file of its own, so one is seen even when a test swallows
# the program's stderr; the report, not the test's verdict, decides.
run_sanitize() {
	banner "sanitize: build ($SAN_DIR, -Db_sanitize=address,undefined)"
	# Undefined behaviour aborts the program (-fno-sanitize-recover), as AddressSanitizer's
	# errors do: a report cannot pass as a warning in a test that looks only at exit codes.
	local opts=('-Db_sanitize=address,undefined' -Db_lundef=false -Dwerror=true
		-Dc_args=-fno-sanitize-recover=undefined -Dc_link_args=-fno-sanitize-recover=undefined)
	if [[ -f $SAN_DIR/build.ninja ]]; then
		meson configure "$SAN_DIR" "${opts[@]}" >/dev/null
	else
		meson setup "$SAN_DIR" "${opts[@]}" >/dev/null
	fi || { fail "sanitize: build" "meson setup failed"; return; }
	if ! ninja -C "$SAN_DIR"; then
		fail "sanitize: build" "see the compiler output above"
		return
	fi
	local logs
	logs=$(mktemp -d)
	export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0"
	export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1"
	((${#NAMES[@]} > 0)) || run_unit "$SAN_DIR" "sanitize: unit"
	run_scripts "sanitize" sanitize "$SAN_DIR"
	unset ASAN_OPTIONS UBSAN_OPTIONS
	local reports
	reports=$(find "$logs" -type f | sort)
	if [[ -n $reports ]]; then
		local r
		for r in $reports; do
			printf '\n--- %s ---\n' "$(basename "$r")"
			head -n 40 "$r"
		done
		fail "sanitize: reports" "$(wc -l <<<"$reports") sanitizer report(s), shown above"
	else
		pass "sanitize: no sanitizer report"
	fi
	rm -rf "$logs"
}

# ---- fuzz ----------------------------------------------------------------------------------

run_fuzz() {
	banner "fuzz: every libFuzzer target, ${AOE_FUZZ_SECONDS:-20} s each"
	local out rc
	out=$(mktemp)
	scripts/fuzz.sh -t "${AOE_FUZZ_SECONDS:-20}" "${NAMES[@]}" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	if ! count_checks "$out"; then
		fail "fuzz" "scripts/fuzz.sh exited $rc without running a target"
	elif ((rc == 0)); then
		pass "fuzz: $(grep -c '^PASS' "$out") target(s)"
	else
		fail "fuzz" "$(grep '^FAIL' "$out" | head -n 3 | tr '\n' ' ')"
	fi
	rm -f "$out"
}

((do_lint)) && run_lint
if ((do_unit)); then
	if ((built)); then run_unit "$BUILD_DIR" unit; else fail "unit tests" "not run: the build failed"; fi
fi
if ((do_integ)); then
	if ((built)); then
		run_scripts integration integration "$BUILD_DIR"
	else
		fail "integration tests" "not run: the build failed"
	fi
fi
((do_san)) && run_sanitize
((do_fuzz)) && run_fuzz

banner "summary ($((SECONDS - START)) s)"
printf '%s\n' "${REPORT[@]}"
skipped=""
((CHECKS_SKIPPED > 0)) && skipped=", $CHECKS_SKIPPED skipped"
echo "checks: $CHECKS_PASSED passed, $CHECKS_FAILED failed$skipped"
if ((SKIPPED > 0)); then
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
	echo "$PASSED passed, $FAILED failed"
fi
((FAILED == 0 && PASSED > 0))
