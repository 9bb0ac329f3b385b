#!/bin/sh
# A change to the engine measured inside one process, its two ways
# alternating query by query, so that the machine's speed, which moves by
# up to a fifth from one minute to the next here, weighs on both ways
# alike.  Two processes run one after the other (bench/pair.sh) differ by
# more than most of what is left to gain.
#
#   sh bench/ab.sh PATCH DB [N]
#   sh bench/ab.sh bench/ab/flow-by-type.patch /tmp/wl10/t10.db 80
#
# PATCH (bench/ab/*.patch) begins with a line "base: COMMIT" and a few
# lines saying what it tries, then a diff against that commit.  The diff
# holds both ways: the code chooses by `eng_ab` (0: the change, 1: the
# code before it; `extern int eng_ab;` where it is read).  The commit is
# checked out apart (git worktree) and the diff applied; engine_query is
# renamed engine_query_as and bench/ab/harness.c appended to
# src/engine/engine_query.c: its engine_query alternates eng_ab from one
# query to the next and prints each way's query times at exit.  danso is
# built there, then `danso report --repeat N` (N = 80 unless given) of
# FORM UNIT PERIOD (03-DSX 79 2024 unless given in the environment).
# Each way's median, best and worst over the queries of more than 100
# columns (of at least AB_MIN_COLUMNS when set: the national report has
# 35) are printed; the report itself is written into the checkout
# and removed with it.  A try is written as such a patch so that its
# figures in docs/BENCHMARKS.md can be measured again at any time.
set -eu
[ $# -ge 2 ] || { echo "usage: sh bench/ab.sh PATCH DB [N]" >&2; exit 2; }
patch=$(realpath "$1")
db=$2
case $db in postgres://* | postgresql://*) ;; *) db=$(realpath "$db") ;; esac
n=${3:-80}
cd "$(dirname "$0")/.."
base=$(sed -n '1s/^base: *\([0-9a-f]*\).*/\1/p' "$patch")
[ -n "$base" ] || { echo "ab.sh: $patch: no 'base: COMMIT' on its first line" >&2; exit 2; }
tree=$(mktemp -d /tmp/danso-ab-XXXXXX)
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"' EXIT
git worktree add --detach --force "$tree" "$base" >/dev/null 2>&1
git -C "$tree" apply "$patch"
q=$tree/src/engine/engine_query.c
sig='enum ds_rc engine_query(const struct eng_view \*v, const struct eng_query \*q, struct eng_result \*r)$'
grep -q "^$sig" "$q" || { echo "ab.sh: engine_query's definition not found in $q" >&2; exit 1; }
sed -i "s/^$sig/enum ds_rc engine_query_as(const struct eng_view *v, const struct eng_query *q, struct eng_result *r)/" "$q"
cat bench/ab/harness.c >>"$q"
make -C "$tree" -j2 build/danso >/dev/null
sed -n '2,/^diff --git/p' "$patch" | sed '$d'
"$tree/build/danso" report --db "$db" --form "${FORM:-03-DSX}" --unit "${UNIT:-79}" \
	--period "${PERIOD:-2024}" --repeat "$n" -o "$tree/report.out" 2>&1 | grep '^ab: '
