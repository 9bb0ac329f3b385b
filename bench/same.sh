#!/bin/sh
# Writes every report form and the balancing check of a generated province
# with one danso binary, into a folder, so that two binaries (before and
# after a change to the engine or the reports) can be compared byte for
# byte with `diff -r`.
#
#   sh bench/same.sh BIN DB OUTDIR
#
# DB is a SQLite file (the units are read from it with sqlite3).
#
# The units are taken from the database's own tree: the province, one of
# its districts (closed on 2025-06-30), an old commune, a new commune and
# an area.  Periods cover months, quarters, halves and years before and
# after the 2025 merger, and one report of 2024 under the 2026 map.
set -eu
bin=$1
db=$2
out=$3
mkdir -p "$out"
prov=$(sqlite3 "$db" "SELECT code FROM unit WHERE level = 1 LIMIT 1")
# Levels as stored: 1 province, 2 district, 3 commune, 4 village, 5 area.
units=$(sqlite3 "$db" "SELECT code||','||level||','||COALESCE(valid_to,'') FROM unit ORDER BY rid")
district=$(echo "$units" | awk -F, '$2==2{print $1; exit}')
old_commune=$(echo "$units" | awk -F, '$2==3 && $3!=""{print $1; exit}')
new_commune=$(echo "$units" | awk -F, '$2==3 && $3==""{print $1; exit}')
area=$(echo "$units" | awk -F, '$2==5{print $1; exit}')
run() { # name args...
	name=$1
	shift
	$bin report --db "$db" "$@" --format csv -o "$out/$name.csv" 2>/dev/null || echo "exit $?" >"$out/$name.csv"
}
run p-03-2023 --form 03-DSX --unit "$prov" --period 2023
run p-03-2024 --form 03-DSX --unit "$prov" --period 2024
run p-03-2025 --form 03-DSX --unit "$prov" --period 2025
run p-03-2024-map2026 --form 03-DSX --unit "$prov" --period 2024 --map-date 2026-01-01
run p-02-2024Q2 --form 02-DSX --unit "$prov" --period 2024-Q2
run p-02-2025Q3 --form 02-DSX --unit "$prov" --period 2025-Q3
run p-01-2025-03 --form 01-DSX --unit "$prov" --period 2025-03
run p-01-2025-11 --form 01-DSX --unit "$prov" --period 2025-11
run p-ci-2024 --form CHI-BAO --unit "$prov" --period 2024
run p-ci-2025H2 --form CHI-BAO --unit "$prov" --period 2025-H2
run p-single-2025 --form 03-DSX --unit "$prov" --period 2025 --columns single
run d-dsh-2024Q4 --form 01-DSH --unit "$district" --period 2024-Q4
run d-03-2024 --form 03-DSX --unit "$district" --period 2024
run oc-01-2024-06 --form 01-DSX --unit "$old_commune" --period 2024-06
run oc-03-2024 --form 03-DSX --unit "$old_commune" --period 2024
run nc-01-2025-09 --form 01-DSX --unit "$new_commune" --period 2025-09
run nc-02-2025Q4 --form 02-DSX --unit "$new_commune" --period 2025-Q4
run nc-03-2024-map2026 --form 03-DSX --unit "$new_commune" --period 2024 --map-date 2026-01-01
run a-01-2025-10 --form 01-DSX --unit "$area" --period 2025-10
$bin report --db "$db" --form 03-DSX --unit "$prov" --period 2024 --format json --lang en |
	sed -E "s/\"(generated_at|seconds)\": *[^,]*,?//" >"$out/p-03-2024.json" 2>/dev/null || true
for p in 2023 2024 2025 2025-Q3; do
	$bin check --db "$db" --unit "$prov" --period "$p" >"$out/check-$prov-$p.txt" 2>&1 || echo "exit $?" >>"$out/check-$prov-$p.txt"
done
$bin check --db "$db" --unit "$new_commune" --period 2025-11 >"$out/check-$new_commune.txt" 2>&1 || true
echo "same.sh: $(ls "$out" | wc -l) files in $out"
