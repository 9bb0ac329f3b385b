#!/bin/sh
# The HTTP API under wrk, against a copy of a generated province's database:
# person reads, searches, single events, 100-event batches, reports; then
# person reads again with 1,000 slowloris connections open.
#   sh bench/http.sh DB        a SQLite file, or a postgresql:// URL
#   ONLY=reads sh bench/http.sh DB   person reads only (BIN=… to compare binaries)
#   ONLY=writes sh bench/http.sh DB  single events and 100-event batches only
#   ONLY=batches sh bench/http.sh DB 100-event batches only
#   PERF=FILE ...                    the server under `perf record -g` meanwhile
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
$bin user add --db "$db" --login reader --role national --password-file "$work/r.pw" >/dev/null
# The writer is an officer of a commune on today's map (the first column
# of a report for a month after the 2025 merger).
commune=$($bin report --db "$db" --form 01-DSX --unit 79 --period 2025-12 --format json |
	node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).columns[0].code))')
$bin user add --db "$db" --login writer --role commune --unit "$commune" --password-file "$work/w.pw" >/dev/null
port=18777
$bin serve --db "$db" --listen 127.0.0.1:$port --per-ip 300 >"$work/serve.log" 2>&1 &
pid=$!
# The engine loads before the server answers: up to two minutes for 10M.
for i in $(seq 600); do curl -sf http://127.0.0.1:$port/health >/dev/null && break; sleep 0.2; done
login() { # login password-file -> "cookie csrf"
	curl -s -c "$work/$1.cj" -H 'Content-Type: application/json' \
		-d "{\"login\":\"$1\",\"password\":\"$(cat "$2")\"}" http://127.0.0.1:$port/api/v1/login >"$work/$1.json"
	echo "danso_session=$(awk '/danso_session/ {print $7}' "$work/$1.cj")"
}
rc=$(login reader "$work/r.pw")
wc=$(login writer "$work/w.pw")
wcsrf=$(node -e "console.log(require('$work/writer.json').csrf)")
# Persons aged 60+ living in the writer's commune today, for elderly checks.
sql "SELECT p.id FROM person p JOIN household h ON h.rid = p.cur_hh
	WHERE p.exit_day IS NULL AND p.birth < $(( $(date +%s) / 86400 - 64 * 365 )) AND p.entry < 19723
	AND h.area IN (SELECT a.code FROM unit a WHERE a.level = 5 AND a.parent IN
		(SELECT code FROM unit WHERE level = 4 AND parent = '$commune' AND valid_to IS NULL))
	LIMIT 5000" >"$work/old.txt"
[ -s "$work/old.txt" ] || { echo "http.sh: no person aged 60+ in commune $commune" >&2; exit 1; }
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
CONNS=16 w "100-event batches" event.lua BENCH_COOKIE="$wc" BENCH_CSRF="$wcsrf" BENCH_OLD="$work/old.txt" BENCH_BATCH=100
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
