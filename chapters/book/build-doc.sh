#!/bin/sh
# build-doc.sh: build the book as one PDF and/or one EPUB.
#
# Usage (from anywhere):
#     sh chapters/book/build-doc.sh [--pdf FILE.pdf] [--epub FILE.epub] [PAGE.md ...]
#
#   --pdf FILE    the typeset book: title page, contents, chapters numbered
#                 as their file names number them (lib.sh: 0, 1, ... and
#                 5a for a chapter put between 5 and 6), a tagged PDF, "Listing N-M" captions and
#                 line numbers on every listing, the pictures, the appendix
#                 chapters ({.appendix}), the quick reference and the
#                 PAGE.md pages as appendices A, B, ..., an index of
#                 calls and constants.  pandoc -> LaTeX (latex.lua,
#                 latex-header.tex) -> xelatex, makeindex, xelatex.
#   --epub FILE   the same book as EPUB 3 (epub.css), its code unnumbered and
#                 wrapped to the screen.
#   PAGE.md       extra pages after the quick reference: the instructor's
#                 guide (guide.sh), as for build-html.sh.
#
# Environment (all optional):
#   ROOT           the repo root (default: two directories above this script)
#   BOOK_EDITION   student (default) or instructor: the subtitle
#   PANDOC, XELATEX, MAKEINDEX, RSVG_CONVERT   the commands
#   KEEP_TEX=DIR   also leave the LaTeX source and log there
#
# The first pass is lib.sh's, as for the site, with BOOK_NUMBER_LINES=1;
# combine.lua joins the pages into one document.  Any pandoc warning, a
# LaTeX error, an undefined reference or a character missing from the fonts
# stops the build (the log's lines are printed).  Program output must be
# in build/book/output/ (run-listings.sh) and the packages of
# `grader/deps.sh --book` installed.

set -eu

prog=build-doc.sh
here=$(cd "$(dirname "$0")" && pwd)

usage() {
    echo "usage: sh chapters/book/build-doc.sh [--pdf FILE.pdf] [--epub FILE.epub] [PAGE.md ...]" >&2
    exit 1
}

abspath() {     # abspath FILE: FILE's absolute path (its folder is made)
    mkdir -p "$(dirname "$1")"
    printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "${1##*/}"
}

pdf=""
epub=""
pages_md=""
while [ $# -gt 0 ]; do
    case $1 in
    --pdf) [ $# -ge 2 ] || usage; pdf=$(abspath "$2"); shift 2 ;;
    --epub) [ $# -ge 2 ] || usage; epub=$(abspath "$2"); shift 2 ;;
    -*) usage ;;
    *)
        [ -f "$1" ] || { echo "$prog: no page $1" >&2; exit 1; }
        pages_md="$pages_md $(abspath "$1")"
        shift ;;
    esac
done
[ -n "$pdf$epub" ] || usage

. "$here/lib.sh"

XELATEX=${XELATEX:-xelatex}
MAKEINDEX=${MAKEINDEX:-makeindex}
RSVG_CONVERT=${RSVG_CONVERT:-rsvg-convert}
BOOK_TITLE="System V IPC in C"
BOOK_SUBTITLE="A workbook"
case ${BOOK_EDITION:-student} in
student) edition="Student edition" ;;
instructor) edition="Instructor's edition" ;;
*) die "BOOK_EDITION must be student or instructor, not ${BOOK_EDITION}" ;;
esac
AUTHOR="The System V IPC in C workbook authors"
# The date of the sources, not of the build, when git knows it.
DATE=$(git log -1 --format=%cd --date=format:'%B %Y' 2> /dev/null || true)
[ -n "$DATE" ] || DATE=$(date +'%B %Y')
DATE_ISO=$(git log -1 --format=%cs 2> /dev/null || true)     # EPUB wants dc:date
[ -n "$DATE_ISO" ] || DATE_ISO=$(date +%Y-%m-%d)

command -v "$PANDOC" > /dev/null 2>&1 || die "$PANDOC is not installed (make deps)"
if [ -n "$pdf" ]; then
    for t in "$XELATEX" "$MAKEINDEX" "$RSVG_CONVERT"; do
        command -v "$t" > /dev/null 2>&1 ||
            die "$t is not installed: the PDF needs the packages of 'sh grader/deps.sh --book' (make book installs them)"
    done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/build-doc.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

BOOK_NUMBER_LINES=1
export BOOK_NUMBER_LINES
# shellcheck disable=SC2086 # the page paths have no spaces (made absolute above)
book_pass1 "$work" $pages_md

