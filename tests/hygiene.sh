#!/bin/sh
# What a reviewer would otherwise have to catch by eye, checked on every run:
#   - no unbounded or unchecked C library calls in src/ (strcpy, strcat,
#     sprintf, vsprintf, gets, atoi, atol, atoll, atof): bounded formatting
#     and the project's parsers instead (shared/design/style.md);
#   - every .c file in src/ opens with a comment saying what it is;
#   - no file in git is one that .gitignore says to ignore.
set -u
cd "$(dirname "$0")/.."
bad=0
banned=$(grep -rnwE 'strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|atof' src --include='*.c' --include='*.h' |
	grep -vE '^[^:]+:[0-9]+:\s*(\*|/\*)' | grep -vE '"[^"]*\b(gets|sprintf)\b[^"]*"')
if [ -n "$banned" ]; then
	echo "hygiene: banned calls (use snprintf and the register's or base's parsers):"
	echo "$banned"
	bad=1
fi
for f in $(find src -name '*.c' | sort); do
	head -n 1 "$f" | grep -q '^/\*' || {
		echo "hygiene: $f does not open with a comment saying what it is"
		bad=1
	}
done
# The web modules parse as ES modules (a .js file alone is parsed as a
# script, which lets a syntax error through to the browser).
tmp=$(mktemp -d)
for f in web/*.js; do
	cp "$f" "$tmp/m.mjs"
	node --check "$tmp/m.mjs" 2>"$tmp/err" || {
		echo "hygiene: $f does not parse as a module: $(grep -m1 Error "$tmp/err")"
		bad=1
	}
done
rm -rf "$tmp"
# Every file of the interface is in the service worker's shell, so that the
# phone can start without a connection (tests/e2e/offline.test.mjs).
for f in web/*; do
	case $f in web/index.html | web/sw.js) continue ;; esac
	grep -q "'/static/${f#web/}'" web/sw.js || {
		echo "hygiene: $f is not in web/sw.js's FILES (the offline shell)"
		bad=1
	}
done
if git rev-parse --git-dir >/dev/null 2>&1; then
	ignored=$(git ls-files -ci --exclude-standard)
	if [ -n "$ignored" ]; then
		echo "hygiene: tracked files that .gitignore ignores:"
		echo "$ignored"
		bad=1
	fi
fi
[ "$bad" -eq 0 ] && echo "hygiene: ok"
exit "$bad"
