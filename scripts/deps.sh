#!/bin/sh
# Installs the Debian packages danso needs, when they are missing.
#   deps.sh          what building and running need
#   deps.sh test     ... and what the tests need (PostgreSQL, Node, Chromium, clang)
#   deps.sh bench    ... and the benchmark tools
set -eu
build="build-essential pkg-config libsqlite3-dev sqlite3 libpq-dev libmicrohttpd-dev
libjansson-dev libsodium-dev libutf8proc-dev libxlsxwriter-dev"
test="postgresql nodejs npm chromium python3 python3-openpyxl clang libclang-rt-14-dev libxml2-utils"
bench="wrk hyperfine"
want=$build
case "${1:-}" in
test) want="$build $test" ;;
bench) want="$build $test $bench" ;;
esac
missing=""
for p in $want; do
	# Node.js may come from elsewhere (nodesource bundles npm); a working
	# command is enough, and installing Debian's npm over it would conflict.
	case "$p" in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
