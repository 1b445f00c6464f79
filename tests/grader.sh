#!/bin/sh
# grader.sh: the grader graded, end to end, through bin/ipcgrade.
#   - every reference solution scores full marks;
#   - every skeleton compiles, scores less, and every failure is explained;
#   - every seeded faulty variant (tests/faulty/EX/NAME/) fails each test its
#     `expect` file names (tests/faulty/materialize.sh builds them);
#   - every output format is accepted by its reader (jq, prove, xmllint);
#   - bad input exits 2 with one line on stderr; a stuck or crashing program
#     is reported in words; grading works as a normal user too.
#
#   $ sh tests/grader.sh          (make check runs it; bin/ipcgrade must be built)
#   $ IPCGRADE_EXERCISES="keys shmget" sh tests/grader.sh
#                                 (only what is about those exercises)
#   $ GRADER_PART=batch sh tests/grader.sh   (only the batch of a class)
#   $ GRADER_PART=common sh tests/grader.sh  (only the rest: formats, the
#                                 student's loop, faults, bad input; make
#                                 check runs the parts side by side)
#   $ IPCGRADE=build/asan/ipcgrade IPCGRADE_ROOT=$PWD sh tests/grader.sh
#                                 (another build of the grader, as
#                                 tests/sanitizers.sh runs it)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

G=${IPCGRADE:-bin/ipcgrade}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/grader-test.XXXXXX")
chmod 711 "$tmp"     # as root the programs run as another user, who passes through
trap 'rm -rf "$tmp"' EXIT
exercises=${IPCGRADE_EXERCISES:-$($G list | cut -f1)}      # make check EX=ID: one exercise
part=${GRADER_PART:-all}
[ -n "${IPCGRADE_EXERCISES:-}" ] && part=exercises
case $part in
all|exercises|batch|common) ;;
*) echo "grader.sh: GRADER_PART must be all, exercises, batch or common, not '$part'" >&2
   exit 2 ;;
esac
# The student handout has no solutions/ and no tests/faulty/: what needs
# them is checked only in the full workbook.
full=false
[ -d solutions ] && [ -d tests/faulty ] && full=true

# errored_tests JSON: the id and message of each test the grader could not run.
errored_tests() {
    jq -r '.tests[]? | select(.outcome == "error") | .id + ": " + .output' "$1" 2>/dev/null |
        head -c 1500
}

# write_stuck DIR: a keys submission that blocks in msgrcv() for ever.
write_stuck() {
    mkdir -p "$1"
    cat >"$1/ipckey.c" <<'C'
#include <sys/msg.h>
int main(void) { struct { long t; char x[8]; } m; int q = msgget(IPC_PRIVATE, 0600);
                 msgrcv(q, &m, sizeof m.x, 2, 0); return 0; }
C
}

# grade_json OUT ARGS...: run a grading, JSON to OUT, exit status in $rc.
grade_json() {
    out=$1
    shift
    $G grade "$@" --format json >"$out" 2>"$out.err"
    rc=$?
}

