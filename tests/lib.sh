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

summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
