#!/bin/sh
# The engine following a whole register's events written by another
# process, in chunks, against a fresh load: a baseline is imported, a
# server started on it, and the province's events written into the file
# by `danso events` CHUNK lines at a time, the server catching up after
# each (so that it merges its late events, births, deaths, moves and
# transfers among them, from wherever the chunk's first window falls);
# then reports read from the server as a national reader and
# computed by `danso report` on the same file must be equal, byte for
# byte.
#   sh bench/follow-chunks.sh BIN [DIR [CHUNK]]   (DIR: danso gen output, /tmp/wl1/g; CHUNK 70000)
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "$1")
dir=$(realpath "${2:-/tmp/wl1/g}")
chunk=${3:-70000}
port=18791
work=$(mktemp -d /tmp/danso-chunks-XXXXXX)
db=$work/b.db
pid=
trap '[ -z "$pid" ] || { kill $pid 2>/dev/null; wait $pid 2>/dev/null; }; rm -rf "$work"' EXIT
. "$repo/bench/lib.sh"
cd "$work"
"$bin" init --db "$db" >/dev/null
"$bin" import --db "$db" --units "$dir/units.csv" --households "$dir/households.csv" \
	--persons "$dir/persons.csv" --as-of 2023-01-01 >/dev/null 2>&1
bench_users
split -l "$chunk" "$dir/events.ndjson" part.
bench_serve
caught_up() {
	curl -s http://127.0.0.1:$port/health |
		node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const h=JSON.parse(s);process.exit(h.event_sequence===h.log_sequence?0:1)})'
}
for f in part.*; do
	"$bin" events --db "$db" "$f" >/dev/null 2>&1
	for i in $(seq 1 600); do caught_up && break; sleep 0.2; done
	caught_up || { echo "the server did not catch up after $f" >&2; exit 1; }
done
ck=$(bench_login reader "$work/r.pw")
bad=0
# The province's forms read whole windows of events; a commune's month
# reads its own blocks of them, so months across the timeline are asked.
for q in "03-DSX 79 2024" "03-DSX 79 2023" "02-DSX 79 2024-Q3" "01-DSX $commune 2023-03" \
	"01-DSX $commune 2023-11" "01-DSX $commune 2024-06" "01-DSX $commune 2024-12" \
	"01-DSX $commune 2025-03" "01-DSX $commune 2025-07" "01-DSX $commune 2025-11"; do
	set -- $q
	curl -s -H "Cookie: $ck" "http://127.0.0.1:$port/api/v1/reports/$1?unit=$2&period=$3&format=csv" |
		sed '1s/^\xEF\xBB\xBF//' >srv.csv
	"$bin" report --db "$db" --form "$1" --unit "$2" --period "$3" --format csv -o cli.csv 2>/dev/null
	if cmp -s srv.csv cli.csv; then echo "$q: the same"; else echo "$q: DIFFERENT"; bad=1; fi
done
exit $bad
