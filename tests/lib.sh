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

# check NAME COMMAND...: ok when the command succeeds.
check() {
    name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# jq_true NAME FILE FILTER [jq args...]: ok when FILTER is true for FILE.
jq_true() {
    name=$1 file=$2 filter=$3
    shift 3
    if jq -e "$@" "$filter" "$file" >/dev/null 2>&1; then
        ok "$name"
    else
        failing=$(jq -r '.tests[]? | select(.status == "failed") | .id + ": " + .output' \
                  "$file" 2>/dev/null)
        not_ok "$name" "jq '$filter' is false for $file${failing:+; its failing tests:
$failing}$(test -n "$failing" || head -c 1500 "$file")"
    fi
}

# The System V IPC objects of this IPC namespace, a line each: kind, key, id.
ipc_objects() {
    for kind in shm msg sem; do
        awk -v k="$kind" 'NR > 1 { print k, $1, $2 }' "/proc/sysvipc/$kind"
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
