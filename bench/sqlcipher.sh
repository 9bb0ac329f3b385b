#!/bin/sh
# The cost of encrypting the SQLite file itself with SQLCipher (issue 11's
# at-rest question), measured with Debian 12's `sqlcipher` shell, the same
# library with and without a key, on a table shaped like danso's event log
# (a 36-character id, a sequence, a person, a type, a date and a JSON body
# of about 300 bytes): 200,000 events written 100 to a transaction (the
# writer's group commit) in WAL with synchronous=FULL, a full scan, and
# 20,000 reads by id.  Debian's sqlite3 (3.40) is shown beside it.
#   sh bench/sqlcipher.sh [ROUNDS]     needs the sqlcipher package
set -eu
rounds=${1:-3}
work=$(mktemp -d /tmp/danso-cipher-XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v sqlcipher >/dev/null || { echo "sqlcipher.sh: apt-get install sqlcipher" >&2; exit 1; }
setup='PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;'
make_sql() { # one file of 2,000 transactions of 100 events
	{
		echo "CREATE TABLE IF NOT EXISTS event (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, person TEXT, type TEXT, day INTEGER, body TEXT);"
		i=0
		while [ $i -lt 2000 ]; do
			echo "BEGIN; WITH RECURSIVE c(k) AS (SELECT $((i * 100)) UNION ALL SELECT k + 1 FROM c WHERE k < $((i * 100 + 99)))
INSERT INTO event SELECT printf('%08x-0000-4000-8000-%012x', k, k * 7919), k, printf('P%010d', k % 50000), 'elderly_check', 19700 + k % 700,
 printf('{\"id\":\"%08x\",\"type\":\"elderly_check\",\"date\":\"2024-03-%02d\",\"person\":\"P%010d\",\"note\":\"%s\"}', k, 1 + k % 28, k % 50000, substr(hex(randomblob(100)), 1, 200)) FROM c; COMMIT;"
			i=$((i + 1))
		done
	} >"$work/load.sql"
	i=0
	{
		while [ $i -lt 20000 ]; do
			k=$(( (i * 7907) % 200000 ))
			printf "SELECT length(body) FROM event WHERE id = printf('%%08x-0000-4000-8000-%%012x', %d, %d);\n" $k $((k * 7919))
			i=$((i + 1))
		done
	} >"$work/get.sql"
}
make_sql
ms() { # command... -> milliseconds it took
	t0=$(date +%s%N)
	"$@" >/dev/null
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}
run() { # label shell key-pragmas
	label=$1 shell=$2 key=$3
	db=$work/$label.db
	rm -f "$db" "$db-wal" "$db-shm"
	w=$(ms sh -c "{ echo \"$key $setup\"; cat $work/load.sql; } | $shell $db")
	s=$(ms sh -c "echo \"$key SELECT count(*), sum(length(body)) FROM event;\" | $shell $db")
	g=$(ms sh -c "{ echo \"$key\"; cat $work/get.sql; } | $shell $db")
	size=$(du -k "$db" | cut -f1)
	echo "$label: write 200k in 2000 commits $w ms, scan $s ms, 20k reads by id $g ms, file $size KiB"
}
for r in $(seq "$rounds"); do
	echo "round $r"
	run sqlite3-3.40 sqlite3 ''
	run sqlcipher-nokey sqlcipher ''
	run sqlcipher-key sqlcipher "PRAGMA key='correct horse battery staple'; PRAGMA cipher_page_size=4096;"
	run sqlcipher-key-default sqlcipher "PRAGMA key='correct horse battery staple';"
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
