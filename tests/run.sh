#!/bin/sh
# run.sh: every test of the project, as `make check` runs it (after building
# the grader, the unit tests and the ASan grader). It also proves that the
# tests leave the machine as they found it: the same System V IPC objects,
# no process of ours still running, no temporary files of ours.
#
#   $ make check                  (or: sh tests/run.sh, once everything is built)
#   $ make check EX=keys          what is about one exercise
#   $ make check SKIP="book cross"  all but those steps (CHECK_SKIP=... sh
#                                 tests/run.sh); a wrong tag lists the tags
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

# A step that runs make (the book, make cross) is a make of its own, not a
# part of the one that started us.
unset MAKEFLAGS MFLAGS MAKELEVEL

log=$(mktemp -d "${TMPDIR:-/tmp}/ipc-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT
trap 'exit 1' INT TERM HUP      # stopped: the EXIT trap still removes the log

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
left_control_groups >"$log/cgroups.before"

# ---- the steps, side by side ----
# Every step is a job in one queue, and LANES workers take the next job as
# they finish one (the queue's order is below). Most steps spend their time
# waiting for the programs they grade, so three lanes keep two cores busy.
# One more lane (WAIT_LANES) takes only the steps that mostly wait (job
# --waits): those in container mode, which grade one test at a time and
# wait out deadlines, and the real container, whose work is Docker's. It
# fills the time the three leave idle without adding a fourth step that
# loads the processors.
# As root each job runs in an IPC namespace of its own (unshare --ipc): no
# job sees another's objects, and gradings in container mode in two
# namespaces do not take turns (grader/README.md, "Container mode"). A job
# must leave its namespace as empty as it found it, as the whole run must
# leave the machine's. A normal user cannot make one: there the jobs run
# one by one.
jobs=$log/jobs
mkdir -p "$jobs"
njobs=0
if [ "$(id -u)" -eq 0 ] && unshare --ipc true 2>/dev/null; then
    lanes=${LANES:-3}
    own_ipc="unshare --ipc"
else
    lanes=1
    own_ipc=""
fi
wait_lanes=0
[ "$lanes" -gt 1 ] && wait_lanes=${WAIT_LANES:-1}

# job [--waits] TAG NAME COMMAND: queue a step; COMMAND is a line of sh, its
# output's last line is the step's figure ("N passed, N failed"). TAG names
# the step for make check SKIP="TAG ..." (CHECK_SKIP here), which leaves it
# out. --waits: the step mostly waits, a lane of WAIT_LANES may take it.
tags=""
skipped=""
job() {
    _waits=any
    if [ "$1" = --waits ]; then
        _waits=waits
        shift
    fi
    tags="$tags $1"
    case " ${CHECK_SKIP:-} " in
    *" $1 "*) skipped="$skipped$2 ($1)
"; return ;;
    esac
    printf '%s\t%s\t%s\t%s\n' "$1" "$_waits" "$2" "$3" >>"$jobs/queued"
}

# order_jobs FIRST: number the queued jobs, those whose tags FIRST lists
# first and in its order, then the others as they were queued. The longest
# steps go first (a lane that takes one late ends the run late), and ones
# that mostly wait beside ones that load both cores.
order_jobs() {
    touch "$jobs/queued"
    awk -F '\t' -v first="$1" '
        BEGIN { n = split(first, tag, /[ \t\n]+/); for (i = 1; i <= n; i++) rank[tag[i]] = i }
        { printf "%d\t%s\n", ($1 in rank) ? rank[$1] : n + NR, $0 }' "$jobs/queued" |
        sort -n -k 1,1 | cut -f 2- >"$jobs/ordered"
    while IFS="$(printf '\t')" read -r _tag _waits _name _cmd; do
        njobs=$((njobs + 1))
        printf '%s\n' "$_name" >"$jobs/$njobs.name"
        printf '%s\n' "$_cmd" >"$jobs/$njobs.cmd"
        [ "$_waits" = any ] || : >"$jobs/$njobs.waits"
    done <"$jobs/ordered"
}

