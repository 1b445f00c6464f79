#!/bin/sh
# sanitizers.sh: the grader's own code must be clean. Grades a solution, a
# skeleton and a faulty variant with the ASan/UBSan build of the grader
# (build/asan/ipcgrade; every forked worker and test process is checked as
# well), and runs the normal build under Valgrind memcheck.
#
#   $ sh tests/sanitizers.sh      (make check builds build/asan/ipcgrade first)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sanitizers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export IPCGRADE_ROOT=$PWD
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99

# asan_grade NAME EXERCISE DIR: the sanitized grader must agree with bin/ipcgrade
# and report nothing.
asan_grade() {
    name=$1 ex=$2 dir=$3
    build/asan/ipcgrade grade "$ex" "$dir" --format json >"$tmp/asan.json" 2>"$tmp/asan.err"
    asan_rc=$?
    bin/ipcgrade grade "$ex" "$dir" --format json >"$tmp/plain.json" 2>/dev/null
    if grep -q 'Sanitizer\|runtime error' "$tmp/asan.err" || [ "$asan_rc" -gt 1 ]; then
        not_ok "ASan/UBSan clean: $name" "exit $asan_rc: $(cat "$tmp/asan.err")"
    elif [ "$(jq .score "$tmp/asan.json")" != "$(jq .score "$tmp/plain.json")" ]; then
        not_ok "ASan/UBSan build agrees: $name" "$(jq -c '[.tests[]|.status]' "$tmp/asan.json")"
    else
        ok "ASan/UBSan clean: $name"
    fi
}

if [ -d solutions ]; then
    sh tests/faulty/materialize.sh "$tmp/faulty"
    keys=solutions/keys
    variant=$tmp/faulty/shmget/no-rmid
    leaky=$tmp/faulty/keys/leaked-malloc
else                    # the student handout
    keys=exercises/keys
    variant=exercises/shmget
    leaky=exercises/keys
fi
asan_grade "keys: $keys" keys "$keys"
asan_grade "shmget skeleton" shmget exercises/shmget
asan_grade "shmget: $variant" shmget "$variant"
build/asan/ipcgrade progress >/dev/null 2>"$tmp/asan.err"
check "ASan/UBSan clean: progress" sh -c "! grep -q 'Sanitizer\|runtime error' '$tmp/asan.err'"
build/asan/ipcgrade grade >/dev/null 2>"$tmp/asan.err"
check "ASan/UBSan clean: bad usage" sh -c "! grep -q 'Sanitizer\|runtime error' '$tmp/asan.err'"

# Valgrind follows the grader's forks (silently); its errors in the grader
# process itself fail the run.
vg() {
    valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
        --error-exitcode=99 --child-silent-after-fork=yes "$@"
}
vg bin/ipcgrade list >/dev/null 2>"$tmp/vg.err"
check "Valgrind clean: ipcgrade list" [ $? -ne 99 ]
vg bin/ipcgrade grade keys "$keys" --format json >"$tmp/vg.json" 2>"$tmp/vg.err"
code=$?
if [ "$code" -le 1 ] && [ "$(jq .score "$tmp/vg.json")" = "$(bin/ipcgrade grade keys "$keys" \
        --format json | jq .score)" ]; then
    ok "Valgrind clean: grading $keys"
else
    not_ok "Valgrind clean: grading $keys" "exit $code: $(cat "$tmp/vg.err")"
fi
vg bin/ipcgrade grade keys "$leaky" --format junit >/dev/null 2>"$tmp/vg.err"
check "Valgrind clean: grading a faulty variant" [ $? -eq 1 ]

summary
