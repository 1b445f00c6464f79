#!/bin/sh
# build-html.sh: build the book as a multi-page offline HTML site.
#
# Usage (from anywhere):
#     sh chapters/book/build-html.sh OUTDIR
#
#   OUTDIR   where the site goes (created if needed; relative to the current
#            directory).  It gets index.html (title, blurb, table of contents),
#            one NN-name.html per chapter and style.css.  Pages this script
#            made before for chapters that no longer exist are removed.
#
# Environment (all optional):
#   ROOT             the repo root (default: two directories above this script)
#   HIGHLIGHT_STYLE  a pandoc highlight style (default: tango)
#   PANDOC           the pandoc command (default: pandoc)
#
# Input: ROOT/chapters/[0-9][0-9]-*.md, in name order.  Each must start with
# its one level-1 heading "# Title"; its level-2 headings are its sections
# (they are listed on the contents page and in the page's own contents).
# Code blocks with include= are filled by include-code.lua; pandoc runs from
# ROOT, so include paths are relative to ROOT.  Program output is included
# from build/book/output/, so run chapters/book/run-listings.sh first.
#
# Any pandoc warning is an error (--fail-if-warnings), and so is a missing
# include, a chapter without its level-1 heading or with a second one.
#
# How: for each chapter, pandoc reads the Markdown with the filter into JSON
# (so filter errors name the chapter file), the title heading is moved into
# the metadata (--shift-heading-level-by=-1, shifted back when writing HTML),
# and page.html renders the page with the title, "On this page" and
# previous/next links.

set -eu

prog=build-html.sh
die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: sh chapters/book/build-html.sh OUTDIR"

here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "${ROOT:-$here/../..}" && pwd)
HIGHLIGHT_STYLE=${HIGHLIGHT_STYLE:-tango}
PANDOC=${PANDOC:-pandoc}
BOOK_TITLE="System V IPC in C: a workbook"

mkdir -p "$1"
OUT=$(cd "$1" && pwd)
cd "$ROOT"

book=chapters/book
filter=$book/include-code.lua
template=$book/page.html
[ -f "$filter" ] && [ -f "$template" ] && [ -f "$book/style.css" ] ||
    die "missing $filter, $template or $book/style.css under $ROOT"

LC_ALL=C
export LC_ALL
set -- chapters/[0-9][0-9]-*.md
[ -f "$1" ] || die "no chapters/[0-9][0-9]-*.md under $ROOT"
count=$#

work=$(mktemp -d "${TMPDIR:-/tmp}/build-html.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The same options for every pandoc run; warnings are errors.
pd() {
    "$PANDOC" --fail-if-warnings "$@"
}

# Pass 1: every chapter into JSON, checked, and its title and sections.
i=0
for md in "$@"; do
    i=$((i + 1))
    base=${md##*/}
    base=${base%.md}
    printf '%s\n' "$base" > "$work/$i.base"

    pd --from=markdown --to=json --lua-filter="$filter" \
        --output="$work/$i.raw.json" "$md" ||
        die "$md: pandoc failed (see above)"

    # Exactly one level-1 heading, and it comes first.
    h1=$(grep -o '{"t":"Header","c":\[1,' "$work/$i.raw.json" | wc -l)
    grep -q '"blocks":\[{"t":"Header","c":\[1,' "$work/$i.raw.json" ||
        die "$md: must start with its level-1 heading \"# Title\""
    [ "$h1" -eq 1 ] ||
        die "$md: has $h1 level-1 headings; a chapter has one (its title), sections are \"## \""
    sed -n 's/^.*"blocks":\[{"t":"Header","c":\[1,\["\([^"]*\)".*$/\1/p' \
        "$work/$i.raw.json" > "$work/$i.id"

    # The title heading becomes the metadata title.
    pd --from=json --to=json --shift-heading-level-by=-1 \
        --output="$work/$i.json" "$work/$i.raw.json"

    # Summary from page.html's book-meta mode: line 1 the title as HTML,
    # then the sections (a <ul> of links, empty if there are none).
    pd --from=json --to=html5 --standalone --wrap=none --template="$template" \
        --shift-heading-level-by=1 --toc --toc-depth=2 -V book-meta=1 \
        --output="$work/$i.meta" "$work/$i.json"
    sed -n 1p "$work/$i.meta" > "$work/$i.title"
    sed '1d' "$work/$i.meta" | sed "s|href=\"#|href=\"$base.html#|g" > "$work/$i.toc"
    [ -s "$work/$i.title" ] || die "$md: empty title"
done

# Pass 2: the pages, with previous/next links.
rm -f "$OUT"/[0-9][0-9]-*.html "$OUT/index.html"
cp "$book/style.css" "$OUT/style.css"

i=0
while [ "$i" -lt "$count" ]; do
    i=$((i + 1))
    eval "md=\${$i}"
    base=$(cat "$work/$i.base")
    if [ "$i" -gt 1 ]; then
        p=$((i - 1))
        prev_href="$(cat "$work/$p.base").html"
        prev_title=$(cat "$work/$p.title")
    else
        prev_href=""
        prev_title=""
    fi
    if [ "$i" -lt "$count" ]; then
        n=$((i + 1))
        next_href="$(cat "$work/$n.base").html"
        next_title=$(cat "$work/$n.title")
    else
        next_href=""
        next_title=""
    fi
    # The page's own contents only when it has sections.
    toc_opt=""
    if grep -q '<a href=' "$work/$i.toc"; then
        toc_opt="--toc"
    fi
    pd --from=json --to=html5 --standalone --template="$template" \
        --lua-filter="$filter" --highlight-style="$HIGHLIGHT_STYLE" \
        --shift-heading-level-by=1 $toc_opt --toc-depth=2 \
        -V booktitle="$BOOK_TITLE" -V title-id="$(cat "$work/$i.id")" \
        -V prev-href="$prev_href" -V prev-title="$prev_title" \
        -V next-href="$next_href" -V next-title="$next_title" \
        --output="$OUT/$base.html" "$work/$i.json" ||
        die "$md: pandoc failed (see above)"
done

# The contents page.
{
    cat <<'EOF'
*System V IPC in C* is a hands-on workbook about the three System V
inter-process communication mechanisms of Linux: message queues,
semaphore sets and shared memory segments. Each chapter explains a part of
the API through small, complete C programs that you compile and run
yourself; the output shown in the book is what those programs printed when
the book was built. Exercises let you practise each part.

## Contents {#contents}

````{=html}
<ol class="book-toc">
EOF
    i=0
    while [ "$i" -lt "$count" ]; do
        i=$((i + 1))
        base=$(cat "$work/$i.base")
        printf '<li><a class="book-toc-chapter" href="%s.html">%s</a>\n' "$base" "$(cat "$work/$i.title")"
        cat "$work/$i.toc"
        printf '</li>\n'
    done
    printf '</ol>\n````\n'
} > "$work/index.md"

first_href="$(cat "$work/1.base").html"
pd --from=markdown --to=html5 --standalone --template="$template" \
    --metadata pagetitle="$BOOK_TITLE" -V index=1 -V booktitle="$BOOK_TITLE" \
    -V next-href="$first_href" -V next-title="$(cat "$work/1.title")" \
    --output="$OUT/index.html" "$work/index.md" ||
    die "index.html: pandoc failed (see above)"

printf '%s: %d chapter(s) -> %s/index.html\n' "$prog" "$count" "$OUT" >&2