# run_job N: run job N, in its own IPC namespace where there is one; its
# output to N.out, "STATUS SECONDS CPU_SECONDS STARTED" to N.done (STARTED:
# seconds after the first job started). In a lane: `times`
# there counts the lane's children, this job's among them.
#
# The namespace must be empty at the end, with one allowance: in container
# mode as root, an object a test's program made is swept at the end of its
# test, or else by the next grading in that namespace, when the test's uid
# was claimed again by a grading beside it at the moment of the sweep
# (grader/README.md, "Container mode"). A job that grades in container mode
# may leave objects of the sandbox's uids (cuid 0x70400000 and up), no other.
run_job() {
    _t0=$(date +%s)
    _allowed=none
    case $(cat "$jobs/$1.cmd") in *IPCGRADE_SANDBOX=container*) _allowed=sandbox ;; esac
    times >"$jobs/$1.times0"
    $own_ipc sh -c '. tests/lib.sh
        sh -c "$1"
        rc=$?
        if [ -n "$2" ]; then
            left=$(left_ipc_objects "$3")
            if [ -n "$left" ]; then
                echo "FAIL the step left System V IPC objects in its namespace:"
                echo "$left"
                rc=1
            fi
        fi
        exit $rc' sh "$(cat "$jobs/$1.cmd")" "$own_ipc" "$_allowed" >"$jobs/$1.out" 2>&1
    _rc=$?
    times >"$jobs/$1.times1"
    echo "$_rc $(( $(date +%s) - _t0 )) $(( $(cpu_of "$jobs/$1.times1") - $(cpu_of "$jobs/$1.times0") ))" \
         "$(( _t0 - $(cat "$jobs/started") ))" >"$jobs/$1.done"
    echo "   $(cat "$jobs/$1.name"): $([ $_rc -eq 0 ] && echo done || echo FAILED)" \
         "($(( $(date +%s) - _t0 )) s)"
}

# cpu_of FILE: the children's CPU seconds (user + system) in `times` output.
cpu_of() {
    awk 'NR == 2 { split($0, t, /[ms]+/); printf "%d", t[1] * 60 + t[2] + t[3] * 60 + t[4] }' "$1"
}

# next_job any|waits: the number of the first job not yet taken (any), or
# of the first such job that mostly waits (waits); nothing when none is left.
next_job() {
    flock "$jobs/queue.lock" sh -c '
        n=1
        while [ "$n" -le "$2" ]; do
            if ! grep -qx "$n" "$1/taken" && { [ "$3" = any ] || [ -e "$1/$n.waits" ]; }; then
                echo "$n" >>"$1/taken"
                echo "$n"
                exit 0
            fi
            n=$((n + 1))
        done' sh "$jobs" "$njobs" "$1"
}

# start_lane any|waits: a lane that runs the jobs next_job gives it, in the
# background. Its first job is taken here, before it starts: the first
# steps are the same in every run, whichever lane starts first.
start_lane() {
    _n=$(next_job "$1") || _n=""
    (while [ -n "$_n" ]; do run_job "$_n"; _n=$(next_job "$1") || _n=""; done) &
}

# run_jobs: every job queued, LANES at a time, then each one's verdict (its
# whole output when it failed) in the queue's order.
run_jobs() {
    : >"$jobs/taken"
    for _tag in ${CHECK_SKIP:-}; do
        case "$tags " in
        *" $_tag "*) ;;
        *) echo "make check: SKIP names no step $_tag (the steps:$tags)" >&2; exit 2 ;;
        esac
    done
    echo "== $njobs steps, $lanes at a time$([ "$wait_lanes" -gt 0 ] &&
        echo ", and $wait_lanes more for those that mostly wait")"
    date +%s >"$jobs/started"
    for _lane in $(seq "$lanes"); do start_lane any; done
    for _lane in $(seq "$wait_lanes"); do start_lane waits; done
    wait
    for n in $(seq "$njobs"); do
        _name=$(cat "$jobs/$n.name")
        set -- $(cat "$jobs/$n.done" 2>/dev/null || echo "never 0 0 0")
        echo "== $_name"
        if [ "$1" = 0 ]; then
            tail -n 1 "$jobs/$n.out"
            ok "$_name ($2 s from +$4 s, CPU $3 s)"
        else
            cat "$jobs/$n.out"
            not_ok "$_name ($2 s from +$4 s, CPU $3 s; exit status $1)"
        fi
    done
    printf '%s' "$skipped" | while IFS= read -r _name; do
        echo "== skipped (SKIP): $_name"
    done
}

started=$(date +%s)
unit="unit tests of the grader, layer by layer (Check)"
layers="the grader's layers point one way"
e2e="the grader, end to end, under ASan/UBSan"
vg="the grader under Valgrind"
container="the grader, end to end, in container mode (IPCGRADE_SANDBOX=container)"
exercises=$(bin/ipcgrade list | cut -f1)

if [ -n "${EX:-}" ]; then
    # make check EX=ID: what is about one exercise, end to end.
    if ! echo "$exercises" | grep -qx "$EX"; then
        echo "make check: no exercise $EX (bin/ipcgrade list shows them)" >&2
        exit 2
    fi
    exercises=$EX
    export IPCGRADE_EXERCISES=$EX
