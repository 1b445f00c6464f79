#!/bin/sh
# build-html.sh: build the book as a multi-page offline HTML site.
#
# Usage (from anywhere):
#     sh chapters/book/build-html.sh OUTDIR [PAGE.md ...]
#
#   OUTDIR   where the site goes (created if needed; relative to the current
#            directory).  It gets index.html (title, blurb, table of contents),
#            one NN-name.html per chapter, quick-reference.html,
#            concepts.html (the index of concepts), one page per PAGE.md,
#            search.html with search-index.js and search.js, about.html
#            (licence, copyright, errata), src/PATH.html for every file a
#            listing shows (the whole file, and the file itself beside it),
#            style.css, book.js and images/.  Pages this script made before
#            that no longer exist are removed.
#   PAGE.md  extra pages after the chapters and the quick reference: the
#            instructor's guide pages that guide.sh makes (their links to
#            chapters are written NN-name.html#id, as on the site).
#
# Environment (all optional):
#   ROOT             the repo root (default: two directories above this script)
#   BOOK_EDITION     student (default) or instructor: named on the contents page
#   PANDOC           the pandoc command (default: pandoc)
#
# Input: ROOT/chapters/[0-9][0-9]-*.md, in name order.  Each must start with
# its one level-1 heading "# Title"; its level-2 headings are its sections
# (they are listed on the contents page and in the page's own contents).
# An appendix, "# Title {.appendix}", is shown as "Appendix A", B, ...,
# under "Appendices" on the contents page.
# Code blocks with include= are filled by include-code.lua; pandoc runs from
# ROOT, so include paths are relative to ROOT.  Program output is included
# from build/book/output/, so run chapters/book/run-listings.sh first.
# anchors.lua gives every call and flag an anchor (call-shmget,
# shmget-IPC_CREAT), every listing and figure one number and an id
# (listing-5-1, figure-5-1) and marks the concepts of concepts.txt;
# quickref.lua makes the quick reference from them (lib.sh: the first pass,
# shared with build-doc.sh), concepts.lua the index of concepts.
#
# Every page has the same frame (page.html, style.css): a sidebar with every
# page of the book (the one being read marked, with its sections), a search
# box, the previous and next pages, and a footer with the licence.  site.lua
# links the cross references, numbers the figures, links each listing's
# caption to its file and writes the page's part of the search index.
# Nothing is loaded from the network and no server is needed: the search
# index is a script, not a file to fetch.  JavaScript only adds the copy
# buttons and runs the search page.
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

BOOK_TITLE="System V IPC in C: a workbook"
case ${BOOK_EDITION:-student} in
student) edition="Student edition" ;;
instructor) edition="Instructor's edition: with the reference solutions and the grading rubrics" ;;
*) die "BOOK_EDITION must be student or instructor, not ${BOOK_EDITION}" ;;
esac
template=$book/page.html
for f in "$template" "$book/style.css" "$book/blurb.md" "$book/book.js" "$book/search.js" \
        "$book/site.lua" "$book/xref.lua" "$book/concepts.lua" "$book/srcpage.lua" LICENSE; do
    [ -f "$f" ] || die "missing $f under $ROOT"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/build-html.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2086 # the page paths have no spaces (made above)
book_pass1 "$work" $pages_md

# The index of concepts (and programs.tsv, for site.lua) from every page;
# it goes right after the quick reference, the pages after that move on.
BOOK_WORK=$work pd --from=markdown --to=json --lua-filter=$book/concepts.lua \
    --output="$work/concepts.raw.json" "$work/empty.md" ||
    die "the index of concepts: pandoc failed (see above)"
qr=$(awk '$3 == "quick-reference" { print $1 }' "$work/pages")
[ -n "$qr" ] || die "no quick reference in the first pass"
i=$(wc -l < "$work/pages")
while [ "$i" -gt "$qr" ]; do
    mv "$work/$i.raw.json" "$work/$((i + 1)).raw.json"
    i=$((i - 1))
done
mv "$work/concepts.raw.json" "$work/$((qr + 1)).raw.json"
awk -v q="$qr" '$1 > q { $1 = $1 + 1 } { print } $1 == q { print q + 1, "reference", "concepts" }' \
    "$work/pages" > "$work/pages.new"
