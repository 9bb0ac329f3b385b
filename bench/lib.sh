# Shared by bench/http.sh, bench/follow-merge.sh and bench/follow-chunks.sh,
# sourced after setting bin (the danso binary), db (a copy of a province's
# database), work (a folder for the files below), port and sql (a
# function: one SQL statement against db, its rows on stdout).

# A reader of the whole country, and a writer, the officer of the first
# commune on today's map (the first column of a report for a month after
# the 2025 merger); sets commune.
bench_users() {
	$bin user add --db "$db" --login reader --role national --password-file "$work/r.pw" >/dev/null
	commune=$($bin report --db "$db" --form 01-DSX --unit 79 --period 2025-12 --format json |
		node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).columns[0].code))')
	$bin user add --db "$db" --login writer --role commune --unit "$commune" \
		--password-file "$work/w.pw" >/dev/null
}

# The server on port, its log in work; sets pid.  The engine loads before
# the server answers: up to two minutes for 10M.
bench_serve() {
	$bin serve --db "$db" --listen 127.0.0.1:$port --per-ip 300 >"${SERVELOG:-$work/serve.log}" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 600 ] && ! curl -sf http://127.0.0.1:$port/health >/dev/null; do
		sleep 0.2
		i=$((i + 1))
	done
}

# login password-file: logs in, writes the answer to work/LOGIN.json;
# prints the session cookie.
bench_login() {
	curl -s -c "$work/$1.cj" -H 'Content-Type: application/json' \
		-d "{\"login\":\"$1\",\"password\":\"$(cat "$2")\"}" http://127.0.0.1:$port/api/v1/login >"$work/$1.json"
	echo "danso_session=$(awk '/danso_session/ {print $7}' "$work/$1.cj")"
}

# The writer's CSRF token, after bench_login writer.
bench_csrf() {
	node -e "console.log(require('$work/writer.json').csrf)"
}

# Persons aged 64 and over, in the register since before 2024, living in
# the writer's commune today: the subjects of the elderly checks the
# benchmarks write (bench/wrk/event.lua).  Up to 5,000, into work/old.txt.
bench_aged() {
	sql "SELECT p.id FROM person p JOIN household h ON h.rid = p.cur_hh
		WHERE p.exit_day IS NULL AND p.birth < $(( $(date +%s) / 86400 - 64 * 365 )) AND p.entry < 19723
		AND h.area IN (SELECT a.code FROM unit a WHERE a.level = 5 AND a.parent IN
			(SELECT code FROM unit WHERE level = 4 AND parent = '$commune' AND valid_to IS NULL))
		LIMIT 5000" >"$work/old.txt"
	[ -s "$work/old.txt" ] || { echo "bench: no person aged 64+ in commune $commune" >&2; return 1; }
}
