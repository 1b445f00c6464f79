#!/bin/sh
# sanitizers.sh: the grader's own code must be clean.
#   asan      The whole end-to-end suite, tests/grader.sh, again with the
#             grader built with ASan and UBSan (build/asan/ipcgrade). Every
#             report, from ipcgrade or from any worker, test or init process
#             it forks, lands in a file of its own; any such file fails the
#             run, naming the command that made it.
#   valgrind  The normal build under Valgrind memcheck, grading every
#             exercise's solution and skeleton, and a faulty variant. Every
#             process of the grader is checked (its forks; not the programs it
#             runs); any error in any of them fails the run.
#
# In the student handout (no solutions/), whose make check tests/dist.sh runs
# as well, both parts only grade two skeletons.
#
#   $ sh tests/sanitizers.sh            (both; make check builds build/asan/ipcgrade)
#   $ sh tests/sanitizers.sh asan       (or valgrind: one part only)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

parts=${1:-asan valgrind}
case $parts in
asan|valgrind|"asan valgrind") ;;
*) echo "usage: sh tests/sanitizers.sh [asan|valgrind]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sanitizers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export IPCGRADE_ROOT=$PWD

# grader.sh runs this wrapper as its ipcgrade. Invocation N (the wrapper's
# pid, which exec keeps) writes its command line to DIR/cmd-N, and ASan and
# UBSan write the reports of every process of that grading to DIR/report-N.PID.
write_asan_wrapper() {
    # A copy of the binary beside the wrapper: nobody, who grades in
    # grader.sh too, may not be able to enter the clone (a 0700 /root).
    cp build/asan/ipcgrade "$1/ipcgrade.asan"
    chmod 755 "$1/ipcgrade.asan"
    cat >"$1/ipcgrade" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >"$1/cmd-\$\$"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99:log_path=$1/report-\$\$"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=99:log_path=$1/report-\$\$"
exec "$1/ipcgrade.asan" "\$@"
EOF
    chmod 755 "$1/ipcgrade"
}

asan_suite() {
    echo "# the grader built with ASan and UBSan"
    # Test processes run as another user, and grader.sh also grades as
    # nobody: the reports' folder is open to everyone, like /tmp.
    reports=$tmp/asan
    mkdir -p "$reports"
    chmod 711 "$tmp"
    chmod 1777 "$reports"
    write_asan_wrapper "$reports"
    if [ -d solutions ]; then
        IPCGRADE=$reports/ipcgrade sh tests/grader.sh >"$tmp/grader.out" 2>&1
        if [ $? -eq 0 ]; then
            ok "tests/grader.sh passes with the ASan/UBSan grader ($(tail -n 1 "$tmp/grader.out"))"
        else
            not_ok "tests/grader.sh passes with the ASan/UBSan grader" \
                "$(grep '^FAIL' -A 3 "$tmp/grader.out"; tail -n 1 "$tmp/grader.out")"
        fi
    else
        # The student handout (its make check runs inside tests/dist.sh too):
        # a few gradings are enough there.
        for ex in keys shmget; do
            "$reports/ipcgrade" grade "$ex" "exercises/$ex" >/dev/null 2>&1
        done
        "$reports/ipcgrade" grade >/dev/null 2>&1
    fi
    # One failure per command that had reports, with its first report.
    for n in $(ls "$reports" | sed -n 's/^report-\([0-9]*\)\..*/\1/p' | sort -u); do
        first=$(ls "$reports" | grep "^report-$n\." | head -n 1)
        not_ok "ASan/UBSan clean: ipcgrade $(cat "$reports/cmd-$n" 2>/dev/null)" \
            "$(ls "$reports" | grep -c "^report-$n\.") processes reported; the first:
$(grep -m 1 -A 25 'ERROR\|runtime error' "$reports/$first")"
    done
    check "ASan/UBSan clean: nothing reported by $(ls "$reports" | grep -c '^cmd-') runs of the grader" \
        [ -z "$(ls "$reports" | grep '^report-')" ]
}

