#!/bin/sh
# new.sh: make a seeded faulty variant from an edited copy of a solution.
#
#   $ cp -r solutions/shmget /tmp/bug && $EDITOR /tmp/bug/shmtool.c
#   $ sh tests/faulty/new.sh shmget no-rmid /tmp/bug "remove never calls IPC_RMID" remove_segment
#
# writes tests/faulty/EXERCISE/NAME/bug.patch (the difference from
# solutions/EXERCISE/) and its `expect` file (the sentence, then the test
# ids it must fail), then grades the variant and says whether it fails each
# of those tests, as tests/grader.sh will check (bin/ipcgrade must be built).
set -eu
cd "$(dirname "$0")/../.."
usage="usage: sh tests/faulty/new.sh EXERCISE NAME EDITED_DIR \"the bug in one sentence\" TEST_ID..."
[ $# -ge 5 ] || { echo "$usage" >&2; exit 2; }
ex=$1 name=$2 edited=$3 sentence=$4
shift 4
[ -d "solutions/$ex" ] || { echo "new.sh: no solutions/$ex" >&2; exit 2; }
[ -d "$edited" ] || { echo "new.sh: no folder $edited" >&2; exit 2; }
case $name in ''|*[!a-z0-9-]*) echo "new.sh: NAME is lowercase words joined by -" >&2; exit 2 ;; esac
dir=tests/faulty/$ex/$name
[ ! -e "$dir" ] || { echo "new.sh: $dir exists already" >&2; exit 2; }

patch_text=$(
    for f in solutions/"$ex"/*.c; do
        base=$(basename "$f")
        diff -u --label "a/$base" --label "b/$base" "$f" "$edited/$base" || true
    done
)
[ -n "$patch_text" ] || { echo "new.sh: $edited does not differ from solutions/$ex" >&2; exit 2; }
mkdir -p "$dir"
printf '%s\n' "$patch_text" >"$dir/bug.patch"
{ echo "# $sentence"; for id in "$@"; do echo "$id"; done; } >"$dir/expect"

out=$(mktemp -d "${TMPDIR:-/tmp}/new-variant.XXXXXX")
trap 'rm -rf "$out"' EXIT
chmod 711 "$out"
sh tests/faulty/materialize.sh "$out" "$ex"
bin/ipcgrade grade "$ex" "$out/$ex/$name" --format json >"$out/result.json" || true
status=0
for id in "$@"; do
    verdict=$(jq -r --arg id "$id" '.tests[] | select(.id == $id) | .status' "$out/result.json")
    case $verdict in
    failed) echo "ok   $ex/$name fails $id" ;;
    "") echo "FAIL $ex has no test $id"; status=1 ;;
    *) echo "FAIL $ex/$name does not fail $id (it $verdict)"; status=1 ;;
    esac
done
[ "$status" -eq 0 ] && echo "new.sh: made $dir (git add it)"
exit "$status"
