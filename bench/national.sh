#!/bin/sh
# A national register in one SQLite file: every province of
# data/provinces-2025.csv generated apart (its own seed), imported one after
# the other with its events, then the national annual report (--unit VN,
# one column per province) and a province's form timed from one engine.
#
#   sh bench/national.sh OUTDIR PERSONS_PER_PROVINCE [BASE_DB [SKIP_CODE]]
#
# BASE_DB, when given, is copied first (a large province already built, as
# bench/out/t10.db), and SKIP_CODE is the province it holds, not generated
# again.  Times and sizes go to OUTDIR/national.txt.
#
# Provinces generated apart may give two persons the same national id (the
# generator keeps them unique within one province only): those few persons
# and their events are refused and the rest kept (--keep-good); the counts
# refused are in the log.
set -eu
out=$1
n=$2
base=${3:-}
skip=${4:-}
bin=${DANSO:-build/danso}
mkdir -p "$out"
db="$out/national.db"
log="$out/national.txt"
rm -f "$db" "$db-wal" "$db-shm"
if [ -n "$base" ]; then
	cp "$base" "$db"
else
	"$bin" init --db "$db" >/dev/null
fi
: >"$log"
start=$(date +%s)
seed=100
for p in $(tail -n +2 data/provinces-2025.csv | cut -d, -f1); do
	[ "$p" = "$skip" ] && continue
	seed=$((seed + 1))
	d="$out/p$p"
	"$bin" gen --out "$d" --persons "$n" --seed "$seed" --province "$p" >/dev/null 2>&1
	"$bin" import --db "$db" --units "$d/units.csv" --households "$d/households.csv" \
		--persons "$d/persons.csv" --as-of 2023-01-01 --keep-good --rejects "$out/rejects-$p.csv" 2>&1 | tail -1 | sed "s/^/$p /" >>"$log"
	"$bin" events --db "$db" --keep-good --rejects "$out/rejects-$p.ndjson" "$d/events.ndjson" 2>&1 | tail -1 | sed "s/^/$p /" >>"$log"
	rm -rf "$d"
done
echo "built in $(($(date +%s) - start)) s; $(du -h "$db" | cut -f1)" >>"$log"
/usr/bin/time -f "national report: %e s wall, %M KB peak" "$bin" report --db "$db" --form 03-DSX \
	--unit VN --period 2024 --repeat 20 -o /dev/null >>"$log" 2>&1
"$bin" report --db "$db" --form 03-DSX --unit "${skip:-79}" --period 2024 --repeat 20 -o /dev/null 2>&1 |
	tail -1 >>"$log"
"$bin" report --db "$db" --form 01-DSX --unit VN --period 2024-03 --repeat 20 -o /dev/null 2>&1 |
	tail -1 >>"$log"
cat "$log"
