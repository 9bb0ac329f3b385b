#!/bin/sh
# A national register built as one baseline: every province of
# data/provinces-2025.csv generated apart (its own seed) with two years
# of events, their files put together, imported in one bulk load into an
# empty SQLite file, then the events recorded in one run of
# `danso events`; then the national annual report (one column per
# province), a province's form and the national month timed from one
# engine.  bench/national.sh adds provinces one after the other to a
# province already built, which goes through the row-by-row import and
# takes hours past about 15 million persons; this goes as far as the
# import's memory allows (about 340 bytes a person at its peak, with
# SQLite's cache of 1 GB: 14.0 GB for 40.8M).
#
#   sh bench/national-bulk.sh OUTDIR PERSONS_PER_PROVINCE
#   sh bench/national-bulk.sh /tmp/natb 1200000      # 40.8 million persons
#   YEARS=1 sh bench/national-bulk.sh /tmp/natc 1750000   # 59.5M, one year
#
# The baseline is of 1 January 2023 and the events run to 31 December
# 2024: the 2024 annual report has a whole year of flows and a year of
# history before it.  YEARS=1 stops the events at 31 December 2023 and
# times the reports of 2023 (half the events to record: one stream of
# `danso events` takes about an hour for 30 million).  Provinces
# generated apart may give two persons the same national id (the
# generator keeps them unique within one province only): those persons
# and their events are refused and the rest kept (--keep-good); the counts
# are in the log.  Times, sizes and peaks go to OUTDIR/national.txt; the
# generated files are removed at the end.
set -eu
[ $# -eq 2 ] || { echo "usage: sh bench/national-bulk.sh OUTDIR PERSONS_PER_PROVINCE" >&2; exit 2; }
out=$1
n=$2
bin=${DANSO:-build/danso}
years=${YEARS:-2}
year=$((2022 + years))
mkdir -p "$out"
db="$out/national.db"
log="$out/national.txt"
rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
: >"$log"
note() { echo "$*" >>"$log"; }
note "national-bulk: $n persons a province, $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GB, $(date -u +%FT%TZ)"

# The provinces' files, put together (one header each).
start=$(date +%s)
seed=200
first=1
: >"$out/events.ndjson"
for p in $(tail -n +2 data/provinces-2025.csv | cut -d, -f1); do
	seed=$((seed + 1))
	d="$out/p$p"
	"$bin" gen --out "$d" --persons "$n" --seed "$seed" --province "$p" \
		--start 2023-01-01 --years "$years" >/dev/null 2>&1
	for f in units households persons; do
		if [ "$first" = 1 ]; then
			cat "$d/$f.csv" >"$out/$f.csv"
		else
			tail -n +2 "$d/$f.csv" >>"$out/$f.csv"
		fi
	done
	cat "$d/events.ndjson" >>"$out/events.ndjson"
	first=0
	rm -rf "$d"
done
note "generated in $(($(date +%s) - start)) s: $(($(wc -l <"$out/persons.csv") - 1)) persons," \
	"$(($(wc -l <"$out/households.csv") - 1)) households, $(wc -l <"$out/events.ndjson") events"

"$bin" init --db "$db" >/dev/null
/usr/bin/time -o "$out/t" -f "%e s wall, %M KB peak" "$bin" import --db "$db" \
	--units "$out/units.csv" --households "$out/households.csv" --persons "$out/persons.csv" \
	--as-of 2023-01-01 --keep-good --rejects "$out/rejects.csv" 2>&1 | tail -4 >>"$log"
note "import: $(cat "$out/t")"
/usr/bin/time -o "$out/t" -f "%e s wall, %M KB peak" "$bin" events --db "$db" --keep-good \
	--rejects "$out/rejects.ndjson" "$out/events.ndjson" 2>&1 | tail -2 >>"$log"
note "events: $(cat "$out/t"); file $(du -h "$db" | cut -f1)"
rm -f "$out/units.csv" "$out/households.csv" "$out/persons.csv" "$out/events.ndjson"

/usr/bin/time -o "$out/t" -f "%e s wall, %M KB peak" "$bin" report --db "$db" --form 03-DSX \
	--unit VN --period "$year" --repeat 20 -o "$out/national-03.csv" 2>&1 | tail -1 >>"$log"
note "national report process: $(cat "$out/t")"
"$bin" report --db "$db" --form 03-DSX --unit 79 --period "$year" --repeat 20 -o /dev/null 2>&1 |
	tail -1 >>"$log"
"$bin" report --db "$db" --form 01-DSX --unit VN --period "$year-03" --repeat 20 -o /dev/null 2>&1 |
	tail -1 >>"$log"
cat "$log"
