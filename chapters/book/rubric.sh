#!/bin/sh
# rubric.sh: the grader's test table of every exercise, for the instructor's
# guide, as the grader lists it (no test is run).
#
# Usage (from anywhere, after building bin/ipcgrade):
#     sh chapters/book/rubric.sh OUTDIR
#
#   OUTDIR  gets exercises.tsv (`ipcgrade list`: id, tab, title, in course
#           order) and EX.json (`ipcgrade list EX --format json`: every test,
#           hidden ones included, with number, id, name, max_score,
#           visibility, hint and section, as a grading's JSON gives them;
#           tests/grader.sh checks that they agree).
#
# Environment: ROOT (default: two directories above this script), IPCGRADE
# (default: ROOT/bin/ipcgrade).

set -eu

prog=rubric.sh
die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}

[ $# -eq 1 ] || die "usage: sh chapters/book/rubric.sh OUTDIR"
here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "${ROOT:-$here/../..}" && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
cd "$ROOT"
grader=${IPCGRADE:-$ROOT/bin/ipcgrade}
[ -x "$grader" ] || die "no $grader (build it first: make build)"

"$grader" list > "$OUT/exercises.tsv.tmp" || die "$grader list failed"
mv "$OUT/exercises.tsv.tmp" "$OUT/exercises.tsv"
tab=$(printf '\t')
while IFS="$tab" read -r ex _title; do
    "$grader" list "$ex" --format json > "$OUT/$ex.json.tmp" ||
        die "$grader list $ex --format json failed"
    mv "$OUT/$ex.json.tmp" "$OUT/$ex.json"
done < "$OUT/exercises.tsv"
printf '%s: %d exercise(s) -> %s\n' "$prog" "$(wc -l < "$OUT/exercises.tsv")" "$OUT" >&2
