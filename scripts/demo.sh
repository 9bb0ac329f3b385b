#!/bin/sh
# make demo: a synthetic province, imported, summarised.
set -eu
cd "$(dirname "$0")/.."
bin=build/danso
dir=demo
persons=${DEMO_PERSONS:-20000}
rm -rf "$dir"
mkdir -p "$dir"
echo "demo: generating a province of $persons persons with three years of events"
$bin gen --out "$dir/province" --persons "$persons" --seed 2025 --province 79
as_of=$(sed -n 's/.*"as_of": *"\([0-9-]*\)".*/\1/p' "$dir/province/manifest.json")
$bin init --db "$dir/danso.db"
$bin import --db "$dir/danso.db" --units "$dir/province/units.csv" \
	--households "$dir/province/households.csv" --persons "$dir/province/persons.csv" \
	--as-of "$as_of"
$bin events --db "$dir/danso.db" "$dir/province/events.ndjson"
echo
echo "demo: the province's annual report for 2025 (first rows):"
$bin report --db "$dir/danso.db" --form 03-DSX --unit 79 --period 2025 --columns single \
	--format csv --lang vi | head -n 20
$bin report --db "$dir/danso.db" --form 03-DSX --unit 79 --period 2025 --format xlsx \
	-o "$dir/03-DSX-79-2025.xlsx"
$bin check --db "$dir/danso.db" --unit 79 --period 2025
echo
echo "demo: database $dir/danso.db; report $dir/03-DSX-79-2025.xlsx"
echo "demo: try: $bin find --db $dir/danso.db nguyen van"
