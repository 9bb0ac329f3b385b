#!/bin/sh
# The HTTP API under wrk, against a copy of a generated province's database:
# person reads, searches, single events, 100-event batches, reports; then
# person reads again with 1,000 slowloris connections open.
#   sh bench/http.sh DB        a SQLite file, or a postgresql:// URL
#   ONLY=reads sh bench/http.sh DB   person reads only (BIN=… to compare binaries)
#   ONLY=writes sh bench/http.sh DB  single events and 100-event batches only
#   ONLY=batches sh bench/http.sh DB 100-event batches only
#   PERF=FILE ...                    the server under `perf record -g` meanwhile
#   WRKOUT=FILE ...                  wrk's whole output (latency quantiles) of each run, the last kept
#   BATCH_CONNS=N ...                the batches from N connections (16)
#   BENCH_RECENT=1 ...               the events dated in 2026, not 2024 (bench/wrk/event.lua)
#   SERVELOG=FILE ...                the server's output kept in FILE
# A PostgreSQL source is copied as a new database made from it as template
# (nothing may be connected to the source meanwhile) and dropped at the end.
set -eu
cd "$(dirname "$0")/.."
src=$1
bin=${BIN:-build/danso}
work=$(mktemp -d /tmp/danso-http-XXXXXX)
case $src in
postgres://* | postgresql://*)
	copy=danso_http_$$
	# postgresql://HOST/NAME?... -> the same with another database NAME
	withdb() { printf %s "$src" | sed "s#^\(postgres[a-z]*://[^/]*/\)[^?]*#\1$1#"; }
	name=$(printf %s "$src" | sed 's#^postgres[a-z]*://[^/]*/\([^?]*\).*#\1#')
	psql -Xqc "CREATE DATABASE $copy TEMPLATE $name" "$(withdb postgres)"
	db=$(withdb $copy)
	sql() { psql -XAtc "$1" "$db"; }
	dropdb() { psql -Xqc "DROP DATABASE IF EXISTS $copy" "$(withdb postgres)"; }
	;;
*)
	db=$work/h.db
	cp "$src" "$db"
	sql() { sqlite3 "$db" "$1"; }
	dropdb() { :; }
	;;
esac
pid=
trap '[ -z "$pid" ] || { kill $pid 2>/dev/null; wait $pid 2>/dev/null; }; dropdb; rm -rf "$work"' EXIT
port=18777
. bench/lib.sh
bench_users
bench_serve
rc=$(bench_login reader "$work/r.pw")
wc=$(bench_login writer "$work/w.pw")
wcsrf=$(bench_csrf)
bench_aged
sql "SELECT id FROM person WHERE exit_day IS NULL ORDER BY random() LIMIT 20000" >"$work/ids.txt"
w() { # label script extra-env... : one wrk run, requests/s and p99
	label=$1
	script=$2
	shift 2
	env BENCH_IDS="$work/ids.txt" "$@" \
		wrk -t2 -c"${CONNS:-32}" -d"${SECS:-10}s" --latency -s "bench/wrk/$script" http://127.0.0.1:$port >"$work/wrk.txt" 2>&1
	rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
	p99=$(awk '/ 99%/ {print $2}' "$work/wrk.txt")
	bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
	echo "http $label: $rps requests/s, p99 $p99${bad:+, $bad non-2xx}"
	[ -z "${WRKOUT:-}" ] || cp "$work/wrk.txt" "$WRKOUT"
}
case ${ONLY:-} in writes | batches) ;; *)
	w "person reads" read.lua BENCH_COOKIE="$rc"
	if [ "${ONLY:-}" = reads ]; then
		w "person reads, again" read.lua BENCH_COOKIE="$rc"
		exit 0
	fi
	w "searches" search.lua BENCH_COOKIE="$rc"
	;;
esac
seq() { curl -s http://127.0.0.1:$port/health | sed 's/.*"event_sequence": *\([0-9]*\).*/\1/'; }
s1=$(seq)
[ -z "${PERF:-}" ] || { perf record ${PERFOPT:--g} -o "$PERF" -p $pid >/dev/null 2>&1 & }
if [ "${ONLY:-}" != batches ]; then
	s0=$s1
	CONNS=64 w "single events" event.lua BENCH_COOKIE="$wc" BENCH_CSRF="$wcsrf" BENCH_OLD="$work/old.txt"
	s1=$(seq)
	echo "http single events: $((s1 - s0)) events recorded in ${SECS:-10} s"
fi
CONNS=${BATCH_CONNS:-16} w "100-event batches" event.lua BENCH_COOKIE="$wc" BENCH_CSRF="$wcsrf" BENCH_OLD="$work/old.txt" BENCH_BATCH=100
s2=$(seq)
echo "http 100-event batches: $((s2 - s1)) events recorded in ${SECS:-10} s"
[ -z "${PERF:-}" ] || { pkill -INT -f "perf record.* -o $PERF"; sleep 2; }
case ${ONLY:-} in writes | batches) exit 0 ;; esac
CONNS=8 w "commune monthly report" report.lua BENCH_COOKIE="$rc" BENCH_REPORT="/api/v1/reports/01-DSX?unit=$commune&period=2025-03"
CONNS=4 w "province annual report" report.lua BENCH_COOKIE="$rc" BENCH_REPORT="/api/v1/reports/03-DSX?unit=79&period=2025"
w "person reads, baseline" read.lua BENCH_COOKIE="$rc"
node bench/slowloris.mjs $port 1000 45 >"$work/slow.txt" &
sl=$!
sleep 3
w "person reads, 1000 slowloris connections open" read.lua BENCH_COOKIE="$rc"
wait $sl
cat "$work/slow.txt"
