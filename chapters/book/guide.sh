#!/bin/sh
# guide.sh: write the instructor's guide pages, one per exercise, from the
# grader's own test tables and the reference solutions.
#
# Usage (from anywhere):
#     sh chapters/book/guide.sh RUBRIC_DIR OUTDIR
#
#   RUBRIC_DIR  what rubric.sh made: exercises.tsv (ipcgrade list) and
#               EX.json (ipcgrade list EX --format json: its tests)
#   OUTDIR      gets guide-EX.md per exercise, in course order, and beside it
#               EX/rubric.tsv, EX/mistakes.tsv and EX/FILE.diff; the list of
#               pages, in order, is OUTDIR/pages.txt.
#
# Each page (guide.lua renders the .tsv tables when the book is built):
#   - the rubric: every test of the suite, hidden ones too, with its id,
#     points, what it checks (its name) and the hint a student gets when it
#     fails, from the grader's JSON, so it is never written twice;
#   - the mistakes the tests were built to catch, from
#     tests/faulty/EX/*/expect (first line: the bug; then the test ids);
#   - the hints students can ask for (exercises/EX/hints.md), if any;
#   - for each solutions/EX/FILE: what a student has to write (the diff
#     from the skeleton exercises/EX/FILE) and the whole reference solution,
#     whose comments are its commentary; both through include-code.lua.
# Links to the chapters are written for the site (NN-name.html, with a
# title "section:TITLE" that guide.lua turns into the section's anchor).

set -eu

prog=guide.sh
die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}

[ $# -eq 2 ] || die "usage: sh chapters/book/guide.sh RUBRIC_DIR OUTDIR"
here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "${ROOT:-$here/../..}" && pwd)
mkdir -p "$2"
RUBRIC=$(cd "$1" && pwd)
OUT=$(cd "$2" && pwd)
cd "$ROOT"
LC_ALL=C
export LC_ALL

[ -s "$RUBRIC/exercises.tsv" ] || die "no $RUBRIC/exercises.tsv (run rubric.sh first)"
command -v jq > /dev/null 2>&1 || die "jq is not installed"

