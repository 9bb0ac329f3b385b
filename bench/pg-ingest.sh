#!/bin/sh
# The PostgreSQL event ingest of one binary, on a fresh copy of an imported
# register: the copy is made from a template database (nothing may be
# connected to it), the events file is recorded with `danso events`, the
# time, client CPU and peak memory are printed, with the statements that
# took the server's time when pg_stat_statements is loaded, and the copy is
# dropped.  Alternate two binaries to compare them:
#   sh bench/pg-ingest.sh BIN 'postgresql:///TEMPLATE?host=/tmp/devpg&user=danso' events.ndjson
set -eu
bin=$1
src=$2
file=$3
# postgresql://HOST/NAME?... -> the same with another database NAME
withdb() { printf %s "$src" | sed "s#^\(postgres[a-z]*://[^/]*/\)[^?]*#\1$1#"; }
name=$(printf %s "$src" | sed 's#^postgres[a-z]*://[^/]*/\([^?]*\).*#\1#')
copy=danso_ingest_$$
admin=$(withdb postgres)
psql "$admin" -qc "CREATE DATABASE $copy TEMPLATE $name"
trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $copy"' EXIT
stats=$(psql "$admin" -Atc "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")
[ "$stats" = 1 ] && psql "$admin" -qAtc "SELECT pg_stat_statements_reset()" >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%U s user, %S s system, %M KB peak" "$bin" events --db "$(withdb $copy)" "$file" \
	>/dev/null 2>/tmp/pg-ingest-$$.err || { cat /tmp/pg-ingest-$$.err >&2; exit 1; }
end=$(date +%s.%N)
n=$(psql "$(withdb $copy)" -Atc "SELECT count(*) FROM event")
echo "$bin: $n events in $(echo "$end - $start" | bc) s; client $(tail -n 1 /tmp/pg-ingest-$$.err)"
rm -f /tmp/pg-ingest-$$.err
[ "$stats" = 1 ] && psql "$admin" -Atc "SELECT round(total_exec_time::numeric / 1000, 1) || ' s', calls,
	left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 100)
	FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12"
exit 0
