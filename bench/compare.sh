#!/bin/sh
# Two danso binaries side by side on the same province, alternating, so
# that the machine's state is the same for both: the engine's load time
# and memory per person, the province annual form (03-DSX, a column per
# commune) and a commune's monthly form (01-DSX), each the median and worst
# of many runs from memory.
#
#   sh bench/compare.sh OLD_BIN NEW_BIN OLD_DB NEW_DB [ROUNDS]
#
# Two databases because a newer binary may migrate the schema on open,
# which the older one would then refuse: give each its own copy of the
# same province.
set -eu
old=$1
new=$2
olddb=$3
newdb=$4
rounds=${5:-3}
commune=$($new report --db "$newdb" --form 01-DSX --unit 79 --period 2025-03 --format json |
	node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).columns[0].code))')
echo "compare: province 79, commune $commune, $rounds rounds, $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
for r in $(seq "$rounds"); do
	for side in old new; do
		if [ $side = old ]; then bin=$old db=$olddb; else bin=$new db=$newdb; fi
		$bin report --db "$db" --form 03-DSX --unit 79 --period 2025 --repeat 20 -o /dev/null 2>&1 |
			sed "s/^/round $r $side: /"
		$bin report --db "$db" --form 01-DSX --unit "$commune" --period 2025-03 --repeat 200 -o /dev/null 2>&1 |
			sed "s/^/round $r $side: /"
	done
done