if [ "$part" = all ] || [ "$part" = exercises ]; then
echo "# reference solutions and skeletons"
for ex in $exercises; do
    if $full; then
        grade_json "$tmp/sol.json" "$ex" "solutions/$ex"
        check "$ex: the solution exits 0" [ "$rc" -eq 0 ]
        jq_true "$ex: the solution scores full marks" "$tmp/sol.json" \
            '.score == .max_score and .max_score > 0 and (.tests | all(.status == "passed"))'
        jq_true "$ex: the report states the memory bound, and no run came within half of it" \
            "$tmp/sol.json" '(.sandbox.memory_bound | test("^(cgroup v[12]|watchdog): ")) and
                ([.tests[].runs[]?.total_memory_kib // 0] | max) < .sandbox.memory_mib * 512'
        # The same, each run bounded by its watchdog instead of control
        # groups (what a normal user or a container gets). In container
        # mode, tests/container.sh does this where it happens: every
        # solution, graded in a real container, which has no control groups
        # to give.
        if [ "${IPCGRADE_SANDBOX:-}" != container ]; then
            IPCGRADE_CGROUP=none grade_json "$tmp/sol-watchdog.json" "$ex" "solutions/$ex"
            jq_true "$ex: the solution scores full marks under the memory watchdog" \
                "$tmp/sol-watchdog.json" \
                '.score == .max_score and (.sandbox.memory_bound | startswith("watchdog: "))'
        fi
    fi

    grade_json "$tmp/skel.json" "$ex"
    if [ "$rc" -eq 1 ]; then
        ok "$ex: the skeleton is graded as failing (exit 1)"
    else
        not_ok "$ex: the skeleton is graded as failing (exit 1)" "exit status $rc; stderr: $(
            head -c 1000 "$tmp/skel.json.err"); $(errored_tests "$tmp/skel.json")"
    fi
    jq_true "$ex: the skeleton compiles and scores less" "$tmp/skel.json" \
        '.compiled and .score < .max_score'
    jq_true "$ex: every failing skeleton test explains itself" "$tmp/skel.json" \
        '[.tests[] | select(.status == "failed") | .output | length > 40] | all'
    if [ "$ex" = msgqueue ]; then   # chapters/07-msgsnd-msgrcv.md says so
        jq_true "msgqueue: the skeleton's server, which spins on E2BIG, is stopped for it" \
            "$tmp/skel.json" '.tests[] | select(.id == "server_oversized") |
                .status == "failed" and (.output | test("busy using the CPU"))'
    fi
    # ipcgrade list EX: the table of tests, none run, as a grading shows it
    # (all of it: the solution's; a skeleton's grading leaves out the tests
    # it skips, those that need the reference programs the handout lacks).
    $G list "$ex" --format json >"$tmp/list.json"
    table='[.tests[] | {number, id, name, max_score, visibility, hint, section}]'
    graded=$tmp/skel.json
    $full && graded=$tmp/sol.json
    jq_true "$ex: ipcgrade list $ex shows the tests a grading runs, in its words" \
        "$tmp/list.json" "($table) as \$listed | (\$graded[0] | $table) as \$ran |
            .exercise == \$ex and .chapter == \$graded[0].chapter and
            .max_score == ([.tests[].max_score] | add) and
            (\$ran - \$listed) == [] and ((\$full | not) or \$listed == \$ran)" \
        --slurpfile graded "$graded" --arg ex "$ex" --argjson full "$full"
    jq_true "$ex: results.json has Gradescope's fields" "$tmp/skel.json" \
        '(.score|type) == "number" and (.max_score|type) == "number" and
         (.execution_time|type) == "number" and
         (.tests | all(has("name") and has("number") and has("score") and has("max_score")
                       and (.status == "passed" or .status == "failed") and has("output")
                       and (.visibility | IN("visible", "hidden", "after_due_date",
                                             "after_published"))))'
done

echo "# seeded faulty variants"
$full && sh tests/faulty/materialize.sh "$tmp/faulty" $exercises
# A variant is graded on the tests its `expect` names (--test ID,ID): what
# the other tests make of it proves nothing about the bug it seeds, and the
# reference and the skeleton already take every test through both verdicts.
# Two gradings at a time: the variants are independent, and a grading
# spends much of its time waiting (for a deadline, for Valgrind to start),
# so the second lane roughly halves this part. Each grading leaves its JSON
# and exit status beside its folder, and the checks then read them in order.
if [ -d "$tmp/faulty" ]; then
    find "$tmp/faulty" -mindepth 2 -maxdepth 2 -type d -print0 |
        G=$G xargs -0 -r -n 1 -P 2 sh -c '
            ex=$(basename "$(dirname "$1")")
            ids=$(grep -v "^#" "$1/expect" | paste -sd, -)
            $G grade "$ex" "$1" --format json --test "$ids" >"$1.json" 2>"$1.json.err"
            echo $? >"$1.rc"' sh
fi
for dir in "$tmp"/faulty/*/*/; do
    [ -d "$dir" ] || continue
    dir=${dir%/}
    ex=$(basename "$(dirname "$dir")")
    name="$ex/$(basename "$dir")"
    rc=$(cat "$dir.rc" 2>/dev/null || echo "never graded")
    if [ "$rc" != 1 ]; then
        not_ok "$name: graded as failing (exit 1)" "exit status $rc: $(cat "$dir.json.err")$(
            errored_tests "$dir.json")"
        continue
    fi
    for id in $(grep -v '^#' "$dir/expect"); do
        jq_true "$name: fails $id" "$dir.json" \
            '.tests[] | select(.id == $id) | .status == "failed" and (.output | length > 40)' \
            --arg id "$id"
    done