# Paths inside the book are relative to ROOT, where pandoc runs.
case $OUT in
"$ROOT"/*) rel=${OUT#"$ROOT"/} ;;
*) rel=$OUT ;;
esac

rm -f "$OUT"/guide-*.md
: > "$OUT/pages.txt"
tab=$(printf '\t')

while IFS="$tab" read -r ex title; do
    json=$RUBRIC/$ex.json
    [ -s "$json" ] || die "no $json (run rubric.sh first)"
    chapter=$(jq -r '.chapter // empty' "$json")
    [ -n "$chapter" ] && [ -f "$chapter" ] || die "$json names no chapter file"
    page=${chapter##*/}
    page=${page%.md}
    num=$(printf '%s\n' "${page%%-*}" | sed 's/^0*\(.\)/\1/')
    exsec=$(sed -n 's/^## \(Exercise.*\)$/\1/p' "$chapter" | head -n 1)
    mkdir -p "$OUT/$ex"

    # The rubric: number, id, name, points, visibility, hint.
    jq -r '.tests | to_entries[] | [(.key + 1), .value.id, .value.name,
            .value.max_score, .value.visibility, (.value.hint // "")] | @tsv' \
        "$json" > "$OUT/$ex/rubric.tsv"
    ntests=$(wc -l < "$OUT/$ex/rubric.tsv")
    points=$(jq -r '[.tests[].max_score] | add' "$json")
    hidden=$(jq -r '[.tests[] | select(.visibility != "visible")] | length' "$json")

    # The seeded mistakes: the bug, then the tests that catch it.
    : > "$OUT/$ex/mistakes.tsv"
    for e in tests/faulty/"$ex"/*/expect; do
        [ -f "$e" ] || continue
        bug=$(sed -n '1s/^# *//p' "$e")
        ids=$(sed -e '1d' -e '/^#/d' -e '/^[[:space:]]*$/d' "$e" | tr '\n' ' ' | sed 's/ *$//')
        printf '%s\t%s\n' "$bug" "$ids" >> "$OUT/$ex/mistakes.tsv"
    done

    md=$OUT/guide-$ex.md
    {
        printf -- '---\nguide-chapter: %s\n---\n\n' "$page"
        # The title names the chapter and what students write there (the
        # programs of its "## Exercise: ..." heading), not the folder; a
        # project's chapter has no such heading, and is named by the project.
        if [ -n "$exsec" ]; then
            printf '# Chapter %s, %s: rubric and solution\n\n' "$num" "${exsec#Exercise: }"
        else
            printf '# Chapter %s, project %s: rubric and solution\n\n' "$num" "$ex"
        fi
        printf 'The exercise of [chapter %s](%s.html)' "$num" "$page"
        if [ -n "$exsec" ]; then
            printf ', ["%s"](%s.html "section:%s")' "$exsec" "$page" "$exsec"
        fi
        printf ' (`exercises/%s/`, which the grader calls *%s*): what the grader tests and what each test is\n' "$ex" "$title"
        printf 'worth, the mistakes its tests were written to catch, the hints students can\n'
        printf 'ask for, and the reference solution. Everything here is generated from the\n'
        printf 'grader and the solution when the book is built.\n\n'

        printf '## Grading rubric\n\n'
        printf '`bin/ipcgrade grade %s DIR` runs %s tests worth %s points' "$ex" "$ntests" "$points"
        if [ "$hidden" -gt 0 ]; then
            printf '; %s of them hidden: they run in your grading, not in the\n' "$hidden"
            printf "students' copy (\`make handout\`) or with \`--visible-only\`.\n"
        else
            printf '; none is hidden.\n'
        fi
        printf 'A test scores all its points or none. The last column is what a student\n'
        printf 'whose program fails the test is told.\n\n'
        printf '::: {.rubric file="%s/%s/rubric.tsv"}\n:::\n\n' "$rel" "$ex"

        if [ -s "$OUT/$ex/mistakes.tsv" ]; then
            printf '## Mistakes the tests catch\n\n'
            printf 'Each is a classic mistake, seeded into the reference solution as a patch\n'
            printf '(`tests/faulty/%s/`); `make check` proves that it fails the tests named.\n\n' "$ex"
            printf '::: {.mistakes file="%s/%s/mistakes.tsv"}\n:::\n\n' "$rel" "$ex"
        fi

        if [ -f "exercises/$ex/hints.md" ]; then
            printf '## Hints students can ask for\n\n'
            printf '`bin/ipcgrade hint %s` shows them one at a time, gentlest first\n' "$ex"
            printf '(`exercises/%s/hints.md`).\n\n' "$ex"
            # From its first "## " section on, one heading level down.
            sed -n '/^## /,$p' "exercises/$ex/hints.md" | sed 's/^## /### /'
            printf '\n'
        fi

        printf '## The reference solution\n\n'
        printf 'The comments in the solution are its commentary: they say why each call,\n'
        printf 'flag and check is there. The diff shows exactly what a student has to write:\n'
        printf 'the skeleton (`-`) against the solution (`+`).\n\n'
        for sol in solutions/"$ex"/*.c solutions/"$ex"/*.h; do
            [ -f "$sol" ] || continue
            f=${sol##*/}
            skel=exercises/$ex/$f
            printf '### `%s`\n\n' "$f"
            if [ -f "$skel" ]; then
                st=0
                diff -u --label "$skel" --label "$sol" "$skel" "$sol" > "$OUT/$ex/$f.diff" || st=$?
                [ "$st" -le 1 ] || die "diff $skel $sol failed"
                if [ "$st" -eq 1 ]; then
                    printf '```{.diff include="%s/%s/%s.diff" title="What to write: %s against %s"}\n```\n\n' \
                        "$rel" "$ex" "$f" "$skel" "$sol"
                else
                    printf 'The solution is the same as the skeleton.\n\n'
                fi
            fi
            printf '```{.c .numberLines include="%s"}\n```\n\n' "$sol"
        done
    } > "$md"
    printf '%s\n' "$md" >> "$OUT/pages.txt"
done < "$RUBRIC/exercises.tsv"

[ -s "$OUT/pages.txt" ] || die "no exercise in $RUBRIC/exercises.tsv"
printf '%s: %d page(s) -> %s\n' "$prog" "$(wc -l < "$OUT/pages.txt")" "$OUT" >&2
