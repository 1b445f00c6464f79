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

# The objects of the machine's IPC namespace, by kind, key and id.
ipc_objects() {
    for kind in shm msg sem; do
        awk -v k="$kind" 'NR > 1 { print k, $1, $2 }' "/proc/sysvipc/$kind"
    done | sort
}

# Processes of ours: the grader, the test programs, Valgrind, and anything
# in a PID namespace other than ours (every student program runs in one).
our_processes() {
    self_ns=$(readlink /proc/self/ns/pid)
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
        ns=$(readlink "$p/ns/pid" 2>/dev/null) || continue
        case $cmd in
        *ipcgrade*|*build/tests/*|*memcheck*|*valgrind*|*ipckey*|*shmtool*) ;;
        *) [ "$ns" != "$self_ns" ] || continue ;;
        esac
        echo "$pid $cmd"
    done | grep -v "^$$ " | sort
}

# Temporary files of ours: scratch folders, Valgrind's FIFOs.
our_temp_files() {
    ls -a "${TMPDIR:-/tmp}" /tmp 2>/dev/null |
        grep -E '^(ipcgrade|vgdb-pipe-|grader-test\.|sanitizers\.|test-include-filter\.)' | sort
}

ipc_objects >"$log/ipc.before"
our_temp_files >"$log/tmp.before"
our_processes >"$log/procs.before"

# step NAME COMMAND...: run one test program; its own last line counts it.
step() {
    name=$1
    shift
    echo "== $name"
    if "$@" >"$log/step.out" 2>&1; then
        tail -n 1 "$log/step.out"
        ok "$name"
    else
        cat "$log/step.out"
        not_ok "$name"
    fi
}

step "unit tests of the grader (Check)" build/tests/unit
step "the grader, end to end" sh tests/grader.sh
step "sanitizers and Valgrind on the grader" sh tests/sanitizers.sh
step "the book's include filter" sh tests/book/test-include-filter.sh
step "the book builds" sh -c 'test -s build/book/html/index.html &&
    for f in chapters/[0-9][0-9]-*.md; do
        n=$(basename "$f" .md); test -s "build/book/html/$n.html" || exit 1; done'

echo "== the machine is as before"
sleep 0.2       # let init reap what the last namespace left
ipc_objects >"$log/ipc.after"
if cmp -s "$log/ipc.before" "$log/ipc.after"; then
    ok "the tests left no System V IPC object on the machine"
else
    not_ok "the tests left no System V IPC object on the machine" \
        "$(diff "$log/ipc.before" "$log/ipc.after")"
fi
our_processes >"$log/procs.after"
new=$(comm -13 "$log/procs.before" "$log/procs.after" | grep -v ' awk \| sort\| tr \|readlink')
if [ -z "$new" ]; then
    ok "the tests left no process running"
else
    not_ok "the tests left no process running" "$new"
fi

our_temp_files >"$log/tmp.after"
new=$(comm -13 "$log/tmp.before" "$log/tmp.after")
if [ -z "$new" ]; then
    ok "the tests left no temporary files"
else
    not_ok "the tests left no temporary files" "$new"
fi

summary
