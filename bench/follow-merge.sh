#!/bin/sh
# The server follows more than 65,536 written events (so it merges its late
# events into the sorted ones several times), then its reports are checked
# against a fresh load of the same file.
#   sh bench/follow-merge.sh BIN [DB]   (DB: the 1M province, /tmp/wl1/t1.db)
set -eu
cd "$(dirname "$0")/.."
bin=$1; w=/tmp/mchk; mkdir -p $w
rm -f $w/h.db* $w/*.csv; cp "${2:-/tmp/wl1/t1.db}" $w/h.db
$bin user add --db $w/h.db --login reader --role national --password-file $w/r.pw >/dev/null
commune=$($bin report --db $w/h.db --form 01-DSX --unit 79 --period 2025-12 --format json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).columns[0].code))')
$bin user add --db $w/h.db --login writer --role commune --unit "$commune" --password-file $w/w.pw >/dev/null
$bin serve --db $w/h.db --listen 127.0.0.1:18779 --per-ip 300 > $w/serve.log 2>&1 &
pid=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:18779/health >/dev/null && break; sleep 0.2; done
login() { curl -s -c $w/$1.cj -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"$(cat $2)\"}" http://127.0.0.1:18779/api/v1/login > $w/$1.json; echo "danso_session=$(awk '/danso_session/ {print $7}' $w/$1.cj)"; }
rc=$(login reader $w/r.pw); wc=$(login writer $w/w.pw); wcsrf=$(node -e "console.log(require('$w/writer.json').csrf)")
sqlite3 $w/h.db "SELECT p.id FROM person p JOIN household h ON h.rid = p.cur_hh WHERE p.exit_day IS NULL AND p.birth < $(( $(date +%s) / 86400 - 64 * 365 )) AND p.entry < 19723 AND h.area IN (SELECT a.code FROM unit a WHERE a.level = 5 AND a.parent IN (SELECT code FROM unit WHERE level = 4 AND parent = '$commune' AND valid_to IS NULL)) LIMIT 5000" > $w/old.txt
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