mv "$work/pages.new" "$work/pages"
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
        printf '%s\n' "$num" > "$work/$i.num"
        printf 'Chapter %s\n' "$num" > "$work/$i.kicker" ;;
    appendix)
        appendices=$((appendices + 1))
        printf '%s\n' "$(printf ABCDEFGHIJKLMNOPQRSTUVWXYZ | cut -c "$appendices")" > "$work/$i.num"
        printf 'Appendix %s\n' "$(cat "$work/$i.num")" > "$work/$i.kicker" ;;
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

# The sidebar: every page in book order, under the headings of the
# contents page, then search, the index and the about page.  @ROOT@ is the
# way to the site's top; @TOC:NAME@ is where page NAME's sections go when
# it is the page being read.
{
    printf '<nav id="sidebar" class="sidebar" aria-label="The book">\n'
    printf '<a class="sidebar-book" href="@ROOT@index.html">%s</a>\n' "$BOOK_TITLE"
    printf '<form class="search-form" action="@ROOT@search.html" method="get" role="search">\n'
    printf '<input type="search" name="q" aria-label="Search the book" placeholder="Search the book">\n'
    printf '<button type="submit">Search</button>\n</form>\n'
    group=""
    i=0
    while [ "$i" -lt "$count" ]; do
        i=$((i + 1))
        kind=$(cat "$work/$i.kind")
        if [ "$kind" != "$group" ]; then
            [ -z "$group" ] || printf '</ol>\n'
            case $kind in
            chapter) printf '<p class="sidebar-heading">Chapters</p>\n' ;;
            appendix) printf '<p class="sidebar-heading">Appendices</p>\n' ;;
            reference) printf '<p class="sidebar-heading">Reference</p>\n' ;;
            guide) printf '<p class="sidebar-heading">Instructor%ss guide</p>\n' "'" ;;
            esac
            printf '<ol>\n'
            group=$kind
        fi
        base=$(cat "$work/$i.base")
        num=""
        [ ! -f "$work/$i.num" ] || num=$(cat "$work/$i.num")
        printf '<li><a href="@ROOT@%s.html"><span class="sidebar-num">%s</span><span>%s</span></a>@TOC:%s@</li>\n' \
            "$base" "$num" "$(cat "$work/$i.title")" "$base"
    done
    printf '</ol>\n'
    printf '<p class="sidebar-heading">About</p>\n<ol>\n'
    printf '<li><a href="@ROOT@search.html"><span class="sidebar-num"></span><span>Search</span></a></li>\n'
    printf '<li><a href="@ROOT@about.html"><span class="sidebar-num"></span><span>Licence, copyright and errata</span></a></li>\n'
    printf '</ol>\n</nav>\n'
} > "$work/sidebar.tpl"

# sidebar NAME ROOT: the sidebar of page NAME (NAME.html; "" for none) for a
# page ROOT below the top ("" or "../...").
sidebar() {
    _toc=/dev/null
    _k=$(awk -v n="$1" '$3 == n { print $1 }' "$work/pages")
    [ -z "$_k" ] || _toc=$work/$_k.toc
    awk -v name="$1" -v root="$2" -v tocfile="$_toc" '
        BEGIN { while ((getline l < tocfile) > 0) toc = toc l "\n"; sub(/\n$/, "", toc) }
        {
            if (name != "") {
                cur = "href=\"@ROOT@" name ".html\""
                if (index($0, cur) > 0) sub("href=\"@ROOT@" name "\\.html\"", cur " aria-current=\"page\"")
                p = index($0, "@TOC:" name "@")
                if (p > 0) $0 = substr($0, 1, p - 1) "\n" toc substr($0, p + length("@TOC:" name "@"))
            }
            gsub(/@TOC:[^@]*@/, "")
            gsub(/@ROOT@/, root)
            print
        }' "$work/sidebar.tpl"
}

# The footer of every page: the copyright and where the rest is said.
year=$(git log -1 --format=%cd --date=format:%Y 2> /dev/null || true)
[ -n "$year" ] || year=$(date +%Y)
footer() {     # footer ROOT
    printf '© %s The System V IPC in C workbook authors. Text under CC BY-SA 4.0, code under the MIT licence. <a href="%sabout.html">Licence, copyright and errata</a>.' \
        "$year" "$1"
}