done

echo "# correct alternative solutions keep full marks"
# tests/alternatives/EX/NAME/alt.patch: a correct program written another way
# (what student trials did and the chapters allow), and `why`, one line.
$full && VARIANTS=tests/alternatives sh tests/faulty/materialize.sh "$tmp/alt" $exercises
for dir in "$tmp"/alt/*/*/; do
    [ -d "$dir" ] || continue
    dir=${dir%/}
    ex=$(basename "$(dirname "$dir")")
    grade_json "$tmp/alt.json" "$ex" "$dir"
    jq_true "$ex/$(basename "$dir") ($(sed 's/^# //' "$dir/why")): full marks" "$tmp/alt.json" \
        '.score == .max_score and .errors == 0'
done

fi

# Some exercises (make check EX=ID, or one part of make check's): what is
# about them is done.
if [ "$part" = exercises ]; then
    summary
    exit
fi
# The output formats and the batch grade one of shmget's variants.
if $full && [ ! -d "$tmp/faulty/shmget" ]; then
    sh tests/faulty/materialize.sh "$tmp/faulty" shmget
fi

if [ "$part" != batch ]; then

echo "# output formats"
sources="exercises/keys exercises/shmget"
$full && sources="$sources solutions/keys $tmp/faulty/shmget/no-rmid"
for src in $sources; do
    ex=keys
    case $src in *shmget*) ex=shmget ;; esac
    $G grade "$ex" "$src" --format tap >"$tmp/out.tap"
    prove -e cat "$tmp/out.tap" >"$tmp/prove.out" 2>&1
    if grep -q 'Parse errors\|Bad plan' "$tmp/prove.out" || ! grep -q '^Result:' "$tmp/prove.out"; then
        not_ok "tap of $src is read by prove" "$(cat "$tmp/prove.out")"
    else
        ok "tap of $src is read by prove"
    fi
    $G grade "$ex" "$src" --format junit >"$tmp/out.xml"
    check "junit of $src is well-formed XML" xmllint --noout "$tmp/out.xml"
    schema=../shared/schemas/junit.xsd
    if [ -f "$schema" ]; then
        check "junit of $src validates against the JUnit schema" \
            sh -c "xmllint --noout --schema '$schema' '$tmp/out.xml' 2>/dev/null"
    fi
done
$G grade shmget exercises/shmget --format autolab | tail -n 1 >"$tmp/autolab.json"
jq_true "autolab: the last line is {\"scores\": {test: points}}" "$tmp/autolab.json" \
    '(.scores | type) == "object" and .scores.remove == 0 and .scores.bad_usage == 1'
$G grade keys exercises/keys --format prairielearn >"$tmp/pl.json"
jq_true "prairielearn: gradable, score in 0..1, points per test" "$tmp/pl.json" \
    '.gradable == true and .score >= 0 and .score < 1 and
     (.tests | all(has("name") and has("points") and has("max_points") and has("output")))'
mkdir -p "$tmp/broken"
printf 'int main(void) { return missing_function(; }\n' >"$tmp/broken/ipckey.c"
$G grade keys "$tmp/broken" --format prairielearn >"$tmp/pl-broken.json"
jq_true "prairielearn: a compile error is not gradable" "$tmp/pl-broken.json" \
    '.gradable == false and .score == 0'