# memcheck follows the grader's forks (not its execs: the compiler, the
# student's programs). Every process logs to one descriptor, opened here: a
# forked process could not open a log file of its own inside the sandbox.
# tests/valgrind-grader.supp lists Valgrind's own false positives.
# memcheck TAG COMMAND...: the log goes to $tmp/TAG.log.
memcheck() {
    tag=$1
    shift
    valgrind --error-exitcode=99 --leak-check=full --trace-children=no \
        --suppressions=tests/valgrind-grader.supp --log-fd=9 "$@" 9>"$tmp/$tag.log"
}

# vg_grade TAG GRADE_ARGS...: grade under memcheck; JSON in $tmp/TAG.json,
# exit status in $tmp/TAG.code.
vg_grade() {
    tag=$1
    shift
    memcheck "$tag" bin/ipcgrade grade "$@" --format json >"$tmp/$tag.json" 2>/dev/null
    echo $? >"$tmp/$tag.code"
}

# The errors of the first process that had any, without the summaries.
first_errors() {
    pid=$(grep -m 1 'ERROR SUMMARY: [1-9]' "$1" | sed 's/^==\([0-9]*\)==.*/\1/')
    [ -n "$pid" ] && grep "^==$pid==  *[^ ]" "$1" |
        grep -v 'Memcheck, a\|Copyright\|Using Valgrind\|Command:\|Parent PID\|SUMMARY\|in use at\|heap usage\|lost: \|reachable: \|suppressed: \|Reachable blocks\|To see them\|For lists' |
        head -n 40
}

# vg_verdict NAME TAG: clean means an exit status of 0 or 1, no error in any
# process's summary, and no test whose process exited with memcheck's 99.
vg_verdict() {
    code=$(cat "$tmp/$2.code")
    if [ "$code" -le 1 ] && ! grep -q 'ERROR SUMMARY: [1-9]' "$tmp/$2.log" &&
       ! grep -q 'return value 99' "$tmp/$2.json"; then
        ok "Valgrind clean: $1 ($(grep -c 'ERROR SUMMARY' "$tmp/$2.log") processes)"
    else
        not_ok "Valgrind clean: $1" "exit status $code; $(first_errors "$tmp/$2.log")"
    fi
}

valgrind_suite() {
    echo "# the grader under Valgrind memcheck"
    exercises=${IPCGRADE_EXERCISES:-$(bin/ipcgrade list | cut -f1)}
    [ -d solutions ] || exercises="keys shmget"     # the handout: a quick look
    # memcheck costs CPU and the machine has two cores: the solutions are
    # graded in one lane, the skeletons and the rest in another.
    if [ -d solutions ]; then
        for ex in $exercises; do vg_grade "solution-$ex" "$ex" "solutions/$ex"; done &
    fi
    for ex in $exercises; do vg_grade "skeleton-$ex" "$ex" "exercises/$ex"; done
    if [ -d tests/faulty ]; then
        sh tests/faulty/materialize.sh "$tmp/faulty" keys
        vg_grade faulty keys "$tmp/faulty/keys/leaked-malloc"
    fi
    memcheck usage bin/ipcgrade grade >/dev/null 2>&1
    echo $? >"$tmp/usage.code"
    wait
    for ex in $exercises; do
        if [ -d solutions ]; then
            vg_verdict "$ex: solutions/$ex" "solution-$ex"
            # The grading itself must work under memcheck (only slower).
            jq_true "$ex: the solution passes under memcheck (or runs out of time)" \
                "$tmp/solution-$ex.json" '[.tests[] | select(.status == "failed" and
                                            (.output | test("took too long") | not))] |
                                          length == 0'
        fi
        vg_verdict "$ex: the skeleton" "skeleton-$ex"
    done
    [ -d tests/faulty ] && vg_verdict "keys: a faulty variant that leaks" faulty
    if [ "$(cat "$tmp/usage.code")" -eq 2 ] && ! grep -q 'ERROR SUMMARY: [1-9]' "$tmp/usage.log"
    then
        ok "Valgrind clean: bad usage"
    else
        not_ok "Valgrind clean: bad usage" "$(first_errors "$tmp/usage.log")"
    fi
}

case $parts in *asan*) asan_suite ;; esac
case $parts in *valgrind*) valgrind_suite ;; esac
summary