fi
if [ -z "${EX:-}" ]; then
    job book "the book: sites, PDF, EPUB, both editions (built, then checked)" \
        'make --no-print-directory book-files BOOK_FILL=: >/dev/null && sh tests/book/test-book.sh'
    if [ -f tests/dist.sh ]; then  # the Gradescope zip: not in the handout
        job handout "the handout and the Gradescope zip" 'sh tests/dist.sh'
        job --waits real-container \
            "a real container (docker.io, debootstrap): the zip, the image, PrairieLearn" \
            'sh tests/container.sh'
    fi
fi
# The end-to-end suite in parts: each exercise, then what is about none of them.
for ex in $exercises; do
    job --waits "container:$ex" "$container: $ex" \
        "IPCGRADE_SANDBOX=container IPCGRADE_EXERCISES=$ex sh tests/grader.sh"
    if [ -d solutions ]; then
        job "asan:$ex" "$e2e: $ex" "IPCGRADE_EXERCISES=$ex sh tests/sanitizers.sh asan"
    fi
done
if [ -z "${EX:-}" ]; then
    for part in common $([ -d solutions ] && echo batch); do
        what="formats, the student's loop, faults, bad input"
        [ $part = batch ] && what="the batch of a class"
        job --waits "container:$part" "$container: $what" \
            "IPCGRADE_SANDBOX=container GRADER_PART=$part sh tests/grader.sh"
        if [ -d solutions ]; then
            job "asan:$part" "$e2e: $what" "GRADER_PART=$part sh tests/sanitizers.sh asan"
        fi
    done
fi
job valgrind "$vg${EX:+: $EX}" 'sh tests/sanitizers.sh valgrind'
if [ -d tests/faulty ]; then   # the full workbook
    job reproduce "the reproduce lines work as printed${EX:+: $EX}" 'sh tests/reproduce.sh'
fi
if [ -z "${EX:-}" ]; then
    if [ ! -d solutions ]; then   # the student handout: a few gradings (tests/sanitizers.sh)
        job asan "$e2e" 'sh tests/sanitizers.sh asan'
    fi
    job hostile "hostile submissions and bad input" 'sh tests/hostile/run.sh'
    if [ -d solutions ]; then       # the full workbook (needs clang), not the handout
        job fuzz "fuzzing the grader's parsers (10 s each)" 'sh tests/fuzz/run.sh 10'
        job mutants "mutation testing: the suites kill what they killed (fast slice)" \
            'sh tests/mutants/run.sh --slice fast'
    fi
    job cross "the grader builds and its unit tests pass on aarch64 (qemu)" 'sh tests/cross.sh'
    job batch-shard "batch --shard K/N and merge equal one run" 'sh tests/batch-shard.sh'
    job bench-ipc "the benchmark's transports carry every byte" 'sh tests/bench-ipc.sh --check'
    job numbering "the book: a chapter put between two others" 'sh tests/book/test-numbering.sh'
    job student-instructions \
        "what the READMEs tell students: Makefiles from a copy, the progress table" \
        'sh tests/student-instructions.sh'
    job include-filter "the book's include filter and fill-includes.sh" \
        'sh tests/book/test-include-filter.sh'
fi
job unit "$unit" 'for u in build/tests/unit-*; do $u || exit 1; done'
job layers "$layers" 'sh tests/layers.sh'
# The order, from the steps' times (make check prints them): the longest
# first, those that mostly wait (container mode grades one test at a time;
# the real container's work is Docker's) beside those that load both cores
# (the book, the handout's make check, Valgrind). The three lanes start with
# the book, the real container and the handout, the lane for steps that
# wait with the dispatcher's: the handout's check started after the
# dispatcher's instead ended the run 60 s later (827 s against 759-766).
order_jobs "book real-container handout container:dispatcher container:batch valgrind
            container:sockets reproduce container:common asan:batch hostile container:msgqueue
            container:kvstore asan:dispatcher asan:common asan:sockets container:semaphores
            fuzz asan:msgqueue asan:kvstore container:fileserver cross asan:semaphores mutants
            student-instructions"
run_jobs
echo "== time: $(( $(date +%s) - started )) s"
echo "== the machine is as before"
sleep 0.2       # let init reap what the last namespace left
ipc_objects >"$log/ipc.after"
unchanged "the tests left no System V IPC object on the machine" "$log/ipc.before" "$log/ipc.after"
left_control_groups >"$log/cgroups.after"
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
