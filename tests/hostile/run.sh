#!/bin/sh
# run.sh: the hostile-submission suite. Each folder here is one attack on
# the grader, written as a submission (see lib.c for how its source is put
# together, and its `expect` file for what must happen). Each is graded with
# --format json under an external watchdog, once as root and once as a
# normal user (nobody), and must:
#   - end before the watchdog (3 x the grader's own deadline for a test);
#   - exit 1 with one JSON value of sane size, below full marks, no test
#     dropped (or, with `status 2`, be refused as bad input with one line);
#   - say what its `match` lines say, and nothing its `absent` lines say;
#   - leave no process (by environment or folder, they point into our
#     scratch folder) and no IPC object on the machine;
#   - change nothing outside the grader's scratch folder: canary files in
#     the folders above it, a copy of the workbook the grader runs from,
#     the submission, /tmp and /dev/shm.
# It first runs tests/hostile/bad-input.sh (bad input to the grader), which
# needs no solutions: in the student handout only that part runs.
#
#   $ sh tests/hostile/run.sh                  every attack (make check runs it)
#   $ sh tests/hostile/run.sh fork-bomb ...    just these
#   $ HOSTILE_USERS=root sh tests/hostile/run.sh   one user only
#   $ HOSTILE_KEEP=1 sh tests/hostile/run.sh ...   keep the feedback files
#
# expect lines (the first lines, starting with #, say what the attack is):
#   base solution|alone|raw   the reference plus attack.c | lib.c + attack.c |
#                             attack.c alone (@ROOT@ becomes the workbook's path)
#   exercise EX, program P    what it is graded as (keys, ipckey)
#   test ID                   grade only this test (--test ID)
#   match ERE / absent ERE    the feedback must / must not match (grep -E)
#   status N                  ipcgrade's exit status (1; 2 means bad input)
#   compiled true|false       .compiled in the JSON
#   formats F...              grade again in these formats (tap, autolab)
#   source ATTACK             use ATTACK's attack.c (a variant of it)
#   prebuilt no               hide the workbook's build/ref: the grader builds
#                             the reference programs itself, in its scratch folder
#   link NAME TARGET          NAME is a symlink to the workbook's TARGET
#   stdin endless             the grader's stdin never ends (else /dev/null)
#   within S                  grading must take less than S seconds
#   grader-limit ARGS         run the grader under prlimit ARGS
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

WATCHDOG=300        # 3 x (Check's 90 s + the engine's 10 s) for one test

echo "# bad input to the grader (tests/hostile/bad-input.sh)"
bad=$(sh tests/hostile/bad-input.sh 2>&1)
printf '%s\n' "$bad" | sed '$d'
last=$(printf '%s\n' "$bad" | tail -n 1)
case $last in
[0-9]*" passed, "[0-9]*" failed")
    passed=$((passed + ${last%% *}))
    last=${last#*, }
    failed=$((failed + ${last%% *})) ;;
*)
    not_ok "bad-input.sh ran to its end" "$last" ;;
esac

