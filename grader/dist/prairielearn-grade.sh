#!/bin/sh
# prairielearn-grade.sh: the entrypoint of a PrairieLearn external grader
# (grader/dist/prairielearn/ holds an example question). PrairieLearn puts
# the student's files in /grade/student and reads /grade/results/results.json;
# this script grades EXERCISE and ALWAYS writes that file, even when the
# grader itself fails (then "gradable": false: no attempt is used up).
#
#   entrypoint: sh /workbook/grader/dist/prairielearn-grade.sh EXERCISE
#
# GRADE_ROOT replaces /grade, for testing; the workbook is the one this
# script is in.
set -u
ex=${1:-}
root=${GRADE_ROOT:-/grade}
workbook=$(cd "$(dirname "$0")/../.." && pwd)
results=$root/results/results.json
mkdir -p "$root/results"
err=$(mktemp)
trap 'rm -f "$err" "$results.tmp"' EXIT

"$workbook/bin/ipcgrade" grade "$ex" "$root/student" --format prairielearn >"$results.tmp" 2>"$err"
status=$?
if [ "$status" -eq 2 ] || [ "$status" -gt 3 ] || ! jq -e 'has("gradable")' "$results.tmp" >/dev/null 2>&1; then
    jq -n --arg why "$(head -n 1 "$err")" '{gradable: false, score: 0,
        format_errors: ["The autograder could not grade this submission: " + $why],
        message: "The autograder could not grade this submission. Please tell your instructor."}' \
        >"$results"
    exit 0
fi
mv "$results.tmp" "$results"
