#!/bin/sh
# Benchmarks (make bench).  Generates provinces with `danso gen`, then
# measures, side by side on the same data:
#   - baseline import and event ingest into SQLite and PostgreSQL;
#   - database size and peak memory;
#   - engine load time and memory;
#   - report times in danso's engine and the same report in SQL on SQLite,
#     PostgreSQL and DuckDB (bench/reference.mjs, the correctness
#     reference), and in tuned DuckDB and PostgreSQL (bench/tuned.mjs);
#   - the HTTP API under wrk (bench/http.sh).
# Results go to bench/out/ (git-ignored); docs/BENCHMARKS.md records them.
#
#   sh bench/run.sh [SIZES]      default: "1000000 10000000"
set -eu
cd "$(dirname "$0")/.."
sizes=${1:-"1000000 10000000"}
bin=build/danso
out=bench/out
mkdir -p "$out"
sh scripts/deps.sh bench
# DuckDB for the SQL reference and the tuned peers, and the PostgreSQL
# client of the tuned peers: npm packages, for the benchmarks only.
[ -d bench/node_modules/@duckdb/node-api ] && [ -d bench/node_modules/pg ] ||
	(cd bench && npm install --no-package-lock --no-audit --no-fund)
make -s all
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB" | tee "$out/machine.txt"

pgdir=$(mktemp -d /tmp/danso-bench-pg-XXXXXX)
pgurl=$(sh tests/pg.sh start "$pgdir")
trap 'sh tests/pg.sh stop "$pgdir"' EXIT

measure() { # label command...: wall seconds and peak KB into the log
	label=$1
	shift
	/usr/bin/time -f "$label: %e s, %M KB peak" "$@" 2>>"$out/times.txt" >/dev/null
	tail -n 1 "$out/times.txt"
}

for n in $sizes; do
	d=$out/p$n
	if [ ! -f "$d/manifest.json" ]; then
		measure "gen $n" $bin gen --out "$d" --persons "$n" --seed 7 --province 79
	fi
	as_of=$(sed -n 's/.*"as_of": *"\([0-9-]*\)".*/\1/p' "$d/manifest.json")
	events=$(wc -l < "$d/events.ndjson")
	db=$out/p$n.db
	rm -f "$db" "$db-wal" "$db-shm"
	measure "sqlite import $n persons" $bin import --db "$db" --units "$d/units.csv" \
		--households "$d/households.csv" --persons "$d/persons.csv" --as-of "$as_of" --quiet
	measure "sqlite events $n ($events events)" $bin events --db "$db" "$d/events.ndjson"
	echo "sqlite size $n: $(du -b "$db" | cut -f1) bytes" | tee -a "$out/times.txt"
	name=bench_$n
	psql "$(echo "$pgurl" | sed 's/%s/postgres/')" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
	pg=$(echo "$pgurl" | sed "s/%s/$name/")
	measure "postgresql import $n persons" $bin import --db "$pg" --units "$d/units.csv" \
		--households "$d/households.csv" --persons "$d/persons.csv" --as-of "$as_of" --quiet
	# PostgreSQL ingests one event in about eight round trips (~1-3k events/s):
	# above a million persons the rate is measured on the first 300,000.
	pgev=$d/events.ndjson
	if [ "$n" -gt 1000000 ]; then
		head -n "${BENCH_PG_EVENTS:-300000}" "$d/events.ndjson" >"$out/pg-events-$n.ndjson"
		pgev=$out/pg-events-$n.ndjson
	fi
	measure "postgresql events $n ($(wc -l <"$pgev") events)" $bin events --db "$pg" "$pgev"
	echo "postgresql size $n: $(psql "$pg" -Atc "SELECT pg_database_size('$name')") bytes" | tee -a "$out/times.txt"
	# Reports from memory: the annual province form (a column per commune),
	# a commune's monthly form, on both backends (the engine is the same).
	commune=$($bin report --db "$db" --form 01-DSX --unit 79 --period 2025-03 --format json |
		node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).columns[0].code))')
	for target in "$db" "$pg"; do
		$bin report --db "$target" --form 03-DSX --unit 79 --period 2025 --repeat 20 -o /dev/null 2>&1 |
			tee -a "$out/times.txt"
		$bin report --db "$target" --form 01-DSX --unit "$commune" --period 2025-03 --repeat 200 -o /dev/null 2>&1 |
			tee -a "$out/times.txt"
	done
	# The same reports in SQL on SQLite, PostgreSQL and DuckDB, compared row
	# by row with the engine's (bench/peers.mjs; a disagreement fails).
	rm -f "$out/ref-p$n.sqlite" "$out/ref-p$n.duckdb" "$out/ref-p$n.duckdb.wal"
	psql "$(echo "$pgurl" | sed 's/%s/postgres/')" -qc "DROP DATABASE IF EXISTS ref_$n" -c "CREATE DATABASE ref_$n"
	node bench/peers.mjs --data "$d" --db "$db" --pg "$(echo "$pgurl" | sed "s/%s/ref_$n/")" \
		--work "$out" --repeat "$([ "$n" -gt 1000000 ] && echo 1 || echo 3)" | tee -a "$out/times.txt"
	# The tuned peers: tables built once for these reports, one statement of
	# grouped scans per report, 20 rounds alternating with the engine
	# (bench/tuned.mjs; a disagreement fails).
	psql "$(echo "$pgurl" | sed 's/%s/postgres/')" -qc "DROP DATABASE IF EXISTS tuned_$n" -c "CREATE DATABASE tuned_$n"
	node bench/tuned.mjs --data "$d" --db "$db" --pg "$(echo "$pgurl" | sed "s/%s/tuned_$n/")" \
		--work "$out" | tee -a "$out/times.txt"
done
if [ -f bench/http.sh ]; then
	sh bench/http.sh "$out/p1000000.db" | tee -a "$out/times.txt"
	sh bench/http.sh "$(echo "$pgurl" | sed 's/%s/bench_1000000/')" | tee -a "$out/times.txt"
fi
echo "bench: results in $out/times.txt"
