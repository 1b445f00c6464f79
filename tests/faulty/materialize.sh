#!/bin/sh
# materialize.sh: build every seeded faulty variant as a submission folder.
# A variant is tests/faulty/EXERCISE/NAME/bug.patch (the classic mistake, as
# a diff against solutions/EXERCISE/) plus an `expect` file: a first line
# "# the bug in one sentence", then the ids of the tests it must fail.
# tests/faulty/new.sh makes a new one from an edited copy of a solution.
#
#   $ sh tests/faulty/materialize.sh OUTDIR [EXERCISE...]
#                                   # makes OUTDIR/EXERCISE/NAME/*.c
set -eu
cd "$(dirname "$0")/../.."
out=${1:?usage: materialize.sh OUTDIR [EXERCISE...]}
shift
only=" $* "

# VARIANTS=tests/alternatives: the correct alternatives instead (alt.patch, why).
for patchfile in ${VARIANTS:-tests/faulty}/*/*/*.patch; do
    dir=$(dirname "$patchfile")
    ex=$(basename "$(dirname "$dir")")
    name=$(basename "$dir")
    case $only in "  "|*" $ex "*) ;; *) continue ;; esac
    mkdir -p "$out/$ex/$name"
    cp "solutions/$ex/"*.c "$out/$ex/$name/"
    patch -s -d "$out/$ex/$name" -p1 <"$patchfile"
    for f in expect why; do
        if [ -f "$dir/$f" ]; then cp "$dir/$f" "$out/$ex/$name/$f"; fi
    done
done
