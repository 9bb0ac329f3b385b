#!/bin/sh
# Binaries side by side over HTTP: R rounds, the binaries in rotated order
# in each, every run on a fresh copy of DB (bench/http.sh makes it).
#   sh bench/rounds.sh R DB ONLY BIN...     ONLY: batches, writes or reads
#   BENCH_UUID=v4 ...                       random event ids (default v7)
#   a BIN written BIN@FILE runs on FILE instead of DB (a binary whose
#   schema is newer, on a copy already migrated, so that the migration's
#   writes are not in its run)
# Prints one line a run: the round, the binary, bench/http.sh's figures.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { echo "usage: sh bench/rounds.sh ROUNDS DB batches|writes|reads BIN..." >&2; exit 2; }
rounds=$1 db=$2 only=$3
shift 3
i=0
while [ "$i" -lt "$rounds" ]; do
	for b in "$@"; do
		bdb=$db
		case $b in *@*) bdb=${b#*@} b=${b%%@*} ;; esac
		out=$(BENCH_UUID=${BENCH_UUID:-v7} ONLY=$only BIN=$b sh bench/http.sh "$bdb" 2>&1 |
			grep '^http' | tr '\n' ' ')
		echo "round $i $b: $out"
	done
	first=$1
	shift
	set -- "$@" "$first"
	i=$((i + 1))
done
