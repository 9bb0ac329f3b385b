#!/bin/sh
# Applies a crosswalk of every open commune of a generated province while
# a server runs on it, and measures: the check and the preview, the apply
# (one transaction), and the time from the apply's commit (the command's
# exit) until the running server's next report uses the new map.
#
#   sh bench/reform.sh BIN DB [WORKDIR]
#
# DB is a SQLite file that is CHANGED: give a copy (never bench/out/*.db
# itself).  For a province of about 10,000 communes:
#   danso gen --out P --persons 10000000 --seed 7 --province 79 --communes 10000
#
# The crosswalk (effective 2027-01-01), from the database's own tree
# (sqlite3), takes the open communes in code order, twelve at a time:
# nine merged three into one, one split in two (its villages half to
# each, in the areas column), two renamed; the new communes are numbered
# from 90000.  The villages of a merged commune move with it (no line of
# their own), so every commune of the province is on one line or two.
set -eu
bin=$1
db=$2
work=${3:-$(mktemp -d)}
mkdir -p "$work"
cw=$work/crosswalk.csv
eff=2027-01-01
prov=$(sqlite3 "$db" "SELECT code FROM unit WHERE level = 1 LIMIT 1")
# Open communes and, for each, its open villages (code, village codes separated by spaces).
sqlite3 -list -separator , "$db" "SELECT c.code, group_concat(v.code, ' ') FROM unit c
	JOIN unit v ON v.parent = c.code AND v.level = 4 AND v.valid_to IS NULL
	WHERE c.level = 3 AND c.valid_to IS NULL GROUP BY c.code ORDER BY c.code" >"$work/open.csv"
awk -F, -v eff="$eff" -v prov="$prov" 'BEGIN { print "old_code,new_code,new_name,level,new_parent,effective,areas"; next_code = 90000 }
	function fresh() { return next_code++ }
	{ k = (NR - 1) % 12 }
	k < 9 && k % 3 == 0 { merged = fresh() }
	k < 9 { printf "%s,%d,Xã Hợp %d,commune,%s,%s,\n", $1, merged, merged, prov, eff; next }
	k == 9 { n = split($2, v, " "); a = ""; b = ""
		for (i = 1; i <= n; i++) if (i <= n / 2) a = a (a ? " " : "") v[i]; else b = b (b ? " " : "") v[i]
		x = fresh(); y = fresh()
		printf "%s,%d,Xã Tách %d,commune,%s,%s,%s\n", $1, x, x, prov, eff, a
		printf "%s,%d,Xã Tách %d,commune,%s,%s,%s\n", $1, y, y, prov, eff, b; next }
	{ printf "%s,%s,Xã Đổi Tên %s,,,%s,\n", $1, $1, $1, eff }' "$work/open.csv" >"$cw"
lines=$(($(wc -l <"$cw") - 1))
echo "crosswalk: $lines lines, $(cut -d, -f1 "$cw" | sed 1d | sort -u | wc -l) communes: $(awk -F, '$7 == "" && $1 != $2' "$cw" | wc -l) merged into $(awk -F, '$7 == "" && $1 != $2 {print $2}' "$cw" | sort -u | wc -l), $(awk -F, '$7 != ""' "$cw" | sed 1d | cut -d, -f1 | sort -u | wc -l) split in two, $(awk -F, '$1 == $2' "$cw" | wc -l) renamed"
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
	"http://127.0.0.1:$port/api/v1/reports/01-DSX?unit=90000&period=2027-01&map_date=2027-01-31&format=json"; }
echo "before: report of 90000 -> $(report)"
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
