#!/bin/sh
# handout.sh: build the student handout, dist/ipc-workbook-student.tar.gz:
# the chapters, the skeletons, the grader with its visible tests only, and
# the workbook's own tests — no solutions, no hidden tests, no faulty
# variants, nothing built. Students unpack it and run `make`, `make check`.
#
#   $ make handout             (or: sh grader/dist/handout.sh [OUT.tar.gz])
set -eu
cd "$(dirname "$0")/../.."
. grader/dist/lib.sh
out=${1:-dist/ipc-workbook-student.tar.gz}
name=ipc-workbook

stage=$(mktemp -d "${TMPDIR:-/tmp}/handout.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name"

# Only what git tracks, so nothing built or private slips in.
tracked_files Makefile README.md LICENSE .gitignore chapters exercises grader tests |
    grep -v -e '^tests/faulty/' -e '^tests/alternatives/' -e '^tests/mutants/' \
        -e '^tests/dist.sh$' -e '^tests/container.sh$' -e '^grader/dist/' |
    while IFS= read -r f; do
        mkdir -p "$stage/$name/$(dirname "$f")"
        cp -p "$f" "$stage/$name/$f"
    done

# Hidden tests sit between HIDDEN-BEGIN and HIDDEN-END comments.
for f in "$stage/$name"/grader/suites/*.c; do
    sed '/HIDDEN-BEGIN/,/HIDDEN-END/d' "$f" >"$f.tmp"
    mv "$f.tmp" "$f"
done

mkdir -p "$(dirname "$out")"
tar -C "$stage" -czf "$out" "$name"
echo "handout: $out ($(tar -tzf "$out" | wc -l) files)"