# Pass 2: the pages, with previous/next links.  Pages of an earlier build
# that are not in this one go.
for f in "$OUT"/*.html; do
    [ -f "$f" ] || continue
    rm -f "$f"
done
rm -rf "$OUT/src" "$OUT/images"
for f in style.css book.js search.js; do
    cp "$book/$f" "$OUT/$f"
done
# Pictures: a chapter shows chapters/images/NAME.svg as ![text](images/NAME.svg).
if [ -d chapters/images ]; then
    cp -R chapters/images "$OUT/images"
fi
# ... and the pictures .run scripts drew (build/book/output/CH/NAME.svg).
for svg in build/book/output/*/*.svg; do
    [ -f "$svg" ] || continue
    mkdir -p "$OUT/images"
    cp "$svg" "$OUT/images/"
done

: > "$work/src-files"
mkdir -p "$work/search"
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
    kicker=""
    [ ! -f "$work/$i.kicker" ] || kicker=$(cat "$work/$i.kicker")
    BOOK_WORK=$work BOOK_PAGE=$base BOOK_LISTING_FILES=1 BOOK_IMAGES=$OUT/images \
    pd --from=json --to=html5 --standalone --template="$template" \
        --lua-filter=$book/include-code.lua --lua-filter=$book/site.lua \
        --shift-heading-level-by=1 $toc_opt --toc-depth=2 \
        -V booktitle="$BOOK_TITLE" -V title-id="$(cat "$work/$i.id")" \
        -V kicker="$kicker" \
        -V prev-href="$prev_href" -V prev-title="$prev_title" \
        -V next-href="$next_href" -V next-title="$next_title" \
        -V sidebar="$(sidebar "$base" "")" -V footer="$(footer "")" \
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
    -V sidebar="$(sidebar "" "")" -V footer="$(footer "")" \
    --output="$OUT/index.html" "$work/index.md" ||
    die "index.html: pandoc failed (see above)"

# The search page, and its index: one entry per section (site.lua).
{
    printf 'window.BOOK_SEARCH = [\n'
    i=0
    sep=""
    while [ "$i" -lt "$count" ]; do
        i=$((i + 1))
        f=$work/search/$(cat "$work/$i.base").js
        [ -s "$f" ] || continue
        printf '%s' "$sep"
        cat "$f"
        sep=","
    done
    printf '];\n'
} > "$OUT/search-index.js"
cat > "$work/search.md" <<'EOF'
::: search-page
```{=html}
<form class="search-form" action="search.html" method="get" role="search">
<input id="search-page-q" type="search" name="q" aria-label="Search the book" placeholder="A call, a flag, an error, a word">
<button type="submit">Search</button>
</form>
<p id="search-status" role="status">The search runs in your browser, on an index made with the book: it needs JavaScript, and nothing else (no network, no server). Without JavaScript, the <a href="concepts.html">index</a>, the <a href="quick-reference.html">quick reference</a> and the <a href="index.html">contents</a> lead to every section.</p>
<ol id="search-results" class="search-results"></ol>
```
:::
EOF
pd --from=markdown --to=html5 --standalone --template="$template" \
    --metadata title="Search" -V booktitle="$BOOK_TITLE" -V kicker="Reference" \
    -V extra-script=search-index.js -V extra-script=search.js \
    -V sidebar="$(sidebar search "")" -V footer="$(footer "")" \
    --output="$OUT/search.html" "$work/search.md" ||
    die "search.html: pandoc failed (see above)"

