#!/bin/sh
# build-html.sh: build the book as a multi-page offline HTML site.
#
# Usage (from anywhere):
#     sh chapters/book/build-html.sh OUTDIR [PAGE.md ...]
#
#   OUTDIR   where the site goes (created if needed; relative to the current
#            directory).  It gets index.html (title, blurb, table of contents),
#            one NN-name.html per chapter, quick-reference.html, one page per
#            PAGE.md, style.css and images/.  Pages this script made before
#            that no longer exist are removed.
#   PAGE.md  extra pages after the chapters and the quick reference: the
#            instructor's guide pages that guide.sh makes (their links to
#            chapters are written NN-name.html#id, as on the site).
#
# Environment (all optional):
#   ROOT             the repo root (default: two directories above this script)
#   BOOK_EDITION     student (default) or instructor: named on the contents page
#   HIGHLIGHT_STYLE  a pandoc highlight style (default: tango)
#   PANDOC           the pandoc command (default: pandoc)
#
# Input: ROOT/chapters/[0-9][0-9]-*.md, in name order.  Each must start with
# its one level-1 heading "# Title"; its level-2 headings are its sections
# (they are listed on the contents page and in the page's own contents).
# An appendix, "# Title {.appendix}", is shown as "Appendix A", B, ..., under
# "Appendices" on the contents page.
# Code blocks with include= are filled by include-code.lua; pandoc runs from
# ROOT, so include paths are relative to ROOT.  Program output is included
# from build/book/output/, so run chapters/book/run-listings.sh first.
# anchors.lua gives every call and flag an anchor (call-shmget,
# shmget-IPC_CREAT), and quickref.lua makes the quick reference from them
# (lib.sh: the first pass, shared with build-doc.sh).
#
# Any pandoc warning is an error (--fail-if-warnings), and so is a missing
# include, a page without its level-1 heading or with a second one, and a
# link or anchor of the finished site that does not resolve (check-links.sh).
#
# How: every page is read into JSON first (lib.sh), the title heading is
# moved into the metadata (--shift-heading-level-by=-1, shifted back when
# writing HTML), and page.html renders the page with the title, "On this
# page" and previous/next links.

set -eu

prog=build-html.sh
here=$(cd "$(dirname "$0")" && pwd)

[ $# -ge 1 ] && [ -n "$1" ] || {
    echo "usage: sh chapters/book/build-html.sh OUTDIR [PAGE.md ...]" >&2
    exit 1
}
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
shift
pages_md=""
for p in "$@"; do
    [ -f "$p" ] || { echo "$prog: no page $p" >&2; exit 1; }
    pages_md="$pages_md $(cd "$(dirname "$p")" && pwd)/${p##*/}"
done

. "$here/lib.sh"

HIGHLIGHT_STYLE=${HIGHLIGHT_STYLE:-tango}
BOOK_TITLE="System V IPC in C: a workbook"
case ${BOOK_EDITION:-student} in
student) edition="Student edition" ;;
instructor) edition="Instructor's edition: with the reference solutions and the grading rubrics" ;;
*) die "BOOK_EDITION must be student or instructor, not ${BOOK_EDITION}" ;;
esac
template=$book/page.html
[ -f "$template" ] && [ -f "$book/style.css" ] && [ -f "$book/blurb.md" ] ||
    die "missing $template, $book/style.css or $book/blurb.md under $ROOT"

work=$(mktemp -d "${TMPDIR:-/tmp}/build-html.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2086 # the page paths have no spaces (made above)
book_pass1 "$work" $pages_md
count=$(wc -l < "$work/pages")

# Each page's title, anchor, kicker and sections.
appendices=0
while read -r i kind name; do
    printf '%s\n' "$name" > "$work/$i.base"
    printf '%s\n' "$kind" > "$work/$i.kind"
    sed -n 's/^.*"blocks":\[{"t":"Header","c":\[1,\["\([^"]*\)".*$/\1/p' \
        "$work/$i.raw.json" > "$work/$i.id"
    case $kind in
    chapter)
        num=$(printf '%s\n' "${name%%-*}" | sed 's/^0*\(.\)/\1/')
        printf 'Chapter %s\n' "$num" > "$work/$i.kicker" ;;
    appendix)
        appendices=$((appendices + 1))
        printf 'Appendix %s\n' "$(printf ABCDEFGHIJKLMNOPQRSTUVWXYZ | cut -c "$appendices")" \
            > "$work/$i.kicker" ;;
    reference) printf 'Reference\n' > "$work/$i.kicker" ;;
    guide) printf 'Instructor%ss guide\n' "'" > "$work/$i.kicker" ;;
    esac

    # The title heading becomes the metadata title.
    pd --from=json --to=json --shift-heading-level-by=-1 \
        --output="$work/$i.json" "$work/$i.raw.json"

    # Summary from page.html's book-meta mode: line 1 the title as HTML,
    # then the sections (a <ul> of links, empty if there are none).
    pd --from=json --to=html5 --standalone --wrap=none --template="$template" \
        --shift-heading-level-by=1 --toc --toc-depth=2 -V book-meta=1 \
        --output="$work/$i.meta" "$work/$i.json"
    sed -n 1p "$work/$i.meta" | sed 's|<span id="[^"]*"></span>||g' > "$work/$i.title"
    sed '1d' "$work/$i.meta" | sed "s|href=\"#|href=\"$name.html#|g" > "$work/$i.toc"
    [ -s "$work/$i.title" ] || die "$name: empty title"
