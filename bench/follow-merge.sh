#!/bin/sh
# The server follows more than 65,536 written events (so it merges its late
# events into the sorted ones several times), then its reports are checked
# against a fresh load of the same file.
#   sh bench/follow-merge.sh BIN [DB]   (DB: the 1M province, /tmp/wl1/t1.db)
set -eu
cd "$(dirname "$0")/.."
bin=$1; work=/tmp/mchk; w=$work; port=18779; mkdir -p $w
rm -f $w/h.db* $w/*.csv; cp "${2:-/tmp/wl1/t1.db}" $w/h.db
db=$w/h.db
sql() { sqlite3 "$db" "$1"; }
. bench/lib.sh
bench_users
bench_serve
rc=$(bench_login reader $w/r.pw); wc=$(bench_login writer $w/w.pw); wcsrf=$(bench_csrf)
bench_aged
BENCH_IDS=$w/old.txt BENCH_COOKIE="$wc" BENCH_CSRF="$wcsrf" BENCH_OLD=$w/old.txt BENCH_BATCH=100 wrk -t2 -c16 -d8s -s bench/wrk/event.lua http://127.0.0.1:18779 > $w/wrk.txt
curl -s http://127.0.0.1:18779/health; echo
for q in "03-DSX?unit=79&period=2024" "01-DSX?unit=$commune&period=2024-06" "02-DSX?unit=79&period=2024-Q3"; do
  curl -s -H "Cookie: $rc" "http://127.0.0.1:18779/api/v1/reports/$q&format=csv" > "$w/srv-$(echo $q | tr '?=&' '___').csv"
done
kill $pid; wait $pid 2>/dev/null || true
for q in "03-DSX 79 2024" "01-DSX $commune 2024-06" "02-DSX 79 2024-Q3"; do
  set -- $q
  $bin report --db $w/h.db --form $1 --unit $2 --period $3 --format csv -o "$w/cli-$1.csv" 2>/dev/null
done
bad=0
for f in 01 02 03; do
	sed '1s/^\xEF\xBB\xBF//' $w/srv-$f-DSX*.csv | cmp -s - $w/cli-$f-DSX.csv && echo "$f-DSX: the same" || { echo "$f-DSX: DIFFERENT"; bad=1; }
done
exit $bad
