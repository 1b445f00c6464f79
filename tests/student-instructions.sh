#!/bin/sh
# student-instructions.sh: what the READMEs tell a student works, works.
#
#   - Every exercise folder, copied (cp -r) to a folder outside the workbook
#     after the workbook's make, builds there with a plain `make`: every
#     program of the folder, each of which then runs (no arguments: its
#     usage, status 2); transport's benchmark (`make bench` builds it) too.
#     A copy that cannot know where the workbook is fails with a message
#     that says how to name it, and builds once it is named.
#   - In a workbook never built (a handout just unpacked), `make` in each
#     exercise folder builds: the Makefile finds the workbook at ../.. .
#   - Each exercise README's "Build and try by hand" shows no ../ path
#     (it must hold in a copy), every `make TARGET` it shows exists, and
#     every reference program it names through `make -s workbook` is built.
#   - README.md's sample progress table is what `make` (bin/ipcgrade
#     progress) prints for the skeletons: see below for what may differ.
#
#   $ sh tests/student-instructions.sh     (after make build; make check runs it)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh
root=$PWD

tmp=$(mktemp -d "${TMPDIR:-/tmp}/student-instructions.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# make as a student types it: nothing inherited from a make that runs us
# (its MAKEFLAGS, or an IPC_WORKBOOK given to it).
student_make() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u IPC_WORKBOOK make "$@"
}

