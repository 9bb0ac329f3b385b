#!/bin/sh
# Builds the fuzz targets and runs each for a bounded time on a copy of its
# seed corpus (tests/fuzz/corpus/*, left unchanged).  Exits non-zero when a
# target crashes; the input that did it is kept under build-fuzz/artifacts/.
#   FUZZ_SECONDS=300 sh tests/fuzz/run.sh     longer runs (default 20 s each)
#   FUZZ_JOBS=1                               one target at a time (default 2)
set -u
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-2}
sh tests/fuzz/build.sh || exit 1

work=$(mktemp -d "${TMPDIR:-/tmp}/danso-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p build-fuzz/artifacts
# Leaks matter here too; abort_on_error gives libFuzzer a signal to catch.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_one() {
	t=$1
	mkdir -p "$work/$t"
	cp tests/fuzz/corpus/"${t#fuzz_}"/* "$work/$t/"
	build-fuzz/"$t" -max_len=4096 -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build-fuzz/artifacts/$t-" "$work/$t" >"$work/$t.log" 2>&1
	echo $? >"$work/$t.rc"
}

targets="fuzz_csv fuzz_crosswalk fuzz_event fuzz_json fuzz_lifetable fuzz_demog fuzz_dhis2 fuzz_record fuzz_forecast fuzz_quality fuzz_http fuzz_privacy fuzz_extract"
if [ "$jobs" -gt 1 ]; then
	for t in $targets; do run_one "$t" & done
	wait
else
	for t in $targets; do run_one "$t"; done
fi

failed=0
for t in $targets; do
	rc=$(cat "$work/$t.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$t.log" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	if [ "$rc" -eq 0 ]; then
		echo "fuzz: $t: ok, ${runs:-?} inputs in ${seconds} s, coverage ${cov:-?}"
	else
		failed=1
		echo "fuzz: $t: FAILED (exit $rc)"
		# The report: from the sanitizer's or libFuzzer's first line of trouble.
		sed -n '/^==[0-9]*==\|^[^ ]*runtime error\|deadly signal\|^INFO: Running\|^MS:/,$p' \
			"$work/$t.log" | grep -v '^#[0-9]' | head -80
		ls -1 build-fuzz/artifacts/"$t"-* 2>/dev/null | sed 's/^/fuzz: input kept in /'
	fi
done
exit $failed
