# lib.sh: the few helpers every shell test shares. Source it, call ok/not_ok
# (or check), and end with summary, whose last line is "N passed, N failed".

passed=0
failed=0

ok() {
    passed=$((passed + 1))
    printf 'ok   %s\n' "$1"
}

# not_ok NAME [DETAILS]
not_ok() {
    failed=$((failed + 1))
    printf 'FAIL %s\n' "$1"
    if [ $# -gt 1 ] && [ -n "$2" ]; then
        printf '%s\n' "$2" | head -40 | sed 's/^/     /'
    fi
}

# check NAME COMMAND...: ok when the command succeeds. (POSIX sh has no
# local variables: the helpers' own start with an underscore, so that a
# caller's $name survives.)
check() {
    _check_label=$1
    shift
    if "$@"; then ok "$_check_label"; else not_ok "$_check_label"; fi
}

# jq_true NAME FILE FILTER [jq args...]: ok when FILTER is true for FILE.
jq_true() {
    _jq_label=$1 _jq_file=$2 _jq_filter=$3
    shift 3
    if jq -e "$@" "$_jq_filter" "$_jq_file" >/dev/null 2>&1; then
        ok "$_jq_label"
    else
        _jq_failing=$(jq -r '.tests[]? | select(.status == "failed") | .id + ": " + .output' \
                  "$_jq_file" 2>/dev/null)
        not_ok "$_jq_label" "jq '$_jq_filter' is false for $_jq_file${_jq_failing:+; its failing tests:
$_jq_failing}$(test -n "$_jq_failing" || head -c 1500 "$_jq_file")"
    fi
}

# The System V IPC objects of this IPC namespace, a line each: kind, key, id.
ipc_objects() {
    for kind in shm msg sem; do
        awk -v k="$kind" 'NR > 1 { print k, $1, $2 }' "/proc/sysvipc/$kind"
    done | sort
}

# left_ipc_objects ALLOWED: the System V IPC objects of this namespace, a
# /proc/sysvipc line each after its kind; with ALLOWED "sandbox", not those
# the grader's sandbox uids made (grader/sandbox.c: UID_CLAIMED = 0x70400000,
# 4096 slots), which container mode leaves to its next sweep.
left_ipc_objects() {
    for _kind in shm msg sem; do
        awk -v k=$_kind -v allowed="$1" 'NR > 1 {
            cuid = k == "sem" ? $7 : $10
            if (allowed != "sandbox" || cuid < 1883242496 || cuid > 1883246591)
                print k, $0 }' "/proc/sysvipc/$_kind"
    done
}

# The control groups gradings left behind, a line each. cgroup.c names a
# grading's group ipcgrade-PID-N after its grader's pid and removes it
# before the grader exits: a group whose grader still runs (another step's,
# beside this one) is not left behind, nor one gone by the time its grader
# was found gone. The unit tests of cgroup.c name theirs ipcgrade-unit-PID.
left_control_groups() {
    find /sys/fs/cgroup -maxdepth 6 -type d -name 'ipcgrade-*' 2>/dev/null |
        while read -r _group; do
            _pid=${_group##*/ipcgrade-}
            _pid=${_pid#unit-}
            _pid=${_pid%%-*}
            [ -d "/proc/$_pid" ] || [ ! -d "$_group" ] || echo "$_group"
        done | sort
}

# unchanged NAME BEFORE AFTER: ok NAME if the two files are the same, else
# not_ok with the first lines that differ.
unchanged() {
    if cmp -s "$2" "$3"; then
        ok "$1"
    else
        not_ok "$1" "$(diff "$2" "$3" | grep '^[<>]' | head -n 10)"
    fi
}

summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# public_workbook DIR GRADER: make DIR a copy of what a grading reads from
# the workbook (GRADER as DIR/bin/ipcgrade, the fault-injection library,
# the headers, the reference programs and solutions), which every user may
# read. A test that grades as another user (nobody) runs that copy with
# IPCGRADE_ROOT=DIR: the clone itself may lie under a folder only its
# owner may enter, such as /root. DIR's parent must be enterable by all.
public_workbook() {
    mkdir -p "$1/bin" "$1/build" "$1/exercises"
    cp "$2" "$1/bin/ipcgrade"
    cp bin/libipcfault.so "$1/bin/"
    # With their times (-p): the grader rebuilds the reference programs when
    # one is older than a source of theirs, and copies a second apart are.
    cp -pR exercises/include "$1/exercises/"
    if [ -d build/ref ]; then cp -pR build/ref "$1/build/"; fi
    if [ -d solutions ]; then cp -pR solutions "$1/"; fi
    chmod -R a+rX "$1"
    chmod 711 "$1"
}