$G grade keys exercises/keys --format json >"$tmp/all.json"
$G grade keys exercises/keys --format json --visible-only >"$tmp/visible.json"
if $full; then
    jq_true "instructors' grading includes the hidden tests" "$tmp/all.json" \
        '[.tests[] | select(.visibility != "visible")] | length > 0'
    $G grade keys solutions/keys --format tap >"$tmp/sol.tap"
    check "tap of a solution passes prove" sh -c "prove -e cat '$tmp/sol.tap' >/dev/null"
fi
jq_true "--visible-only leaves the hidden tests out" "$tmp/visible.json" \
    '[.tests[] | select(.visibility != "visible")] | length == 0'
NO_COLOR=1 $G grade keys >"$tmp/out.txt"
check "text output carries no colour codes off a terminal" \
    sh -c "! grep -q \"$(printf '\033')\" '$tmp/out.txt' && grep -q '^Score: ' '$tmp/out.txt'"

echo "# hostile bytes and stuck programs"
mkdir -p "$tmp/weird" "$tmp/stuck" "$tmp/crash"
cat >"$tmp/weird/ipckey.c" <<'C'
#include <stdio.h>
int main(void) { printf("key \001\033[31m<&\"\377\376</failure>]]>\n"); fprintf(stderr, "\xff\xfe\x01"); return 0; }
C
grade_json "$tmp/weird.json" keys "$tmp/weird"
check "control bytes and bad UTF-8 still make valid JSON" sh -c "jq -e . '$tmp/weird.json' >/dev/null"
$G grade keys "$tmp/weird" --format junit >"$tmp/weird.xml"
check "control bytes and bad UTF-8 still make valid JUnit XML" xmllint --noout "$tmp/weird.xml"

write_stuck "$tmp/stuck"
start=$(date +%s)
grade_json "$tmp/stuck.json" keys "$tmp/stuck" --test prints_key
jq_true "a program stuck in msgrcv() is reported in words" "$tmp/stuck.json" \
    '.tests[0].output | test("blocked in msgrcv\\(\\) on queue [0-9]+ waiting for a message of type 2")'
check "a stuck program is stopped at its deadline" [ $(( $(date +%s) - start )) -lt 20 ]

cat >"$tmp/crash/ipckey.c" <<'C'
int main(void) { volatile int *p = 0; return *p; }
C
grade_json "$tmp/crash.json" keys "$tmp/crash" --test prints_key
jq_true "a crash is reported with its signal" "$tmp/crash.json" \
    '.tests[0].output | test("signal 11")'

grade_json "$tmp/two.json" keys exercises/keys --test bad_usage,prints_key
jq_true "--test ID,ID runs those tests and no other" "$tmp/two.json" \
    '[.tests[].id] | sort == ["bad_usage", "prints_key"]'
grade_json "$tmp/broken.json" keys "$tmp/broken"
check "a compile error is graded (exit 1), not a crash" [ "$rc" -eq 1 ]
jq_true "a compile error scores 0 and shows the compiler's message" "$tmp/broken.json" \
    '.compiled == false and .score == 0 and (.compiler_output | test("ipckey.c:1:[0-9]+: error"))'
$G grade keys "$tmp/broken" >"$tmp/broken.txt"
check "the text report says it does not compile" grep -q 'does not compile' "$tmp/broken.txt"

echo "# interrupted: stops its tests and removes its scratch folder"
mkdir -p "$tmp/int"
TMPDIR=$tmp/int $G grade keys "$tmp/stuck" >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"
check "a grading stopped by SIGTERM dies of it" [ $? -eq 143 ]
check "an interrupted grading leaves no scratch folder" [ -z "$(ls "$tmp/int")" ]
# Its test processes die with it (Check gives each a process group of its
# own, out of reach of the worker's), and its control groups go.
sleep 0.2
left=$(grep -lzx "TMPDIR=$tmp/int" /proc/[0-9]*/environ 2>/dev/null)
check "an interrupted grading leaves no process ($left)" [ -z "$left" ]
left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "ipcgrade-$pid-*" 2>/dev/null)
check "an interrupted grading leaves no control group ($left)" [ -z "$left" ]

