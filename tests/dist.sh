#!/bin/sh
# dist.sh: what the workbook hands out.
#   - the student handout holds no solution, no hidden test, no faulty
#     variant and nothing built; unpacked in an empty folder, its README's
#     two commands (make, make check) succeed there (make check without the
#     book's steps and the aarch64 build, which read the same bytes here as
#     in the repo: checked);
#   - the Gradescope zip, unpacked where /autograder would be, grades a
#     submission into results.json, and still writes results.json when the
#     grader itself is broken.
#
#   $ sh tests/dist.sh        (make check runs it; takes a few minutes)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dist-test.XXXXXX")
chmod 711 "$tmp"     # as root the programs run as another user, who passes through
trap 'rm -rf "$tmp"' EXIT

echo "# the student handout"
sh grader/dist/handout.sh "$tmp/handout.tar.gz" >/dev/null
tar -tzf "$tmp/handout.tar.gz" >"$tmp/list"
check "it holds the skeletons, the chapters and the grader" \
    sh -c "grep -q '/exercises/keys/ipckey.c$' '$tmp/list' && grep -q '/chapters/01-keys.md$' \
           '$tmp/list' && grep -q '/grader/engine.c$' '$tmp/list'"
check "it holds no solutions" sh -c "! grep -q '/solutions/' '$tmp/list'"
check "it holds no faulty variants, alternatives or mutants (they show the solutions)" \
    sh -c "! grep -q '/tests/faulty/\|/tests/alternatives/\|/tests/mutants/' '$tmp/list'"
check "it holds nothing built" sh -c "! grep -qE '/(build|bin|dist)/' '$tmp/list'"
mkdir -p "$tmp/student"
tar -C "$tmp/student" -xzf "$tmp/handout.tar.gz"
wb=$tmp/student/ipc-workbook
check "it holds no hidden test" \
    sh -c "! grep -q 'HIDDEN-BEGIN\|path_with_spaces' '$wb'/grader/suites/*.c"
# The handout's make check leaves out the steps that would do again, on the
# same bytes, what this make check does: the book (its student edition's
# PDF, EPUB and their checks), its numbering and its include filter. Every
# file the handout holds is the repo's, byte for byte (before make, which
# refreshes the chapters' copies of program output), but the suites it
# strips of their hidden tests, which the book does not read; and plain
# make builds the book's site from the handout alone, so the book reads no
# file the handout lacks. What the book does differently there, with no
# solutions/ (the student's edition only), is built below.
sed -n 's|^ipc-workbook/\(..*[^/]\)$|\1|p' "$tmp/list" | grep -v '^grader/suites/' |
    while IFS= read -r f; do cmp -s "$wb/$f" "$f" || echo "$f"; done >"$tmp/differ"
if [ -s "$tmp/differ" ]; then
    not_ok "every file of the handout but the suites is the repo's, byte for byte" \
        "$(head -n 10 "$tmp/differ")"
else
    ok "every file of the handout but the suites is the repo's, byte for byte ($(wc -l <"$tmp/list") entries)"
fi
check "the chapters show nothing of the grader's suites" \
    sh -c "! grep -rq 'grader/suites' '$wb/chapters'"
(cd "$wb" && make) >"$tmp/make.log" 2>&1
if [ $? -eq 0 ] && grep -q '^Total: ' "$tmp/make.log"; then
    ok "make in the unpacked handout builds and shows the progress table"
else
    not_ok "make in the unpacked handout builds and shows the progress table" \
        "$(tail -n 20 "$tmp/make.log")"
fi
(cd "$wb" && sh chapters/book/build-book.sh --formats epub build/book) >"$tmp/book.log" 2>&1
check "the handout's book: the student's edition alone, with a note" \
    sh -c "grep -q 'no instructor' '$tmp/book.log' && test -s '$wb/build/book/ipc-workbook.epub' &&
           test ! -e '$wb/build/book/instructor'"
# One step at a time (LANES=1, and so no lane for steps that mostly wait):
# this is itself one step of make check's, beside three others, and its
# own three lanes beside those made seven steps at once.
# Cross, too, is left out: it builds grader/ for aarch64 and runs the unit
# tests there, and grader/ is the repo's, byte for byte, but for the suites
# stripped of their hidden tests (checked above), which the handout's make
# (with -Werror, like cross) compiles and its unit tests and gradings run.
skip="book numbering include-filter cross"
(cd "$wb" && LANES=1 make check SKIP="$skip") >"$tmp/check.log" 2>&1
if [ $? -eq 0 ]; then
    ok "make check in the unpacked handout passes, but for $skip ($(tail -n 1 "$tmp/check.log"))"
else
    not_ok "make check in the unpacked handout passes" "$(grep -E '^FAIL' "$tmp/check.log" |
        head -20; tail -n 5 "$tmp/check.log")"
fi
"$wb/bin/ipcgrade" grade shmget "$PWD/solutions/shmget" --format json >"$tmp/h.json"
jq_true "the handout's grader skips the tests that need reference programs" "$tmp/h.json" \
    '.score == .max_score and ([.tests[] | select(.id == "open_existing")] | length == 0)'

echo "# the Gradescope autograder"
sh grader/dist/gradescope.sh shmget >/dev/null
ag=$tmp/autograder
mkdir -p "$ag/source" "$ag/submission"
unzip -q dist/gradescope-shmget.zip -d "$ag/source"
check "the zip holds setup.sh and run_autograder at its root" \
    test -x "$ag/source/setup.sh" -a -x "$ag/source/run_autograder"
mv "$ag/source/setup.sh" "$ag/source/run_autograder" "$ag/"
AUTOGRADER_ROOT=$ag sh "$ag/setup.sh" >"$tmp/setup.log" 2>&1
check "setup.sh installs and builds" test -x "$ag/source/workbook/bin/ipcgrade"
cp solutions/shmget/shmtool.c "$ag/submission/"
AUTOGRADER_ROOT=$ag sh "$ag/run_autograder" >/dev/null 2>&1
jq_true "run_autograder grades a submission into results.json" "$ag/results/results.json" \
    '.score == .max_score and .max_score > 0 and (.tests | length > 5) and
     (.tests[0].name | startswith("shmget: "))'
rm -f "$ag/submission/shmtool.c"
cp exercises/shmget/shmtool.c "$ag/submission/"
AUTOGRADER_ROOT=$ag sh "$ag/run_autograder" >/dev/null 2>&1
jq_true "a skeleton scores less" "$ag/results/results.json" '.score < .max_score'
rm -f "$ag/submission/shmtool.c" "$ag/results/results.json"
AUTOGRADER_ROOT=$ag sh "$ag/run_autograder" >/dev/null 2>&1
jq_true "an empty submission still gets a results.json that says why" \
    "$ag/results/results.json" '.score == 0 and (.output | test("could not grade"))'
rm -f "$ag/source/workbook/bin/ipcgrade" "$ag/results/results.json"
cp solutions/shmget/shmtool.c "$ag/submission/"
AUTOGRADER_ROOT=$ag sh "$ag/run_autograder" >/dev/null 2>&1
jq_true "a broken grader still writes results.json" "$ag/results/results.json" \
    '.score == 0 and (.output | test("could not grade"))'

summary
