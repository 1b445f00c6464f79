#!/bin/sh
# gradescope.sh: build a Gradescope autograder zip, dist/gradescope-NAME.zip,
# holding setup.sh, run_autograder and this workbook (solutions and hidden
# tests included: the zip is for the instructor's Gradescope account only).
#
#   $ make gradescope EX=shmget          one exercise per assignment
#   $ make gradescope                    every exercise in one assignment
set -eu
cd "$(dirname "$0")/../.."
. grader/dist/lib.sh
exercises=${1:-}
name=${exercises:-all}
out=dist/gradescope-$(echo "$name" | tr ' ' '-').zip

stage=$(mktemp -d "${TMPDIR:-/tmp}/gradescope.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/workbook"
tracked_files . | while IFS= read -r f; do
    mkdir -p "$stage/workbook/$(dirname "$f")"
    cp -p "$f" "$stage/workbook/$f"
done
if [ -n "$exercises" ]; then
    for ex in $exercises; do
        grep -qx "$ex" <<LIST || { echo "gradescope: no exercise $ex" >&2; exit 2; }
$(bin/ipcgrade list | cut -f1)
LIST
    done
    echo "$exercises" | tr ' ' '\n' >"$stage/workbook/EXERCISES"
fi
cp grader/dist/gradescope-setup.sh "$stage/setup.sh"
cp grader/dist/gradescope-run.sh "$stage/run_autograder"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
mkdir -p dist
rm -f "$out"
(cd "$stage" && zip -qr - setup.sh run_autograder workbook) >"$out"
echo "gradescope: $out (upload it as the assignment's autograder)"
