#!/bin/sh
# run.sh: every test of the project, as `make check` runs it (after building
# the grader, the unit tests and the ASan grader). It also proves that the
# tests leave the machine as they found it: the same System V IPC objects,
# no process of ours still running, no temporary files of ours.
#
#   $ make check                  (or: sh tests/run.sh, once everything is built)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

log=$(mktemp -d "${TMPDIR:-/tmp}/ipc-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT

# Everything the tests make goes under $log/tmp: their own scratch folders,
# the grader's, and the students' programs (whose HOME and TMPDIR the grader
# points into its scratch folder). That is how leftovers are told apart from
# whatever else runs on the machine.
export TMPDIR="$log/tmp"
mkdir -p "$TMPDIR"
chmod 711 "$log" "$TMPDIR"     # a test grades as a normal user in here too

# Processes started by the tests: a grader (TMPDIR in our folder) or a
# student's program (HOME in our folder); not this script's own helpers.
our_processes() {
    for p in /proc/[0-9]*; do
        env=$(tr '\0' '\n' 2>/dev/null <"$p/environ") || continue
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")
        case $env in
        *"HOME=$log/"*) ;;
        *"TMPDIR=$log/"*)
            case $cmd in *ipcgrade*|*build/tests/*|*valgrind*|*memcheck*) ;; *) continue ;; esac ;;
        *) continue ;;
        esac
        echo "${p#/proc/} $cmd"
    done
}

ipc_objects >"$log/ipc.before"
# The graders' control groups (cgroup.c): a grading removes its own.
control_groups() {
    find /sys/fs/cgroup -maxdepth 6 -type d -name 'ipcgrade-*' 2>/dev/null | sort
}
control_groups >"$log/cgroups.before"

# cpu_seconds: the CPU seconds (user + system) of this shell's finished
# children, in $cpu. `times` must run in this shell: in a $(...) it would
# count the subshell's children.
cpu_seconds() {
    times >"$log/times"
    cpu=$(awk 'NR == 2 { split($0, t, /[ms]+/); printf "%d", t[1] * 60 + t[2] + t[3] * 60 + t[4] }' \
        "$log/times")
}

# step NAME COMMAND...: run one test program; its own last line counts it.
# Each step says how long it took, and how much CPU time it used, so that
# the slow ones are plain to see.
step() {
    _name=$1
    shift
    echo "== $_name"
    _t0=$(date +%s)
    cpu_seconds
    _c0=$cpu
    "$@" >"$log/step.out" 2>&1
    _rc=$?
    cpu_seconds
    _took="$(( $(date +%s) - _t0 )) s, CPU $(( cpu - _c0 )) s"
    if [ $_rc -eq 0 ]; then
        tail -n 1 "$log/step.out"
        ok "$_name ($_took)"
    else
        cat "$log/step.out"
        not_ok "$_name ($_took)"
    fi
}

started=$(date +%s)
unit="unit tests of the grader, layer by layer (Check)"
layers="the grader's layers point one way"
e2e="the grader, end to end, under ASan/UBSan"
vg="the grader under Valgrind"
container="the grader, end to end, in container mode (IPCGRADE_SANDBOX=container)"

if [ -n "${EX:-}" ]; then
    # make check EX=ID: what is about one exercise, end to end.
    if ! bin/ipcgrade list | cut -f1 | grep -qx "$EX"; then
        echo "make check: no exercise $EX (bin/ipcgrade list shows them)" >&2
        exit 2
    fi
    export IPCGRADE_EXERCISES=$EX
    step "$unit" sh -c 'for u in build/tests/unit-*; do $u || exit 1; done'
    step "$layers" sh tests/layers.sh
    step "$e2e: $EX" sh tests/sanitizers.sh asan
    step "$vg: $EX" sh tests/sanitizers.sh valgrind
    step "$container: $EX" env IPCGRADE_SANDBOX=container sh tests/grader.sh
    if [ -d tests/faulty ]; then
        step "the reproduce lines work as printed: $EX" sh tests/reproduce.sh
    fi
else
    step "$unit" sh -c 'for u in build/tests/unit-*; do $u || exit 1; done'
    step "the grader builds and its unit tests pass on aarch64 (qemu)" sh tests/cross.sh
    step "$layers" sh tests/layers.sh
    # One after the other: the end-to-end suite and the Valgrind sweep each
    # load both cores, and beside each other their deadlines became flaky.
    step "$e2e" sh tests/sanitizers.sh asan
    step "$vg, every exercise" sh tests/sanitizers.sh valgrind
    step "hostile submissions and bad input" sh tests/hostile/run.sh
    step "$container" env IPCGRADE_SANDBOX=container sh tests/grader.sh
    if [ -f tests/dist.sh ]; then   # the Gradescope zip: not in the student handout
        step "a real container (docker.io, debootstrap): the zip, the image, PrairieLearn" \
            sh tests/container.sh
    fi
    step "batch --shard K/N and merge equal one run" sh tests/batch-shard.sh
    if [ -d tests/faulty ]; then   # the full workbook
        step "the reproduce lines work as printed, every suite" sh tests/reproduce.sh
    fi
    if [ -d solutions ]; then       # the full workbook (needs clang), not the handout
        step "fuzzing the grader's parsers (10 s each)" sh tests/fuzz/run.sh 10
        step "mutation testing: the suites kill what they killed (fast slice)" \
            sh tests/mutants/run.sh --slice fast
    fi
    step "the benchmark's transports carry every byte" sh tests/bench-ipc.sh --check
    step "what the READMEs tell students: Makefiles from a copy, the progress table" \
        sh tests/student-instructions.sh
    step "the book's include filter and fill-includes.sh" sh tests/book/test-include-filter.sh
    step "the book: a chapter put between two others" sh tests/book/test-numbering.sh
    step "the book: sites, PDF, EPUB, both editions" sh tests/book/test-book.sh
    if [ -f tests/dist.sh ]; then   # not in the student handout itself
        step "the handout and the Gradescope zip" sh tests/dist.sh
    fi
fi
echo "== time: $(( $(date +%s) - started )) s"
echo "== the machine is as before"
sleep 0.2       # let init reap what the last namespace left
ipc_objects >"$log/ipc.after"
unchanged "the tests left no System V IPC object on the machine" "$log/ipc.before" "$log/ipc.after"
control_groups >"$log/cgroups.after"
unchanged "the tests left no control group on the machine" "$log/cgroups.before" \
    "$log/cgroups.after"
new=$(our_processes)
if [ -z "$new" ]; then
    ok "the tests left no process running"
else
    not_ok "the tests left no process running" "$new"
fi

new=$(ls -A "$TMPDIR")
if [ -z "$new" ]; then
    ok "the tests left no temporary files"
else
    not_ok "the tests left no temporary files" "$new"
fi

summary
