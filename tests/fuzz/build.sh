#!/bin/sh
# Builds the libFuzzer targets (make fuzz): clang with libFuzzer, ASan and
# UBSan, against the project's base and register sources (not main.c).
# Output: build-fuzz/fuzz_csv, build-fuzz/fuzz_event and build-fuzz/fuzz_json
# (the API's request-body parsing; it compiles src/api/routes.c itself),
# build-fuzz/fuzz_lifetable and build-fuzz/fuzz_demog (src/demog's readers),
# build-fuzz/fuzz_dhis2 (the DHIS2 mapping file and export),
# build-fuzz/fuzz_crosswalk (crosswalk files and the plans they make),
# build-fuzz/fuzz_record (workflow records: targets, projection scenarios),
# build-fuzz/fuzz_forecast (a projection from any counts: finite, never NaN),
# build-fuzz/fuzz_quality (the quality checks and rules of defs/quality/),
# build-fuzz/fuzz_extract (the national population database's extract),
# build-fuzz/fuzz_http (raw requests through the server and the pipeline; it
# compiles src/http/server.c and src/api/{routes,audit,limits,writer}.c
# itself, and links libmicrohttpd).
#   CLANG=clang-14 sh tests/fuzz/build.sh     to pick the compiler
# Needs Debian's clang and libclang-rt-14-dev (scripts/deps.sh or apt-get).
set -eu
cd "$(dirname "$0")/../.."

CLANG=${CLANG:-}
if [ -z "$CLANG" ]; then
	for c in clang clang-14; do
		if command -v "$c" >/dev/null 2>&1; then
			CLANG=$c
			break
		fi
	done
fi
if [ -z "$CLANG" ]; then
	echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
fi

out=build-fuzz
mkdir -p "$out/obj"
PKGS="jansson libutf8proc libsodium"
PKG_CFLAGS=$(pkg-config --cflags $PKGS)
PKG_LIBS=$(pkg-config --libs $PKGS)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c17 -D_GNU_SOURCE -g -O1 -Wall -Wextra $SAN -Isrc $PKG_CFLAGS"

# The embedded files, as the Makefile makes them (asset.c refers to them).
embed_files=$( (find web -type f 2>/dev/null; find defs data -type f \( -name '*.csv' -o -name '*.json' \) 2>/dev/null) | sort)
# shellcheck disable=SC2086
sh scripts/embed.sh "$out/assets.c" $embed_files
"$CLANG" -std=c17 -O0 -c -o "$out/obj/assets.o" "$out/assets.c"

# The project's sources, instrumented for the fuzzer, two at a time.
srcs=$(ls src/base/*.c src/register/*.c src/demog/*.c src/workflow/dhis2.c src/records/record.c src/records/kinds.c src/quality/defs.c src/quality/extract.c src/report/expr.c src/privacy/breach.c)
printf '%s\n' $srcs | xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '
	o='"$out"'/obj/$(echo "{}" | tr / _ | sed "s/\.c$/.o/")
	exec '"$CLANG"' '"$CFLAGS"' -fsanitize=fuzzer-no-link -c -o "$o" "{}"'
rm -f "$out/libdanso-fuzz.a"
ar rcs "$out/libdanso-fuzz.a" "$out"/obj/*.o

for t in fuzz_csv fuzz_crosswalk fuzz_event fuzz_json fuzz_lifetable fuzz_demog fuzz_dhis2 fuzz_record fuzz_forecast fuzz_quality fuzz_http fuzz_privacy fuzz_extract; do
	extra=""
	[ "$t" = fuzz_http ] && extra=$(pkg-config --cflags --libs libmicrohttpd zlib)
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS -fsanitize=fuzzer -o "$out/$t" "tests/fuzz/$t.c" \
		"$out/libdanso-fuzz.a" $PKG_LIBS $extra -lpthread -lm
done
echo "fuzz: built $out/fuzz_csv, $out/fuzz_crosswalk, $out/fuzz_event, $out/fuzz_json, $out/fuzz_lifetable, $out/fuzz_demog, $out/fuzz_dhis2, $out/fuzz_record, $out/fuzz_forecast, $out/fuzz_quality, $out/fuzz_http and $out/fuzz_privacy, $out/fuzz_extract with $CLANG"
