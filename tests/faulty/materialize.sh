#!/bin/sh
# materialize.sh: build every seeded faulty variant as a submission folder.
# A variant is tests/faulty/EXERCISE/NAME/bug.patch (the classic mistake, as
# a diff against solutions/EXERCISE/) plus an `expect` file: a first line
# "# the bug in one sentence", then the ids of the tests it must fail.
#
#   $ sh tests/faulty/materialize.sh OUTDIR    # makes OUTDIR/EXERCISE/NAME/*.c
set -eu
cd "$(dirname "$0")/../.."
out=${1:?usage: materialize.sh OUTDIR}

for patchfile in tests/faulty/*/*/bug.patch; do
    dir=$(dirname "$patchfile")
    ex=$(basename "$(dirname "$dir")")
    name=$(basename "$dir")
    mkdir -p "$out/$ex/$name"
    cp "solutions/$ex/"*.c "$out/$ex/$name/"
    patch -s -d "$out/$ex/$name" -p1 <"$patchfile"
    cp "$dir/expect" "$out/$ex/$name/expect"
done