# About this book: the licence, the copyright, this edition, errata.
src_date=$(git log -1 --format=%cd --date=format:'%-d %B %Y' 2> /dev/null || true)
src_rev=$(git rev-parse --short=12 HEAD 2> /dev/null || true)
{
    printf '# About this book {#about}\n\n'
    printf '## This edition {#edition}\n\n'
    printf '*%s*, %s' "$BOOK_TITLE" "$(printf '%s' "$edition" | sed 's/:.*//')"
    [ -z "$src_date" ] || printf ', from the sources of %s' "$src_date"
    [ -z "$src_rev" ] || printf ' (revision `%s`)' "$src_rev"
    printf '.\n\nThe programs and their output in this book were compiled and run when\n'
    printf 'it was built: what you read is what they did. The same book is a PDF and an\n'
    printf 'EPUB (`make book`).\n\n'
    printf '## Copyright and licence {#licence}\n\n'
    printf '© %s The System V IPC in C workbook authors.\n\n' "$year"
    printf 'The text (the chapters, the exercise statements, the README) is under the\n'
    printf '[Creative Commons Attribution-ShareAlike 4.0](https://creativecommons.org/licenses/by-sa/4.0/)\n'
    printf 'licence: you may share and adapt it for any purpose, even commercially, if you\n'
    printf 'give appropriate credit, say what you changed, and share your version under the\n'
    printf 'same licence. The code (every program: the listings, the exercises, the grader\n'
    printf 'and the book'"'"'s build) is under the MIT licence below. The file `LICENSE` at\n'
    printf 'the top of the workbook says which is which.\n\n'
    # The MIT licence itself: from its copyright line to the text's part.
    printf '```text\n'
    sed -n '/^Copyright (c)/,/^TEXT/p' LICENSE | sed '$d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
    printf '```\n\n'
    printf '## Errata {#errata}\n\n'
    printf 'Found a mistake: a claim the output does not back, a listing that does not\n'
    printf 'do what the text says, a broken link, a typo? Tell your instructor, or open\n'
    printf 'an issue in the repository your copy of the workbook came from. Say where (the\n'
    printf 'chapter and section, or the listing or figure number: each is a link you can\n'
    printf 'copy), what it says and what you expected, and give the edition line above:\n'
    printf 'the numbers of listings and figures can change from one edition to the next.\n'
} > "$work/about.md"
pd --from=markdown --to=json --shift-heading-level-by=-1 --output="$work/about.json" "$work/about.md"
pd --from=json --to=html5 --standalone --template="$template" --lua-filter=$book/include-code.lua \
    --shift-heading-level-by=1 --toc --toc-depth=2 \
    -V booktitle="$BOOK_TITLE" -V kicker="Reference" -V title-id=about \
    -V sidebar="$(sidebar about "")" -V footer="$(footer "")" \
    --output="$OUT/about.html" "$work/about.json" ||
    die "about.html: pandoc failed (see above)"
# src/PATH.html for every file a caption links to, and the file beside it:
# a pandoc run each, in two halves at once (the machine has two cores or
# more, and they are more than half of the build).
src_pages() {   # src_pages LIST
    while IFS= read -r path; do
        [ -f "$path" ] || die "a caption names $path, which does not exist"
        dest=$OUT/src/$path
        mkdir -p "$(dirname "$dest")"
        cp "$path" "$dest"
        # The way back up: one ../ per folder of src/PATH.
        up=$(printf 'src/%s\n' "$path" | sed 's|[^/]*/|../|g; s|[^/]*$||')
        SRC_PATH=$path pd --from=markdown --to=html5 --standalone --template="$template" \
            --lua-filter=$book/srcpage.lua -V booktitle="$BOOK_TITLE" -V kicker="Source file" \
            -V root="$up" -V sidebar="$(sidebar "" "$up")" -V footer="$(footer "$up")" \
            --output="$dest.html" "$work/empty.md" ||
            die "src/$path.html: pandoc failed (see above)"
    done < "$1"
}
sort -u "$work/src-files" | grep . > "$work/src-list" || true
awk 'NR % 2 == 1' "$work/src-list" > "$work/src-list.1"
awk 'NR % 2 == 0' "$work/src-list" > "$work/src-list.2"
( src_pages "$work/src-list.1" ) &
pid1=$!
( src_pages "$work/src-list.2" ) &
pid2=$!
st=0
wait "$pid1" || st=1
wait "$pid2" || st=1
[ "$st" -eq 0 ] || die "the source file pages failed (see above)"

# Every link and anchor of the site must resolve, and nothing may come from
# the network.
sh "$book/check-links.sh" "$OUT" > "$work/links" ||
    { cat "$work/links" >&2; die "$OUT: broken links (above)"; }

printf '%s: %d page(s), %d source file(s) -> %s/index.html\n' "$prog" "$count" \
    "$(wc -l < "$work/src-list")" "$OUT" >&2