# "About this book": the blurb and what this edition holds.
{
    printf '# About this book {.unnumbered #about}\n\n'
    cat "$book/blurb.md"
    printf '\n'
    if [ "${BOOK_EDITION:-student}" = instructor ]; then
        printf "This is the **instructor's edition**: after the chapters and the quick\n"
        printf 'reference come, for every exercise, its grading rubric (every test, hidden\n'
        printf 'ones included, with its points), the mistakes its tests catch, the hints\n'
        printf 'students can ask for and the reference solution.\n'
    else
        printf 'This is the **student edition**: the chapters, their exercises and a quick\n'
        printf 'reference of every call. The workbook itself, with the exercise skeletons\n'
        printf 'and the grader, is where this book came from: read `README.md` there.\n'
    fi
    printf '\nThe programs in this book were compiled, and their output shown, when it\n'
    printf 'was built: what you read is what they do. The benchmark figures of\n'
    printf 'chapter 10 are the one exception: a reference run, recorded once.\n'
} > "$work/about.md"


if [ -n "$pdf" ]; then
    BOOK_WORK=$work pd --from=markdown --to=json --lua-filter=$book/combine.lua \
        --output="$work/book.json" "$work/empty.md" ||
        die "joining the pages: pandoc failed (see above)"

    mkdir -p "$work/img"
    for svg in chapters/images/*.svg build/book/output/*/*.svg; do
        [ -f "$svg" ] || continue
        name=${svg##*/}
        "$RSVG_CONVERT" -f pdf -o "$work/img/${name%.svg}.pdf" "$svg" ||
            die "$svg: rsvg-convert failed"
    done

    printf '\\chapter*{About this book}\n' > "$work/about.tex"
    sed '1d' "$work/about.md" | pd --from=markdown --to=latex >> "$work/about.tex"
    # The title page (latex-header.tex's \maketitle) reads these.
    {
        printf '\\newcommand{\\BookTitle}{%s}\n' "$BOOK_TITLE"
        printf '\\newcommand{\\BookSubtitle}{%s}\n' "$BOOK_SUBTITLE"
        printf '\\newcommand{\\BookEdition}{%s}\n' "$edition"
        printf '\\newcommand{\\BookAuthor}{%s}\n' "$AUTHOR"
        printf '\\newcommand{\\BookDate}{%s}\n' "$DATE"
    } > "$work/title.tex"
    # In the first run there is no index yet: its heading alone makes the
    # page that puts it in the contents.
    printf '%s\n' '\cleardoublepage\phantomsection\addcontentsline{toc}{chapter}{Index}' \
        '\IfFileExists{\jobname.ind}{}{\chapter*{Index}}' \
        '{\catcode`\_=12 \printindex}' > "$work/end.tex"

    BOOK_IMAGES=$work/img pd --from=json --to=latex --standalone \
        --lua-filter=$book/latex.lua --top-level-division=chapter --number-sections \
        --toc --toc-depth=2 --highlight-style=tango \
        --include-in-header="$work/title.tex" --include-in-header=$book/latex-header.tex \
        --include-before-body="$work/about.tex" --include-after-body="$work/end.tex" \
        -V documentclass=book -V classoption=oneside -V classoption=openany \
        -V fontsize=11pt -V geometry=a4paper -V geometry=margin=2.2cm \
        -V geometry=includehead -V geometry=top=1.8cm \
        -V monofont="DejaVu Sans Mono" -V monofontoptions=Scale=0.86 \
        -V 'monofontoptions=WordSpace={1,0,0}' \
        -V colorlinks=true \
        -V toccolor=black -V lof=true \
        -M title="$BOOK_TITLE: $BOOK_SUBTITLE ($edition)" \
        -M author="$AUTHOR" -M date="$DATE" -M lang=en \
        --output="$work/book.tex" "$work/book.json" ||
        die "the LaTeX: pandoc failed (see above)"
    # A tagged PDF, as far as xelatex goes: LaTeX's tagging project, phase I
    # (the PDF is marked as tagged, with a structure tree that holds its
    # links), its language (/Lang and the XMP metadata), PDF 1.7.  Phase II,
    # which also tags every paragraph, made one xelatex run take over 25
    # minutes with TeX Live 2022; phase I adds
    # about a minute of processor time per edition.  \DocumentMetadata must
    # come before \documentclass, where pandoc's template has no place.
    { printf '%s\n' '\DocumentMetadata{lang=en, pdfversion=1.7, testphase=phase-I}'
      cat "$work/book.tex"; } > "$work/book-tagged.tex"
    mv "$work/book-tagged.tex" "$work/book.tex"

    # Every LaTeX error stops the build but one, which TeX itself says can
    # be passed safely: xelatex's tagging code splits each page to find its
    # marks, and a page where a long table breaks holds glue that makes TeX
    # say "Infinite glue shrinkage found in box being split" (it then makes
    # the glue finite; the page comes out as without tagging).
    latex_run() {
        rm -f "$work/book.pdf"
        (cd "$work" && "$XELATEX" -interaction=nonstopmode book.tex) > "$work/xelatex.out" 2>&1 || :
        if grep '^!' "$work/book.log" | grep -vqx '! Infinite glue shrinkage found in box being split.' ||
            [ ! -s "$work/book.pdf" ]; then
            grep -A8 '^!' "$work/book.log" | grep -v -A8 '^! Infinite glue shrinkage' >&2 ||
                tail -n 30 "$work/xelatex.out" >&2
            [ -z "${KEEP_TEX:-}" ] || { mkdir -p "$KEEP_TEX"; cp "$work"/book.tex "$work"/book.log "$KEEP_TEX/"; }
            die "xelatex failed on the book (the LaTeX error is above)"
        fi
    }
    # The front matter (contents, figures) has its own page numbers, so the
    # chapters' pages, and the index's, are right after the first run, which
    # also puts the index in the contents (end.tex): index, one more run.
    latex_run
    (cd "$work" && "$MAKEINDEX" -q -s "$ROOT/$book/index.ist" book.idx) || die "makeindex failed"
    latex_run
    runs=2
    while grep -q 'Rerun to get\|Label(s) may have changed\|undefined references' "$work/book.log" &&
        [ "$runs" -lt 5 ]; do
        latex_run
        runs=$((runs + 1))
    done
    if [ -n "${KEEP_TEX:-}" ]; then
        mkdir -p "$KEEP_TEX"
        cp "$work/book.tex" "$work/book.log" "$work/book.idx" "$work/book.ind" "$KEEP_TEX/"
    fi
    problems=$(grep -E 'undefined references|Reference .* undefined|Missing character|Citation .* undefined' \
        "$work/book.log" || true)
    if [ -n "$problems" ]; then
        printf '%s\n' "$problems" | sort | uniq -c | head -n 20 >&2
        die "the PDF has undefined references or characters its fonts lack (above)"
    fi
    cp "$work/book.pdf" "$pdf"
    printf '%s: %s (%s pages, %d xelatex runs)\n' "$prog" "$pdf" \
        "$(sed -n 's/^Output written on .* (\([0-9]*\) pages.*/\1/p' "$work/book.log" | tail -n 1)" \
        "$runs" >&2
fi

if [ -n "$epub" ]; then
    # The pictures .run scripts drew, as images/NAME.svg for pandoc.
    mkdir -p "$work/drawn/images"
    for svg in build/book/output/*/*.svg; do
        [ -f "$svg" ] || continue
        cp "$svg" "$work/drawn/images/"
    done
    pd --from=markdown --to=json --output="$work/about.json" "$work/about.md"
    BOOK_WORK=$work BOOK_ABOUT=$work/about.json BOOK_UNNUMBERED_APPENDICES=1 \
        BOOK_NO_LINE_NUMBERS=1 \
        pd --from=markdown --to=json --lua-filter=$book/combine.lua \
        --output="$work/book-epub.json" "$work/empty.md" ||
        die "joining the pages: pandoc failed (see above)"
    # The chapters are numbered as their file names say (epub-numbers.lua),
    # not one after the other as --number-sections would.
    pd --from=json --to=epub3 --lua-filter=$book/epub-numbers.lua \
        --lua-filter=$book/include-code.lua \
        --resource-path=".:chapters:$work/drawn" --css=$book/epub.css --toc --toc-depth=2 \
        --epub-chapter-level=1 \
        --highlight-style=tango \
        -M title="$BOOK_TITLE" -M subtitle="$BOOK_SUBTITLE — $edition" \
        -M author="$AUTHOR" -M date="$DATE_ISO" -M lang=en \
        --output="$epub" "$work/book-epub.json" ||
        die "the EPUB: pandoc failed (see above)"
    printf '%s: %s\n' "$prog" "$epub" >&2
fi
