#!/bin/sh
# A private PostgreSQL cluster for the tests, in a temporary folder, run by
# an unprivileged user (PostgreSQL refuses to run as root).
#   pg.sh start DIR   prints the URL template (with %s for the database)
#   pg.sh stop DIR
#   pg.sh halt DIR    stops the server at once (-m immediate: as a crash), keeping its data
#   pg.sh resume DIR  starts a halted server again
set -eu
cmd=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg.sh: PostgreSQL is not installed" >&2; exit 1; }
as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
# fsync and synchronous_commit stay on: the store refuses to start without them.
start_server() {
	as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-k $dir -c listen_addresses='' -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
}
case $cmd in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	as_user "$bin/initdb" -D "$dir/data" -U danso --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
	start_server
	echo "postgresql:///%s?host=$dir&user=danso"
	;;
stop)
	as_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
halt)
	as_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
	;;
resume)
	start_server
	;;
esac
