#!/bin/sh
# Baseline imports of binaries side by side: R rounds, each binary once a
# round in the same order, each import into a new SQLite file, timed by
# /usr/bin/time.  For a change to the import, on a machine whose speed
# moves between runs.
#
#   sh bench/imports.sh R DIR BIN...
#   sh bench/imports.sh 20 bench/out/p1000000 old/danso build/danso
#
# DIR holds units.csv, households.csv and persons.csv (danso gen).  Each
# line: round, binary, elapsed s, user s, system s, peak KB; then each
# binary's median, best and worst.
set -eu
[ $# -ge 3 ] || { echo "usage: sh bench/imports.sh ROUNDS DIR BIN..." >&2; exit 2; }
rounds=$1 dir=$2
shift 2
work=$(mktemp -d /tmp/danso-imports-XXXXXX)
trap 'rm -rf "$work"' EXIT
i=0
while [ "$i" -lt "$rounds" ]; do
	for b in "$@"; do
		rm -f "$work/i.db" "$work/i.db-wal" "$work/i.db-shm"
		"$b" init --db "$work/i.db" >/dev/null
		/usr/bin/time -o "$work/t" -f "%e %U %S %M" "$b" import --db "$work/i.db" \
			--units "$dir/units.csv" --households "$dir/households.csv" \
			--persons "$dir/persons.csv" --as-of 2023-01-01 >/dev/null 2>"$work/err" ||
			{ cat "$work/err" >&2; exit 1; }
		echo "$i $b $(cat "$work/t")"
	done
	i=$((i + 1))
done | tee "$work/all" >&2
awk '{t[$2] = t[$2] " " $3} END {for (b in t) print b, t[b]}' "$work/all" | while read -r b ts; do
	printf '%s\n' $ts | sort -n | awk -v b="$b" '{v[NR] = $1} END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%s: median %.2f s, best %.2f, worst %.2f over %d\n", b, m, v[1], v[NR], NR}'
done