exercise_dirs() {
    for m in exercises/*/Makefile; do
        dirname "$m"
    done
}

# built_and_runs WHERE DIR LOG: every program of the exercise folder DIR
# (one per .c file) was built by the make whose output is in LOG, and
# prints its usage (status 2) when run without arguments.
built_and_runs() {
    where=$1 dir=$2 log=$3
    ex=$(basename "$dir")
    bad=""
    for c in "$dir"/*.c; do
        prog=${c%.c}
        if [ ! -x "$prog" ]; then
            bad="$bad $(basename "$prog") was not built;"
        else
            "$prog" </dev/null >/dev/null 2>&1
            rc=$?
            [ "$rc" -eq 2 ] || bad="$bad $(basename "$prog") without arguments exits $rc, not 2;"
        fi
    done
    if [ -z "$bad" ]; then
        ok "$ex: make in $where builds every program"
    else
        not_ok "$ex: make in $where builds every program" "$bad
$(tail -n 15 "$log")"
    fi
}

echo "# each exercise folder, copied out of the workbook"
copies=$tmp/copies
mkdir -p "$copies"
case $(cd "$copies" && pwd -P)/ in
"$(pwd -P)"/*) not_ok "the copies are outside the workbook" "$copies is inside $root: set TMPDIR" ;;
esac
missing=""
for d in $(exercise_dirs); do
    [ "$(cat "$d/workbook-path" 2>/dev/null)" = "$root" ] || missing="$missing $d"
done
if [ -z "$missing" ]; then
    ok "the workbook's make recorded its path in every exercise folder"
else
    not_ok "the workbook's make recorded its path in every exercise folder" \
        "no workbook-path naming $root in:$missing (run make build first)"
fi
for d in $(exercise_dirs); do
    cp -r "$d" "$copies/"
    copy=$copies/$(basename "$d")
    for c in "$copy"/*.c; do rm -f "${c%.c}"; done     # what the tree had built
    rm -f "$copy/ipcbench"
    student_make -C "$copy" >"$tmp/make.log" 2>&1
    built_and_runs "a copy" "$copy" "$tmp/make.log"
done
if student_make -C "$copies/transport" ipcbench >"$tmp/bench.log" 2>&1 &&
        [ -x "$copies/transport/ipcbench" ]; then
    ok "transport: make bench's ipcbench builds in a copy"
else
    not_ok "transport: make bench's ipcbench builds in a copy" "$(tail -n 15 "$tmp/bench.log")"
fi

# Without workbook-path and IPC_WORKBOOK, a copy cannot know: it must say
# how to name the workbook, not "No rule to make target".
lost=$tmp/lost
mkdir -p "$lost"
cp -r exercises/keys "$lost/"
rm -f "$lost/keys/workbook-path" "$lost/keys/ipckey"
if student_make -C "$lost/keys" >"$tmp/lost.log" 2>&1; then
    not_ok "a copy that cannot find the workbook fails" "make succeeded: $(cat "$tmp/lost.log")"
elif grep -q 'IPC_WORKBOOK=' "$tmp/lost.log" && ! grep -q 'No rule' "$tmp/lost.log"; then
    ok "a copy that cannot find the workbook fails, saying to name it with IPC_WORKBOOK"
else
    not_ok "a copy that cannot find the workbook fails, saying to name it with IPC_WORKBOOK" \
        "$(cat "$tmp/lost.log")"
fi
student_make -C "$lost/keys" IPC_WORKBOOK="$root" >"$tmp/lost.log" 2>&1
built_and_runs "a copy with IPC_WORKBOOK" "$lost/keys" "$tmp/lost.log"
where=$(student_make -s -C "$lost/keys" IPC_WORKBOOK="$root" workbook 2>&1)
check "make workbook prints the workbook's folder" test "$where" = "$root"

# In the workbook itself (as unpacked from the handout, before any make):
# no workbook-path, the Makefile finds the workbook at ../.. . A bare copy
# of the workbook's exercises/ stands in for it, so that nothing is built
# in this tree's folders. (tests/dist.sh runs make check in the unpacked
# handout, this test among them.)
echo "# the exercise folders in a workbook never built"
bare=$tmp/workbook
mkdir -p "$bare"
cp -r exercises "$bare/"
rm -f "$bare"/exercises/*/workbook-path "$bare"/exercises/transport/ipcbench
for d in $(exercise_dirs); do
    for c in "$bare/$d"/*.c; do rm -f "${c%.c}"; done
    student_make -C "$bare/$d" >"$tmp/make.log" 2>&1
    built_and_runs "the workbook's own folder" "$bare/$d" "$tmp/make.log"
done
where=$(student_make -s -C "$bare/exercises/shmat" workbook 2>&1)
check "there, make workbook names that workbook (../..)" test "$where" = "$bare"

echo "# the exercise READMEs' \"Build and try by hand\""
for d in $(exercise_dirs); do
    ex=$(basename "$d")
    awk '/^## /{p = /^## Build and try by hand/} p' "$d/README.md" >"$tmp/section"
    if [ ! -s "$tmp/section" ]; then
        not_ok "$ex: its README has a \"Build and try by hand\" section"
        continue
    fi
    if grep -n '\.\./' "$tmp/section" >"$tmp/rel"; then
        not_ok "$ex: its README's build section names no ../ path (a copy has none)" \
            "$(cat "$tmp/rel")"
    else
        ok "$ex: its README's build section names no ../ path (a copy has none)"
    fi
    targets=$(grep -oE '(`|\$ )make( -[a-z])*( [a-z][a-z-]*)*' "$tmp/section" |
              sed -E 's/^(`|\$ )make( -[a-z])* ?//' |
              sort -u | tr '\n' ' ' | sed 's/^ *//; s/ *$//')
    bad=""
    for t in $targets; do
        student_make -n -C "$copies/$ex" "$t" >/dev/null 2>&1 || bad="$bad make $t;"
    done
    if [ -z "$bad" ]; then
        ok "$ex: every make target its README shows exists (${targets:-the default})"
    else
        not_ok "$ex: every make target its README shows exists" "not in its Makefile:$bad"
    fi
    # "$(make -s workbook)"/build/ref/...: the reference programs are
    # built here (not in the handout, which has none).
    for f in $(grep -oE '\$\(make -s workbook\)"?/[^ `]+' "$tmp/section" | sed 's/^[^/]*\///'); do
        [ -d solutions ] || continue
        check "$ex: its README's $f is in the workbook" test -x "$root/$f"
    done
done

# README.md's code block that starts with the table's header, against the
# table `make` prints now, for the skeletons. What may differ:
#   - a "*" after the points (a result reused from the last grading), and
#     the footnote that explains it;
#   - in the students' handout (no solutions/), every figure of points: it
#     has no hidden tests, and skips the tests that need the reference
#     programs, so its totals are smaller (README says so). The rest of
#     each line (exercises, titles, statuses, next steps) must still match.
echo "# README.md's sample progress table"
awk '/^```/ { if (inb) { inb = 0; if (keep) exit } else { inb = 1; first = 1 } next }
     inb && first { first = 0; keep = /^EXERCISE +TITLE/ }
     inb && keep' README.md >"$tmp/readme.txt"
NO_COLOR=1 bin/ipcgrade progress </dev/null >"$tmp/real.raw" 2>&1
sed -E -e '/^\* /d' -e 's/ ([0-9.]+\/[0-9.]+)\*/  \1/' "$tmp/real.raw" >"$tmp/real.txt"
if [ -d solutions ]; then
    what="is what make prints"
else
    what="is what make prints here, but for the points"
    for f in readme real; do
        sed -E -e 's/ +[0-9.]+\/[0-9.]+  /  N\/M  /' -e 's/^Total: [0-9.]+\/[0-9.]+/Total: N\/M/' \
            "$tmp/$f.txt" >"$tmp/$f.masked"
        mv "$tmp/$f.masked" "$tmp/$f.txt"
    done
fi
if [ ! -s "$tmp/readme.txt" ]; then
    not_ok "README.md shows a sample progress table" "no code block starts with EXERCISE TITLE"
elif cmp -s "$tmp/readme.txt" "$tmp/real.txt"; then
    ok "README.md's progress table $what ($(grep -c . "$tmp/readme.txt") lines)"
else
    not_ok "README.md's progress table $what" \
        "$(diff "$tmp/readme.txt" "$tmp/real.txt" | head -n 30)
make prints:
$(cat "$tmp/real.txt")"
fi

summary