fi

if $full && [ "$part" != common ]; then
echo "# batch: a whole class"
class=$tmp/class
mkdir -p "$class/alice" "$class/bob" "$class/o'brien, \"the\" student" "$class/empty-handed"
cp -r solutions/* "$class/alice/"
cp -r exercises/keys exercises/shmget "$class/bob/"
cp -r solutions/keys "$class/o'brien, \"the\" student/"
cp -r "$tmp/faulty/shmget/no-rmid" "$class/o'brien, \"the\" student/shmget"
rm -rf "$class/bob/keys"
write_stuck "$class/bob/keys"                 # a submission that hangs
$G batch "$class" -o "$tmp/out" -j 2 >"$tmp/batch.log" 2>&1
check "batch exits 0" [ $? -eq 0 ]
nex=$(echo "$exercises" | wc -l)
check "grades.csv has a header and one row per student" \
    [ "$(wc -l <"$tmp/out/grades.csv")" -eq 5 ]
fullmarks=$(for ex in $exercises; do jq .max_score "$tmp/out/alice/$ex.json"; done | awk '{ s += $1 } END { print s }')
check "a full solution gets every point in grades.csv" \
    grep -qx "\"alice\"$(for ex in $exercises; do printf ',%s' "$(jq .score "$tmp/out/alice/$ex.json")"; done),$fullmarks" "$tmp/out/grades.csv"
check "a name with quotes and a comma is quoted in grades.csv" \
    grep -q '^"o'"'"'brien, ""the"" student",' "$tmp/out/grades.csv"
check "a missing exercise scores 0" \
    grep -q "^\"empty-handed\"$(printf ',0%.0s' $(seq "$nex")),0\$" "$tmp/out/grades.csv"
jq_true "the hanging submission was stopped and graded" "$tmp/out/bob/keys.json" \
    '.score == 0 and (.tests[0].output | test("blocked in msgrcv"))'
check "per-student feedback exists as text and JSON" \
    test -s "$tmp/out/bob/shmget.txt" -a -s "$tmp/out/bob/shmget.json"
check "report.html is well-formed" xmllint --noout "$tmp/out/report.html"
check "report.html names the most common failure" \
    grep -q 'failed: remove destroys the segment' "$tmp/out/report.html"
cp "$tmp/out/grades.csv" "$tmp/grades.first"
start=$(date +%s)
$G batch "$class" -o "$tmp/out" -j 2 >/dev/null 2>&1
check "a second batch reuses what is graded (and agrees)" \
    sh -c "[ $(( $(date +%s) - start )) -le 2 ] && cmp -s '$tmp/out/grades.csv' '$tmp/grades.first'"
sleep 1
cp solutions/keys/ipckey.c "$class/bob/keys/ipckey.c"
$G batch "$class" -o "$tmp/out" -j 2 >/dev/null 2>&1
jq_true "a changed submission is graded again" "$tmp/out/bob/keys.json" '.score == .max_score'
bad_input_batch() { $G batch "$@" >/dev/null 2>"$tmp/bad.err"; [ $? -eq 2 ] && [ "$(wc -l <"$tmp/bad.err")" -eq 1 ]; }
check "batch of a missing folder exits 2" bad_input_batch "$tmp/nope" -o "$tmp/out2"
check "batch without -o exits 2" bad_input_batch "$class"
fi
# The batch part (GRADER_PART=batch) is done.
if [ "$part" = batch ]; then
    summary
    exit
fi

echo "# the student's loop: progress, hints, watch"
wb=$tmp/wb
mkdir -p "$wb"
cp -r exercises "$wb/"
[ -d solutions ] && cp -r solutions "$wb/"
ln -s "$PWD/bin" "$wb/bin"
W="env IPCGRADE_ROOT=$wb $G"
$W progress >"$tmp/p1.txt"
$W progress >"$tmp/p2.txt"
check "progress shows every exercise" \
    sh -c "[ $(grep -cE '^[a-z]+ ' "$tmp/p1.txt") -ge $(echo "$exercises" | wc -l) ]"
check "progress reuses the results of unchanged sources, and says so" \
    sh -c "! grep -q 'not changed' '$tmp/p1.txt' && grep -q 'not changed' '$tmp/p2.txt'"
$W hint keys --reset >/dev/null
check "the first hint comes first" sh -c "$W hint keys | grep -q '^Hint 1 of'"
check "then the next one" sh -c "$W hint keys | grep -q '^Hint 2 of'"
check "--all shows them all" sh -c "[ \$($W hint keys --all | grep -c '^Hint ') -ge 2 ]"
mkfifo "$tmp/keys.in"
timeout 120 $W watch keys <"$tmp/keys.in" >"$tmp/watch.out" 2>&1 &
watcher=$!
exec 3>"$tmp/keys.in"
wait_for() {        # wait_for TEXT: until the watcher printed it (30 s at most)
    i=0
    while ! grep -q "$1" "$tmp/watch.out" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    grep -q "$1" "$tmp/watch.out"
}
if $full; then
    # Saved while the skeleton is being graded: that grading must not count
    # as one of the saved file.
    wait_for "^Grading keys"
    cp solutions/keys/ipckey.c "$wb/exercises/keys/ipckey.c"
fi
check "watch grades the exercise at once" wait_for "^Score: "
if $full; then
    check "a save during a grading is graded again, and passes" wait_for "keys passes!"
fi
echo q >&3
exec 3>&-
wait "$watcher"
check "watch quits cleanly on q" sh -c "[ $? -eq 0 ] && grep -q 'Stopped watching' '$tmp/watch.out'"

if $full && [ "$(id -u)" -eq 0 ]; then
    # As root the programs run as another user, who cannot enter a 0700
    # TMPDIR (mktemp -d, pam_tmpdir): the grader must put its scratch
    # folder elsewhere, not fail the student's compile.
    private=$(mktemp -d)
    check "as root with a 0700 TMPDIR, the solution still gets full marks" \
        sh -c "TMPDIR='$private' $G grade keys solutions/keys >/dev/null"
    rmdir "$private"
fi

echo "# a grader fault is an error, never the student's failure"
if $full; then     # the reference programs and solutions: not in the handout
    # A reference program that cannot be run (not an executable): every test
    # that pairs the student's program with it is errored, not failed.
    public_workbook "$tmp/broken" "$(command -v "$G")"
    printf 'not a program\n' >"$tmp/broken/build/ref/shmat/shmwriter"
    touch "$tmp/broken/build/ref/shmat/shmwriter"   # newer than the solution: used as is
    IPCGRADE_ROOT=$tmp/broken "$tmp/broken/bin/ipcgrade" grade shmat solutions/shmat \
        --format json >"$tmp/broken.json" 2>"$tmp/broken.err"
    check "a grading with a grader fault exits 3" [ $? -eq 3 ]
    jq_true "errored tests cost no points, blame no code and say what failed" "$tmp/broken.json" \
        '.errors > 0 and .score == .max_score and
         ([.tests[] | select(.outcome == "error")] | length == $n and
          all(.max_score == 0 and (.output | test("could not run this test")) and
              (.output | test("could not start shmwriter")) and (.output | test("Hint") | not)))' \
        --argjson n "$(jq '.errors' "$tmp/broken.json" 2>/dev/null || echo -1)"
    IPCGRADE_ROOT=$tmp/broken "$tmp/broken/bin/ipcgrade" grade shmat solutions/shmat \
        >"$tmp/broken.txt" 2>&1
    check "the text report marks them ERROR and says they cost no points" \
        sh -c "grep -q '^  ERROR' '$tmp/broken.txt' && grep -q 'costs no points\|cost no points' '$tmp/broken.txt'"
fi
# A compiler the grader cannot start (no gcc on its PATH) is not a student's
# program that does not compile.
mkdir -p "$tmp/no-compiler"
PATH=$tmp/no-compiler $G grade keys exercises/keys --format json >"$tmp/no-compiler.json" \
    2>"$tmp/no-compiler.err"
check "a compiler the grader cannot start: exit 3" [ $? -eq 3 ]
jq_true "... every test errs, costs nothing and names the compiler, none says 'does not compile'" \
    "$tmp/no-compiler.json" \
    '.errors == (.tests | length) and .max_score == 0 and .compiler_output == "" and
     all(.tests[]; .outcome == "error" and (.output | test("could not run the compiler"))) and
     (.output | test("could not compile")) and (tostring | test("does not compile") | not)'
PATH=$tmp/no-compiler $G grade keys exercises/keys >"$tmp/no-compiler.txt" 2>&1
check "... and the text report says why once, at the top" \
    sh -c "grep -q '^Not graded: The grader could not compile ipckey.c' '$tmp/no-compiler.txt' &&
           ! grep -q 'does not compile' '$tmp/no-compiler.txt'"

echo "# bad usage and input: exit 2 and one line on stderr"
mkdir -p "$tmp/empty"
: >"$tmp/plainfile"
bad_input() {
    name=$1
    shift
    "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    code=$?
    if [ "$code" -eq 2 ] && [ "$(wc -l <"$tmp/bad.err")" -eq 1 ]; then
        ok "$name"
    else
        not_ok "$name" "exit $code, stderr: $(cat "$tmp/bad.err")"
    fi
}
bad_input "no command" $G
bad_input "unknown command" $G frobnicate
bad_input "grade without an exercise" $G grade
bad_input "unknown exercise" $G grade no-such-exercise
bad_input "missing directory" $G grade keys "$tmp/does-not-exist"
bad_input "a file instead of a directory" $G grade keys "$tmp/plainfile"
bad_input "a directory without the source file" $G grade keys "$tmp/empty"
bad_input "unknown format" $G grade keys --format xml
bad_input "bad --jobs" $G grade keys --jobs 0
bad_input "unknown test id" $G grade keys --test no-such-test
bad_input "list of an unknown exercise" $G list extra
bad_input "list of two exercises" $G list keys shmget
bad_input "list in a format it does not show" $G list keys --format junit
bad_input "hint of an unknown exercise" $G hint nope
bad_input "watch of an unknown exercise" $G watch nope
check "help exits 0" sh -c "$G help >/dev/null"
bad_input "doctor with an argument" $G doctor extra
IPCGRADE_SANDBOX=bogus $G grade keys exercises/keys >"$tmp/bogus.out" 2>"$tmp/bogus.err"
rc=$?
check "an unknown IPCGRADE_SANDBOX exits 2 with one line" \
    test $rc -eq 2 -a "$(wc -l <"$tmp/bogus.err")" -eq 1

# doctor: the mode this machine gets (or the one forced), and a self-test.
mode=full
[ "${IPCGRADE_SANDBOX:-}" = container ] && mode=container
$G doctor >"$tmp/doctor.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "^sandbox:   $mode mode" "$tmp/doctor.out" &&
        grep -q '^verdict:   this machine can grade' "$tmp/doctor.out" &&
        grep -q '^self-test: keys .*, 0 tests the grader could not run' "$tmp/doctor.out"; then
    ok "doctor says $mode mode, grades a self-test and exits 0"
else
    not_ok "doctor says $mode mode, grades a self-test and exits 0" "rc=$rc $(cat "$tmp/doctor.out")"
fi

if $full && [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
    echo "# as a normal user (user and IPC namespaces instead of root)"
    chmod 1777 "$tmp"
    cp -r solutions/keys "$tmp/user-keys"
    chmod -R a+rX "$tmp/user-keys"
    public_workbook "$tmp/public" "$(command -v "$G")"
    TMPDIR=$tmp IPCGRADE_ROOT=$tmp/public setpriv --reuid=nobody --regid=nogroup \
        --clear-groups "$tmp/public/bin/ipcgrade" grade keys "$tmp/user-keys" \
        --format json >"$tmp/user.json" 2>&1
    jq_true "a normal user's grading of a solution scores full marks" "$tmp/user.json" \
        '.score == .max_score'
fi

summary
