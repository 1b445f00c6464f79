#!/bin/sh
# check-links.sh: every internal link and anchor of a built site resolves.
#
# Usage:  sh chapters/book/check-links.sh DIR...
#
# Reads every .html and .xhtml file (also .htm, .xhtm) under each DIR (the
# HTML site, or an unzipped EPUB) and checks:
#   - every href= and src= that is not an external URL names a file that
#     exists, and its #fragment an id (or <a name=>) in that file;
#   - no id appears twice in one file;
#   - nothing is loaded from the network: no src= and no <link href=> with
#     http:, https: or //, so the pages work offline from file://.
# Links to external pages (<a href="https://...">) are allowed.
# Prints one line per problem ("FILE: ..."), then a summary line; exits 1
# if there is a problem, 2 on bad usage or if the checker cannot run.
#
# The checking is check-links.lua's, run by pandoc as a Lua filter (the
# book needs pandoc anyway).  Environment: PANDOC, the pandoc command
# (default: pandoc).

set -eu

prog=check-links.sh
here=$(cd "$(dirname "$0")" && pwd)
PANDOC=${PANDOC:-pandoc}

[ $# -ge 1 ] || { echo "usage: sh chapters/book/check-links.sh DIR..." >&2; exit 2; }
for dir in "$@"; do
    [ -d "$dir" ] || { echo "$prog: no directory $dir" >&2; exit 2; }
done
command -v "$PANDOC" > /dev/null 2>&1 || { echo "$prog: $PANDOC is not installed" >&2; exit 2; }

# The pages in byte order, one per line (symbolic links to files count).
files=$(find "$@" \( -name '*.html' -o -name '*.htm' -o -name '*.xhtml' -o -name '*.xhtm' \) \
    -xtype f | LC_ALL=C sort)

status=0
CHECK_LINKS_FILES=$files CHECK_LINKS_PROG=$prog \
    "$PANDOC" --from=markdown --to=plain --lua-filter="$here/check-links.lua" \
    --output=/dev/null /dev/null || status=$?
# check-links.lua exits 0 or 1; anything else is pandoc failing.
case $status in
0 | 1) exit "$status" ;;
*) echo "$prog: pandoc failed (exit status $status) running $here/check-links.lua" >&2; exit 2 ;;
esac
