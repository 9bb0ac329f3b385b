#!/bin/sh
# make demo: a synthetic province, imported, checked, and served with demo
# accounts.  DEMO_PERSONS (default 20000) sets its size, DEMO_LISTEN
# (default 127.0.0.1:8080) the address.
set -eu
cd "$(dirname "$0")/.."
bin=build/danso
dir=demo
persons=${DEMO_PERSONS:-20000}
listen=${DEMO_LISTEN:-127.0.0.1:8080}
db="$dir/danso.db"
rm -rf "$dir"
mkdir -p "$dir"
echo "demo: generating a province of $persons persons with three years of events"
$bin gen --out "$dir/province" --persons "$persons" --seed 2025 --province 79 --start 2024-01-01 --years 3
as_of=$(sed -n 's/.*"as_of": *"\([0-9-]*\)".*/\1/p' "$dir/province/manifest.json")
$bin init --db "$db"
$bin import --db "$db" --units "$dir/province/units.csv" \
	--households "$dir/province/households.csv" --persons "$dir/province/persons.csv" \
	--as-of "$as_of"
$bin events --db "$db" "$dir/province/events.ndjson"
$bin check --db "$db" --unit 79 --period 2025
$bin report --db "$db" --form 03-DSX --unit 79 --period 2025 --format xlsx \
	-o "$dir/03-DSX-79-2025.xlsx"

# Demo accounts: a commune officer of the first new commune and a
# collaborator of its first area, plus an administrator.  Passwords are
# random, written to demo/*.password and shown below.
commune=$(awk -F, '$3 == "commune" && $5 == "2025-07-01" { print $1; exit }' "$dir/province/units.csv")
[ -n "$commune" ] || commune=$(awk -F, '$3 == "commune" { print $1; exit }' "$dir/province/units.csv")
village=$(awk -F, -v c="$commune" '$3 == "village" && $4 == c { print $1; exit }' "$dir/province/units.csv")
area=$(awk -F, -v v="$village" '$3 == "area" && $4 == v { print $1; exit }' "$dir/province/units.csv")
$bin user add --db "$db" --login admin --role admin --name "Quản trị" --password-file "$dir/admin.password" >/dev/null
$bin user add --db "$db" --login canbo --role commune --unit "$commune" --name "Cán bộ dân số xã" \
	--password-file "$dir/canbo.password" >/dev/null
$bin user add --db "$db" --login tinhtp --role province --unit 79 --name "Chi cục Dân số" \
	--password-file "$dir/tinhtp.password" >/dev/null
if [ -n "$area" ]; then
	$bin user add --db "$db" --login ctv --role collaborator --unit "$area" --name "Cộng tác viên" \
		--password-file "$dir/ctv.password" >/dev/null
fi

echo
echo "demo: the province is in $db; its 2025 annual report is $dir/03-DSX-79-2025.xlsx"
echo "demo: open http://$listen/ and log in (passwords are also in $dir/*.password):"
account() { printf '  %-34s %s / %s\n' "$1" "$2" "$(cat "$dir/$2.password")"; }
account "commune officer ($commune)" canbo
account "province officer (79)" tinhtp
[ -n "$area" ] && account "collaborator ($area)" ctv
account "administrator" admin
echo "demo: Ctrl-C stops the server."
echo
exec $bin serve --db "$db" --listen "$listen"
