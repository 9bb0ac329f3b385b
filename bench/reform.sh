#!/bin/sh
# Applies a crosswalk of 10,000 lines to a generated province while a
# server runs on it, and measures: the check and the preview, the apply
# (one transaction), and the time from the apply's commit (the command's
# exit) until the running server's next report uses the new map.
#
#   sh bench/reform.sh BIN DB [WORKDIR]
#
# DB is a SQLite file that is CHANGED: give a copy (never bench/out/*.db
# itself).  The crosswalk (effective 2027-01-01), from the database's own
# tree (sqlite3): the open communes merged three into one (new codes
# 99001...), every open village renamed and moved under its new commune,
# and areas renamed, up to 10,000 lines in all.
set -eu
bin=$1
db=$2
work=${3:-$(mktemp -d)}
mkdir -p "$work"
cw=$work/crosswalk-10000.csv
eff=2027-01-01
# Open rows: code, level (3 commune, 4 village, 5 area), parent.
sqlite3 -csv "$db" "SELECT code, level, parent FROM unit WHERE valid_to IS NULL AND level IN (3, 4, 5) ORDER BY level, code" >"$work/open.csv"
prov=$(sqlite3 "$db" "SELECT code FROM unit WHERE level = 1 LIMIT 1")
awk -F, -v eff="$eff" -v prov="$prov" 'BEGIN { print "old_code,new_code,new_name,level,new_parent,effective,areas"; n = 0 }
	$2 == 3 { k = int(c / 3); c++; nc = sprintf("99%03d", k + 1); newc[$1] = nc
		printf "%s,%s,Xã mới %d,commune,%s,%s,\n", $1, nc, k + 1, prov, eff; n++; next }
	$2 == 4 && n < 10000 { printf "%s,%s,Thôn %s,,%s,%s,\n", $1, $1, $1, newc[$3], eff; n++; next }
	$2 == 5 && n < 10000 { printf "%s,%s,Địa bàn %s,,,%s,\n", $1, $1, $1, eff; n++ }' "$work/open.csv" >"$cw"
lines=$(($(wc -l <"$cw") - 1))
echo "crosswalk: $lines lines ($(awk -F, '$4=="commune"' "$cw" | wc -l) communes merged into $(awk -F, '$4=="commune"{print $2}' "$cw" | sort -u | wc -l))"
port=$((20000 + $$ % 20000))
DANSO_TODAY=2027-02-15 $bin serve --db "$db" --listen 127.0.0.1:$port >"$work/server.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null || true' EXIT
t0=$(date +%s.%N)
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
echo "server up in $(echo "$(date +%s.%N) - $t0" | bc) s"
# A national officer's session for the reports.
DANSO_TODAY=2027-02-15 $bin user add --db "$db" --login bench_tw --role national --password-file "$work/pw" >/dev/null
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d "{\"login\":\"bench_tw\",\"password\":\"$(cat "$work/pw")\"}" "http://127.0.0.1:$port/api/v1/login" |
	awk -F'[: ;]+' 'tolower($1)=="set-cookie"{print $2; exit}')
report() { curl -s -o /dev/null -w '%{http_code}' -b "$cookie" \
	"http://127.0.0.1:$port/api/v1/reports/01-DSX?unit=99001&period=2027-01&map_date=2027-01-31&format=json"; }
echo "before: report of 99001 -> $(report)"
t0=$(date +%s.%N)
DANSO_TODAY=2027-02-15 $bin units apply --db "$db" --crosswalk "$cw" --preview >"$work/preview.txt"
t1=$(date +%s.%N)
echo "check + preview (engine load included): $(echo "$t1 - $t0" | bc) s; $(head -1 "$work/preview.txt")"
t0=$(date +%s.%N)
DANSO_TODAY=2027-02-15 $bin units apply --db "$db" --crosswalk "$cw"
t1=$(date +%s.%N)
echo "check + apply (one transaction): $(echo "$t1 - $t0" | bc) s"
while [ "$(report)" != 200 ]; do sleep 0.02; done
t2=$(date +%s.%N)
echo "from the apply's exit to the server's first report under the new map: $(echo "$t2 - $t1" | bc) s"
grep '^units:' "$work/server.log" || true
t0=$(date +%s.%N)
report >/dev/null
echo "one report of the new commune under the new map: $(echo "$(date +%s.%N) - $t0" | bc) s"
