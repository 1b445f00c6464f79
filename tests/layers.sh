#!/bin/sh
# layers.sh: the grader's layers point one way (grader/layers.mk). For every
# object file, every symbol it uses must be defined in its own layer or a
# lower one; a use of a higher layer (a back edge) fails, naming the two
# objects and the symbol. The objects are the ones `make` built.
#
#   $ sh tests/layers.sh            (make check runs it)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# layer number, object name, object file: one line each.
make -s --no-print-directory print-layers |
    awk '{ for (i = 2; i <= NF; i++) print NR, $i, "build/obj/" $i ".o" }' >"$tmp/objects"
missing=$(awk '{ print $3 }' "$tmp/objects" | while read -r o; do [ -f "$o" ] || echo "$o"; done)
if [ -n "$missing" ]; then
    not_ok "every object of the grader is built" "$missing"
    summary
    exit
fi
ok "every object of the grader is built ($(wc -l <"$tmp/objects") objects)"

# Who defines what: "symbol layer object".
while read -r layer name file; do
    nm --defined-only --extern-only "$file" | awk -v l="$layer" -v n="$name" 'NF == 3 { print $3, l, n }'
done <"$tmp/objects" | sort >"$tmp/defined"

# Who uses what: "symbol layer object".
while read -r layer name file; do
    nm --undefined-only "$file" | awk -v l="$layer" -v n="$name" '{ print $NF, l, n }'
done <"$tmp/objects" | sort >"$tmp/used"

join "$tmp/used" "$tmp/defined" |
    awk '$4 > $2 { print $3 " uses " $1 " from " $5 ", a higher layer" }' >"$tmp/back"
if [ -s "$tmp/back" ]; then
    not_ok "no layer of the grader uses a higher one" "$(cat "$tmp/back")"
else
    ok "no layer of the grader uses a higher one ($(wc -l <"$tmp/used") uses checked)"
fi

# The check must be able to fail: a use from the lowest layer of a symbol
# of the highest one is reported.
printf 'main 1 util\n' >"$tmp/fake-used"
join "$tmp/fake-used" "$tmp/defined" | awk '$4 > $2 { f = 1 } END { exit !f }' &&
    ok "the check sees a back edge (util using ipcgrade's main)" ||
    not_ok "the check sees a back edge (util using ipcgrade's main)"
summary