done < "$work/pages"

# Pass 2: the pages, with previous/next links.  Pages of an earlier build
# that are not in this one go.
for f in "$OUT"/*.html; do
    [ -f "$f" ] || continue
    rm -f "$f"
done
cp "$book/style.css" "$OUT/style.css"
# Pictures: a chapter shows chapters/images/NAME.svg as ![text](images/NAME.svg).
rm -rf "$OUT/images"
if [ -d chapters/images ]; then
    cp -R chapters/images "$OUT/images"
fi
# ... and the pictures .run scripts drew (build/book/output/CH/NAME.svg).
for svg in build/book/output/*/*.svg; do
    [ -f "$svg" ] || continue
    mkdir -p "$OUT/images"
    cp "$svg" "$OUT/images/"
done

i=0
while [ "$i" -lt "$count" ]; do
    i=$((i + 1))
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
        --lua-filter=$book/include-code.lua --highlight-style="$HIGHLIGHT_STYLE" \
        --shift-heading-level-by=1 $toc_opt --toc-depth=2 \
        -V booktitle="$BOOK_TITLE" -V title-id="$(cat "$work/$i.id")" \
        -V kicker="$(cat "$work/$i.kicker")" \
        -V prev-href="$prev_href" -V prev-title="$prev_title" \
        -V next-href="$next_href" -V next-title="$next_title" \
        --output="$OUT/$base.html" "$work/$i.json" ||
        die "$base: pandoc failed (see above)"
done

# The contents page: the chapters, then the reference and guide pages.
{
    cat "$book/blurb.md"
    printf '\n## Contents {#contents}\n\n````{=html}\n'
    group=""
    i=0
    while [ "$i" -lt "$count" ]; do
        i=$((i + 1))
        kind=$(cat "$work/$i.kind")
        if [ "$kind" != "$group" ]; then
            [ -z "$group" ] || printf '</ol>\n'
            case $kind in
            appendix) printf '<h3 class="book-toc-group" id="appendices">Appendices</h3>\n' ;;
            reference) printf '<h3 class="book-toc-group" id="reference">Reference</h3>\n' ;;
            guide) printf '<h3 class="book-toc-group" id="instructors-guide">Instructor%ss guide</h3>\n' "'" ;;
            esac
            printf '<ol class="book-toc">\n'
            group=$kind
        fi
        base=$(cat "$work/$i.base")
        printf '<li>'
        case $kind in
        chapter | appendix) printf '<span class="book-toc-kicker">%s</span> ' "$(cat "$work/$i.kicker")" ;;
        esac
        printf '<a class="book-toc-chapter" href="%s.html">%s</a>\n' "$base" "$(cat "$work/$i.title")"
        cat "$work/$i.toc"
        printf '</li>\n'
    done
    printf '</ol>\n````\n'
} > "$work/index.md"

first_href="$(cat "$work/1.base").html"
pd --from=markdown --to=html5 --standalone --template="$template" \
    --metadata pagetitle="$BOOK_TITLE" -V index=1 -V booktitle="$BOOK_TITLE" \
    -V edition="$edition" \
    -V next-href="$first_href" -V next-title="$(cat "$work/1.title")" \
    --output="$OUT/index.html" "$work/index.md" ||
    die "index.html: pandoc failed (see above)"

# Every link and anchor of the site must resolve, and nothing may come from
# the network.
sh "$book/check-links.sh" "$OUT" > "$work/links" ||
    { cat "$work/links" >&2; die "$OUT: broken links (above)"; }

printf '%s: %d page(s) -> %s/index.html\n' "$prog" "$count" "$OUT" >&2
