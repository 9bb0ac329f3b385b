#!/bin/sh
# The whole test suite (make test).  Each suite prints its own results; the
# last line sums the suites: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=""
suite() {
	name=$1
	shift
	echo "== $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $name"
	fi
}

export DANSO_BIN="$PWD/build-san/danso"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# A private PostgreSQL first: the unit, two-server and API suites run on it
# as well as on SQLite.  When it cannot start, the unit suites fail (their
# PostgreSQL cases cannot run) and so does two-servers: no suite passes
# without running.
pgdir=$(mktemp -d /tmp/danso-pg-XXXXXX)
if sh tests/pg.sh start "$pgdir" >"$pgdir.url" 2>"$pgdir.err"; then
	DANSO_TEST_PG=$(cat "$pgdir.url")
	export DANSO_TEST_PG
else
	echo "PostgreSQL could not start:"
	cat "$pgdir.err"
	unset DANSO_TEST_PG
fi

suite hygiene sh tests/hygiene.sh
suite unit build/test_unit
suite unit-sanitizers build-san/test_unit
if [ -n "${DANSO_TEST_PG:-}" ]; then
	suite two-servers node --test tests/pg/
else
	echo "== two-servers"
	echo "not run: PostgreSQL did not start"
	failed=$((failed + 1))
	failures="$failures two-servers"
fi

if ls tests/cli/*.test.mjs >/dev/null 2>&1; then
	suite cli node --test --test-concurrency=1 tests/cli/
fi
suite reports node --test --test-concurrency=1 tests/reports/
if ls tests/api/*.test.mjs >/dev/null 2>&1; then
	suite api node --test --test-concurrency=1 tests/api/
fi
if ls tests/e2e/*.test.mjs >/dev/null 2>&1; then
	[ -d tests/e2e/node_modules/axe-core ] || npm ci --prefix tests/e2e --no-audit --no-fund >/dev/null
	suite browser node --test --test-concurrency=1 tests/e2e/
fi
if [ -f tests/fuzz/run.sh ]; then
	suite fuzz sh tests/fuzz/run.sh
fi

sh tests/pg.sh stop "$pgdir"
rm -f "$pgdir.url" "$pgdir.err"
[ -n "$failures" ] && echo "failed suites:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