if [ ! -d solutions ]; then
    echo "# no solutions/ (the student handout): the attacks need the reference solutions"
    summary
    exit
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
cleanup() {
    [ -n "${HOSTILE_KEEP:-}" ] && { echo "# kept $tmp"; return; }
    exec 9>&- 2>/dev/null
    rm -rf "$tmp"
    rm -f /tmp/ipc-hostile-* /dev/shm/ipc-hostile-* 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$tmp"

# The grader runs from a copy of the workbook, so that an attack that gets
# out can only damage the copy, and we can see whether it did.
root=$tmp/root
mkdir -p "$root/bin" "$root/build" "$root/grader" "$root/exercises"
cp -p bin/ipcgrade bin/libipcfault.so "$root/bin/"
cp -rp exercises/include "$root/exercises/"
cp -rp solutions "$root/"
[ -d build/ref ] && cp -rp build/ref "$root/build/"
mkdir -p "$root/grader/suites"
cp -p grader/suites/*.c "$root/grader/suites/"
chmod -R a+rX "$root"
G=$root/bin/ipcgrade

# Where the grader makes its scratch folder, with canaries above it.
t=$tmp/t
mkdir -p "$t"
chmod 1777 "$t"
for c in "$tmp/ipc-hostile-canary" "$t/ipc-hostile-canary"; do
    echo "canary: nothing may change this file" >"$c"
    chmod 666 "$c"              # only the sandbox protects it, not its mode
done
secret=hostile-secret-$$        # in the grader's environment: must not leak

users=${HOSTILE_USERS:-root nobody}
if [ "$(id -u)" -ne 0 ]; then
    users=$(id -un)
elif ! id nobody >/dev/null 2>&1 || ! command -v setpriv >/dev/null; then
    users=root
fi

# ---- the state of the machine, before and after ----

# Processes of our gradings: their environment or folder points into $tmp.
our_processes() {
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] && continue
        env=$(tr '\0' '\n' 2>/dev/null <"$p/environ") || continue
        cwd=$(readlink "$p/cwd" 2>/dev/null)
        case "$env
CWD=$cwd/" in
        *"=$tmp/"*) echo "${p#/proc/} $(tr '\0' ' ' 2>/dev/null <"$p/cmdline" | cut -c1-80)" ;;
        esac
    done
}

# Everything outside the grader's scratch folder an attack might change.
outside_state() {
    cksum "$tmp/ipc-hostile-canary" "$t/ipc-hostile-canary"
    ls -A "$t"
    # build/durations is the grader's own note of how long each test took
    # (engine.c: the slowest start first next time), not the submission's doing.
    find "$root" "$sub" -path "$root/build/durations" -prune -o -print | sort
    find "$root" "$sub" -path "$root/build/durations" -prune -o -type f -exec cksum {} + | sort
    ls -d /tmp/ipc-hostile-* /dev/shm/ipc-hostile-* /var/tmp/ipc-hostile-* 2>/dev/null
    left_control_groups
}

# memory_within_bound: the most any run of the grading used, all its
# processes together, stayed under the memory bound the report states. A
# control group's bound holds but for the kernel's charge batches (a few
# pages per CPU: memory.peak passed memory.max by 2.2 MiB on a 2-CPU
# cgroup v2 kernel; 8 MiB are allowed); the watchdog's (no control group:
# a normal user) is read 20 times a second, 100 once past half the bound,
# and an allocation that is fast enough passes it by what it takes in
# 10 ms (memory-many: 11-21 MiB; 201 MiB when it read 20 times a second
# throughout): a quarter more is allowed.
memory_within_bound() {
    bound=$(jq -r '.sandbox.memory_mib // empty' "$out.json" 2>/dev/null)
    [ -n "$bound" ] || return 0
    by=$(jq -r '.sandbox.memory_bound' "$out.json" | cut -d: -f1)
    peak=$(jq -r '[.tests[]?.runs[]?.total_memory_kib // 0] | max // 0 | . / 1024 | floor' \
               "$out.json")
    allowed=$((bound + 8))
    [ "$by" = watchdog ] && allowed=$((bound * 5 / 4))
    check "$what: the runs' peak memory, all processes together ($peak MiB), stays under the $by bound ($bound MiB)" \
        [ "$peak" -le "$allowed" ]
}

# ---- reading an expect file ----

# expect_get KEY: the value of the first KEY line ("" if none).
expect_get() {
    sed -n "s/^$1 //p" "$dir/expect" | head -n 1
}

# The feedback of a grading as one text: every test's output, the compiler's
# messages, stderr (the raw files when the JSON does not parse).
feedback_text() {
    if ! jq -r '[.compiler_output // "", (.tests[]? | .output)] | join("\n")' \
            "$out.json" 2>/dev/null; then
        cat "$out.json"
    fi
    cat "$out.err"
}

# ---- baselines: the reference solution scores full marks ----

# baseline EX TEST: the max_score of grading the solution (the test alone);
# fails when the solution does not score full marks.
baseline() {
    key="$1-${2:-all}"
    if [ ! -f "$tmp/base-$key.json" ]; then
        $G grade "$1" "$root/solutions/$1" --format json ${2:+--test "$2"} \
            >"$tmp/base-$key.json" 2>/dev/null
    fi
    jq -e 'select(.score == .max_score) | .max_score' "$tmp/base-$key.json"
}

# ---- one attack ----

# materialize: the submission folder $sub of the attack in $dir.
materialize() {
    rm -rf "$sub"
    mkdir -p "$sub"
    base=$(expect_get base)
    link=$(expect_get link)
    src=$(expect_get source)
    src=tests/hostile/${src:-$aname}/attack.c
    if [ -n "$base" ]; then
        cp "solutions/$ex"/*.c "$sub/"
        case $base in
        solution) cat "solutions/$ex/$prog.c" tests/hostile/lib.c "$src" ;;
        alone) cat tests/hostile/lib.c "$src" ;;
        raw) cat "$src" ;;
        esac | sed "s|@ROOT@|$root|g" >"$sub/$prog.c.new"
        mv "$sub/$prog.c.new" "$sub/$prog.c"
    fi
    if [ -n "$link" ]; then
        rm -f "$sub/${link%% *}"
        ln -s "$root/${link#* }" "$sub/${link%% *}"
    fi
    chmod -R a+rX "$sub"
}

# grade_as USER [FORMAT]: grade $sub as USER into $out.json and $out.err;
# exit status in $rc, seconds in $took.
grade_as() {
    user=$1 format=${2:-json}
    set --
    [ "$user" = nobody ] && set -- setpriv --reuid=nobody --regid=nogroup --clear-groups
    limit=$(expect_get grader-limit)
    [ -n "$limit" ] && set -- prlimit $limit "$@"
    test_id=$(expect_get test)
    stdin=/dev/null
    if [ "$(expect_get stdin)" = endless ]; then
        rm -f "$tmp/stdin"
        mkfifo "$tmp/stdin"
        exec 9<>"$tmp/stdin"            # held open: reads never see its end
        stdin=$tmp/stdin
    fi
    start=$(date +%s)
    timeout -s KILL "$WATCHDOG" "$@" env TMPDIR="$t" IPCGRADE_HOSTILE_SECRET="$secret" \
        "$G" grade "$ex" "$sub" --format "$format" ${test_id:+--test "$test_id"} \
        <"$stdin" >"$out.json" 2>"$out.err"
    rc=$?
    took=$(( $(date +%s) - start ))
    exec 9>&-
}

# wait_no_processes: until no process of ours is left (10 s at most); then
# list what is left, and kill it (by pid: these are our gradings' processes).
wait_no_processes() {
    i=0
    while left=$(our_processes) && [ -n "$left" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if [ -n "$left" ]; then
        echo "$left"
        for pid in $(echo "$left" | cut -d' ' -f1); do
            kill -KILL "$pid" 2>/dev/null
        done
    fi
}

check_formats() {
    for format in $(expect_get formats); do
        out=$tmp/out.$format
        grade_as "$user" "$format"
        case $format in
        tap)        # one plan, as many test lines as it says, none forged
            plans=$(grep -c '^1\.\.' "$out.json")
            planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out.json" | head -n 1)
            lines=$(grep -cE '^(not )?ok ' "$out.json")
            if [ "$plans" -eq 1 ] && [ "$lines" -eq "${planned:-0}" ] &&
               grep -q '^not ok ' "$out.json" && ! grep -qE '^(not )?ok .*forged' "$out.json"; then
                ok "$what: the TAP is the grader's alone (one plan, its own test lines)"
            else
                not_ok "$what: the TAP is the grader's alone (one plan, its own test lines)" \
                    "$(grep -nE '^(not )?ok |^1\.\.' "$out.json" | head -n 6)"
            fi ;;
        autolab)
            others=$(sed '$d' "$out.json" | grep -c '^{"scores"')
            if [ "$others" -eq 0 ] && tail -n 1 "$out.json" |
                   jq -e --argjson max "${max:-0}" '[.scores[]] | add < $max' >/dev/null 2>&1; then
                ok "$what: the Autolab scores line is the grader's and the last"
            else
                not_ok "$what: the Autolab scores line is the grader's and the last" \
                    "$(grep -n '{"scores"' "$out.json")"
            fi ;;
        esac
    done
    out=$tmp/out
}

# attack DIR USER: grade the attack in DIR as USER and check everything.
attack() {
    dir=$1 user=$2
    aname=$(basename "$dir")             # not "name": lib.sh's check sets that
    what="$aname as $user"
    ex=$(expect_get exercise)
    ex=${ex:-keys}
    prog=$(expect_get program)
    prog=${prog:-ipckey}
    sub=$tmp/sub/$aname
    out=$tmp/out
    want_rc=$(expect_get status)
    want_rc=${want_rc:-1}
    materialize
    prebuilt=$(expect_get prebuilt)
    [ "$prebuilt" = no ] && [ -d "$root/build/ref" ] && mv "$root/build/ref" "$root/build/ref.off"
    ipc_objects >"$tmp/ipc.before"
    outside_state >"$tmp/outside.before" 2>&1

    grade_as "$user"
    if [ "$rc" -eq 137 ]; then
        not_ok "$what: ends before the watchdog ($WATCHDOG s)" "killed after $took s"
    elif [ "$rc" -ne "$want_rc" ]; then
        not_ok "$what: ipcgrade exits $want_rc" "exit $rc after $took s; stderr: $(head -c 600 "$out.err")"
    else
        ok "$what: ends in ${took} s, ipcgrade exits $rc"
    fi
    within=$(expect_get within)
    if [ -n "$within" ]; then
        check "$what: grading takes less than $within s (took $took s)" [ "$took" -lt "$within" ]
    fi

    if [ "$want_rc" -eq 2 ]; then
        check "$what: refused with one line on stderr" \
            [ "$(wc -l <"$out.err")" -eq 1 -a ! -s "$out.json" ]
    else
        max=$(baseline "$ex" "$(expect_get test)")
        if [ -z "$max" ]; then
            not_ok "$what: the reference solution scores full marks (baseline)" \
                "$(head -c 800 "$tmp"/base-"$ex"-*.json)"
        fi
        jq_true "$what: one JSON value, below full marks, no test dropped" "$out.json" \
            'length == 1 and (.[0] | .score < .max_score and .max_score == ($max | tonumber))' \
            -s --arg max "${max:-0}"
        size=$(wc -c <"$out.json")
        check "$what: the report is of a sane size ($((size / 1024)) KiB < 256 KiB)" \
            [ "$size" -lt 262144 ]
        memory_within_bound
        compiled=$(expect_get compiled)
        if [ -n "$compiled" ]; then
            jq_true "$what: compiled is $compiled" "$out.json" ".compiled == $compiled"
        fi
    fi
    fb=$tmp/feedback-$aname-$user.txt       # kept with HOSTILE_KEEP=1
    feedback_text >"$fb" 2>/dev/null
    sed -n 's/^match //p' "$dir/expect" >"$tmp/match"
    while IFS= read -r re; do
        if grep -Eq -- "$re" "$fb"; then
            ok "$what: says /$re/"
        else
            not_ok "$what: says /$re/" "$(grep -E 'attack:|^[A-Z`]' "$fb" | head -n 12)"
        fi
    done <"$tmp/match"
    sed -n 's/^absent //p' "$dir/expect" >"$tmp/absent"
    while IFS= read -r re; do
        if grep -Eq -- "$re" "$fb"; then
            not_ok "$what: does not show /$re/" "$(grep -E -m 3 -- "$re" "$fb")"
        else
            ok "$what: does not show /$re/"
        fi
    done <"$tmp/absent"
    [ "$want_rc" -eq 1 ] && check_formats

    left=$(wait_no_processes)
    if [ -z "$left" ]; then
        ok "$what: leaves no process"
    else
        not_ok "$what: leaves no process" "$left"
    fi
    sleep 0.2                   # let the last namespace's init be reaped
    ipc_objects >"$tmp/ipc.after"
    unchanged "$what: leaves no IPC object on the machine" "$tmp/ipc.before" "$tmp/ipc.after"
    outside_state >"$tmp/outside.after" 2>&1
    unchanged "$what: changes nothing outside its scratch folder" "$tmp/outside.before" \
        "$tmp/outside.after"
    # Put things back for the next attack: what an escape changed is ours.
    [ -d "$root/build/ref.off" ] && mv "$root/build/ref.off" "$root/build/ref"
    rm -f /tmp/ipc-hostile-* /dev/shm/ipc-hostile-* /var/tmp/ipc-hostile-*
    for c in "$tmp/ipc-hostile-canary" "$t/ipc-hostile-canary"; do
        echo "canary: nothing may change this file" >"$c"
    done
    find "$t" -mindepth 1 -maxdepth 1 ! -name ipc-hostile-canary -exec rm -rf {} +
}

# The attacks find the copy (from the grader's command line); the real
# workbook's solutions must not change either.
repo_files() {
    find solutions -type f -exec cksum {} + 2>/dev/null | sort
}
repo_files >"$tmp/repo.before"
if [ $# -gt 0 ]; then
    attacks=$*
else
    attacks=$(cd tests/hostile && for d in */; do [ -f "$d/expect" ] && echo "${d%/}"; done)
fi
for user in $users; do
    echo "# attacks, graded as $user"
    for a in $attacks; do
        attack "tests/hostile/$a" "$user"
    done
done
repo_files >"$tmp/repo.after"
unchanged "the workbook's own solutions/ are as before" "$tmp/repo.before" "$tmp/repo.after"

summary
