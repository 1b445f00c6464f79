#!/bin/sh
# run_autograder for Gradescope: grade /autograder/submission and ALWAYS
# write /autograder/results/results.json, even when the grader itself fails.
# Where the grader could not run some tests (ipcgrade's exit status 3: its
# fault or the machine's, never the student's), the results keep every
# test that ran, the top-level output says which could not, and this script
# exits 1 so that the platform flags the submission for the instructor.
#
# The submission is either one folder per exercise (submission/shmget/...)
# or, for a single-exercise assignment, the files themselves. EXERCISES (next
# to this script's workbook) lists the exercises this assignment grades.
# AUTOGRADER_ROOT replaces /autograder, for testing.
set -u
root=${AUTOGRADER_ROOT:-/autograder}
workbook=$root/source/workbook
results=$root/results/results.json
mkdir -p "$root/results"
tmp=$(mktemp -d)

# The grader failed: say so to the student instead of a blank page.
fallback() {
    reason=$1
    printf '{"score": 0, "output": %s, "tests": []}\n' \
        "$(printf '%s' "The autograder could not grade this submission: $reason. Please tell your instructor." |
           sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/' | tr -d '\n')" >"$results"
}
finish() {
    if ! jq -e 'has("tests")' "$results" >/dev/null 2>&1; then
        fallback "${why:-the grader stopped unexpectedly}"
    fi
    rm -rf "$tmp"
}
trap finish EXIT
why="the grader stopped unexpectedly"

exercises=$(cat "$workbook/EXERCISES" 2>/dev/null || "$workbook/bin/ipcgrade" list | cut -f1)
n=0
errored=""
for ex in $exercises; do
    dir=$root/submission/$ex
    [ -d "$dir" ] || dir=$root/submission
    "$workbook/bin/ipcgrade" grade "$ex" "$dir" --format json >"$tmp/$ex.json" 2>"$tmp/$ex.err"
    status=$?
    [ "$status" -eq 3 ] && errored="$errored $ex"
    if [ "$status" -eq 2 ] || [ "$status" -gt 3 ] || ! jq -e . "$tmp/$ex.json" >/dev/null 2>&1; then
        why="grading $ex failed ($(head -n 1 "$tmp/$ex.err"))"
        exit 1
    fi
    n=$((n + 1))
done
[ "$n" -gt 0 ] || { why="no exercise to grade"; exit 1; }

# One results.json for the whole assignment: test names say their exercise.
jq -s --arg errored "${errored# }" '{
    score: (map(.score) | add),
    max_score: (map(.max_score) | add),
    execution_time: (map(.execution_time) | add),
    output: ([if $errored != "" then "The autograder could not run some tests of " + $errored
                + " (the grading machine'"'"'s fault, not yours: they cost no points). Your "
                + "instructor will grade them again." else empty end]
             + map(select(.output != null) | .exercise + ": " + .output) | join("\n")),
    extra_data: { errors: (map(.errors // 0) | add),
                  sandbox: (map(.sandbox | select(. != null)) | first) },
    tests: [ .[] as $r | $r.tests[] | .name = (if ($r.exercise | length) > 0
                                               then $r.exercise + ": " + .name else .name end)
                                    | .number = ($r.exercise + "." + .number) ]
}' "$tmp"/*.json >"$results.tmp" && mv "$results.tmp" "$results"
[ -z "$errored" ] || exit 1
