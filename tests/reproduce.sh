#!/bin/sh
# reproduce.sh: the "to see it yourself" lines of a failing test work when
# pasted into a shell in the student's folder. For every exercise, a seeded
# faulty variant is graded test by test until one failure has a recipe that
# needs nothing the grader made by itself; its programs are built in the
# variant's folder as a student's `make` would, the recipe is run verbatim,
# and its exit status must be the one the grader reported for the program
# that failed.
#
#   $ sh tests/reproduce.sh            (make check runs it; bin/ipcgrade must be built)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

G=${IPCGRADE:-bin/ipcgrade}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/reproduce.XXXXXX")
chmod 711 "$tmp"
trap 'rm -rf "$tmp"' EXIT
exercises=${IPCGRADE_EXERCISES:-$($G list | cut -f1)}
sh tests/faulty/materialize.sh "$tmp/faulty" $exercises

# build DIR EX: the programs of DIR, as the exercise's Makefile builds them.
build() {
    for src in "$1"/*.c; do
        prog=${src%.c}
        extra=
        [ -f "exercises/include/$2-driver.c" ] && extra=exercises/include/$2-driver.c
        gcc -std=gnu11 -g -O0 -Iexercises/include -o "$prog" "$src" $extra -lm || return 1
    done
}

for ex in $exercises; do
    found=""
    tried=""
    for dir in "$tmp"/faulty/"$ex"/*/; do
        dir=${dir%/}
        for id in $(grep -v '^#' "$dir/expect"); do
            $G grade "$ex" "$dir" --test "$id" --format json >"$tmp/r.json" 2>/dev/null
            jq -r '.tests[0].reproduce | join("\n")' "$tmp/r.json" >"$tmp/recipe.sh" 2>/dev/null
            # The status the grader saw for the program that failed.
            want=$(jq -r '.tests[0].output' "$tmp/r.json" |
                   sed -n 's/^  exit status \([0-9]*\)$/\1/p' | tail -n 1)
            last=$(grep -v '^END$' "$tmp/recipe.sh" | tail -n 1)
            if [ ! -s "$tmp/recipe.sh" ] || [ -z "$want" ] ||
               grep -q '^# here the grader' "$tmp/recipe.sh"; then
                continue
            fi
            case $last in kill*|sleep*) continue ;; esac
            build "$dir" "$ex" || continue
            (cd "$dir" && timeout -s KILL 20 sh "$tmp/recipe.sh") >"$tmp/out" 2>&1
            got=$?
            name=$(basename "$dir")/$id
            if [ "$got" = "$want" ]; then
                found=$name
                break 2
            fi
            tried="$tried
$name: the recipe exited $got, the grader saw $want:
$(cat "$tmp/recipe.sh")"
        done
    done
    if [ -n "$found" ]; then
        ok "$ex: the reproduce lines of $found run as printed and fail the same way"
    else
        not_ok "$ex: the reproduce lines of a failing test run as printed and fail the same way" \
            "${tried:-no faulty variant had a failure with a complete recipe}"
    fi
done
summary
