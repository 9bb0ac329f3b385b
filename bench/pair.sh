#!/bin/sh
# Two danso binaries' report times side by side, in rounds that alternate
# which runs first (A then B, then B then A), each the median of
# `danso report --repeat N`; then the mean of the medians and how often B
# was the faster.  For a change to the engine or the reports, on a machine
# whose speed moves between runs.
#
#   sh bench/pair.sh R N DB FORM UNIT PERIOD A B
#   sh bench/pair.sh 10 20 /tmp/wl10/t10.db 03-DSX 79 2024 old/danso build/danso
#
# Each line: round, A's median and worst, B's median and worst (ms).
set -eu
[ $# -eq 8 ] || { echo "usage: sh bench/pair.sh R N DB FORM UNIT PERIOD A B" >&2; exit 2; }
R=$1 N=$2 DB=$3 FORM=$4 UNIT=$5 PER=$6 A=$7 B=$8
med() {
	"$1" report --db "$DB" --form "$FORM" --unit "$UNIT" --period "$PER" --repeat "$N" -o /dev/null 2>&1 |
		sed -n 's/.*median \([0-9.]*\) ms, worst \([0-9.]*\) ms.*/\1 \2/p'
}
r=1
while [ $r -le "$R" ]; do
	if [ $((r % 2)) = 1 ]; then
		a=$(med "$A")
		b=$(med "$B")
	else
		b=$(med "$B")
		a=$(med "$A")
	fi
	echo "$r $a $b"
	r=$((r + 1))
done | awk '{print; sa += $2; sb += $4; if ($4 < $2) f++; n++}
	END {printf "mean of medians: A %.2f  B %.2f  B faster in %d of %d\n", sa / n, sb / n, f, n}'
