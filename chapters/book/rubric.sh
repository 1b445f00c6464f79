#!/bin/sh
# rubric.sh: the grader's test table of every exercise, for the instructor's
# guide: it grades each reference solution and keeps the JSON.
#
# Usage (from anywhere, after building bin/ipcgrade):
#     sh chapters/book/rubric.sh OUTDIR
#
#   OUTDIR  gets exercises.tsv (`ipcgrade list`: id, tab, title, in course
#           order) and EX.json (`ipcgrade grade EX solutions/EX --format
#           json`: every test, hidden ones included, with id, name,
#           max_score, hint, visibility).  An EX.json newer than the grader,
#           the exercise's solution, skeleton and the grader's sources is kept.
#
# Environment: ROOT (default: two directories above this script), IPCGRADE
# (default: ROOT/bin/ipcgrade).
# A grading that cannot run (exit status 2) is an error.  A reference
# solution that does not score full marks is reported, and its rubric kept:
# `make check` fails on that elsewhere.

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
[ -d solutions ] || die "no solutions/ folder: the instructor's guide needs the reference solutions"

"$grader" list > "$OUT/exercises.tsv.tmp" || die "$grader list failed"
mv "$OUT/exercises.tsv.tmp" "$OUT/exercises.tsv"
tab=$(printf '\t')
graded=0
while IFS="$tab" read -r ex _title; do
    json=$OUT/$ex.json
    [ -d "solutions/$ex" ] || die "no solutions/$ex for exercise $ex"
    if [ -s "$json" ] && [ -z "$(find "$grader" "solutions/$ex" "exercises/$ex" grader \
            -newer "$json" -type f 2>/dev/null | head -n 1)" ]; then
        continue
    fi
    status=0
    "$grader" grade "$ex" "solutions/$ex" --format json > "$json.tmp" 2> "$OUT/$ex.err" ||
        status=$?
    if [ "$status" -gt 1 ] || ! jq -e '(.tests | length) > 0' "$json.tmp" > /dev/null 2>&1; then
        cat "$OUT/$ex.err" >&2
        rm -f "$json.tmp"
        die "could not grade solutions/$ex (exit status $status)"
    fi
    if [ "$status" -eq 1 ]; then
        printf '%s: warning: solutions/%s scores %s, not full marks; failing: %s\n' "$prog" "$ex" \
            "$(jq -r '"\(.score)/\(.max_score)"' "$json.tmp")" \
            "$(jq -r '[.tests[] | select(.status != "passed") | .id] | join(", ")' "$json.tmp")" >&2
    fi
    rm -f "$OUT/$ex.err"
    mv "$json.tmp" "$json"
    graded=$((graded + 1))
done < "$OUT/exercises.tsv"
printf '%s: %d exercise(s), %d graded now -> %s\n' "$prog" \
    "$(wc -l < "$OUT/exercises.tsv")" "$graded" "$OUT" >&2
