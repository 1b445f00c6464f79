#!/bin/sh
# test-numbering.sh: a chapter put between two others (chapters/book/lib.sh).
#
# Usage (from anywhere):  sh tests/book/test-numbering.sh
#
# A small book in a temporary folder, with the book tooling of this
# workbook: chapters 00, 01, 01a (put between 1 and 2), 02 and an appendix.
# Its site, EPUB and (when xelatex is installed) PDF must number the new
# chapter 1a, its sections 1a.1, its listing "Listing 1a-1", and leave
# chapter 2 and the appendix as they were; two chapters with one number,
# or a file named otherwise, stop the build.
# The last line is "N passed, N failed"; the exit status is 1 on any failure.

set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2
. tests/lib.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-numbering.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
R=$tmp/root
mkdir -p "$R/chapters/listings/01a-counter" "$R/chapters/images" "$R/build/book/output"
cp -R chapters/book "$R/chapters/book"
cp LICENSE "$R/LICENSE"     # the site has a licence page

page() {        # page FILE TITLE BODY...: a chapter page
    f=$R/chapters/$1
    shift
    printf '# %s\n\n' "$1" > "$f"
    shift
    printf '%s\n\n' "$@" >> "$f"
}
page 00-intro.md "Introduction" "## Why" "Text." "## How" "Text."
page 01-keys.md "Keys" "## First" "Text." "## Second" "Text."
page 01a-counter.md "A counter" "## shmget()" \
    'The declaration, from `<sys/shm.h>`, is `int shmget(key_t key, size_t size, int shmflg);`.' \
    "## The program" "Listing 1a-1 counts:" \
    '```{.c include="chapters/listings/01a-counter/count.c"}
```'
page 02-shm.md "Shared memory" "## Third" "Text."
page 03-more.md "More {.appendix}" "## Fourth" "Text."
printf '/* Listing 1a-1 (chapter 1a, counter) */\nint count;\n' > "$R/chapters/listings/01a-counter/count.c"

build() {       # build FORMAT: the student edition, in $R/out
    status=0
    ROOT=$R sh "$R/chapters/book/build-book.sh" --formats "$1" --editions student "$R/out" \
        > "$tmp/build.out" 2>&1 || status=$?
}

build html
if [ "$status" -ne 0 ]; then
    not_ok "the site of a book with a chapter 1a builds" "$(tail -n 20 "$tmp/build.out")"
else
    ok "the site of a book with a chapter 1a builds"
    kickers=$(sed -n 's/.*<span class="book-toc-kicker">\([^<]*\)<\/span>.*/\1/p' "$R/out/html/index.html" |
        tr '\n' ',')
    if [ "$kickers" = "Chapter 0,Chapter 1,Chapter 1a,Chapter 2,Appendix A," ]; then
        ok "the site's contents: chapters 0, 1, 1a, 2, appendix A"
    else
        not_ok "the site's contents: chapters 0, 1, 1a, 2, appendix A" "got: $kickers"
    fi
    if grep -q 'data-listing="1a-1"' "$R/out/html/01a-counter.html"; then
        ok "the listing of chapter 1a is Listing 1a-1"
    else
        not_ok "the listing of chapter 1a is Listing 1a-1" "$(grep -o 'data-listing="[^"]*"' "$R/out/html/01a-counter.html")"
    fi
    if grep -q 'href="01a-counter.html#call-shmget"' "$R/out/html/quick-reference.html" &&
        grep -q 'ch\. 1a:' "$R/out/html/quick-reference.html"; then
        ok "the quick reference names chapter 1a"
    else
        not_ok "the quick reference names chapter 1a" "$(grep -o 'ch\. [^<]*' "$R/out/html/quick-reference.html" | head -3)"
    fi
fi

build epub
if [ "$status" -ne 0 ]; then
    not_ok "the EPUB of a book with a chapter 1a builds" "$(tail -n 20 "$tmp/build.out")"
else
    ok "the EPUB of a book with a chapter 1a builds"
    mkdir "$tmp/epub"
    unzip -q -o "$R/out/ipc-workbook.epub" -d "$tmp/epub"
    nav=$(find "$tmp/epub" -name 'nav.xhtml' | head -n 1)
    got=$(sed 's/<[^>]*>/ /g' "$nav" | tr -s ' \n' '  ' |
        grep -o '\(Appendix A: More\|[0-9a-z.]* \(Introduction\|Why\|Keys\|Second\|A counter\|The program\|Shared memory\|Third\)\)' |
        tr '\n' ',')
    want="0 Introduction,0.1 Why,1 Keys,1.2 Second,1a A counter,1a.2 The program,2 Shared memory,2.1 Third,Appendix A: More,"
    if [ "$got" = "$want" ]; then
        ok "the EPUB numbers the chapters and sections 0, 0.1, 1, 1a, 1a.2, 2, 2.1, appendix A"
    else
        not_ok "the EPUB numbers the chapters and sections 0, 0.1, 1, 1a, 1a.2, 2, 2.1, appendix A" \
            "want: $want
got:  $got"
    fi
fi

if command -v xelatex > /dev/null 2>&1 && command -v rsvg-convert > /dev/null 2>&1; then
    build pdf
    if [ "$status" -ne 0 ]; then
        not_ok "the PDF of a book with a chapter 1a builds" "$(tail -n 20 "$tmp/build.out")"
    else
        pdftotext -layout "$R/out/ipc-workbook.pdf" "$tmp/pdf.txt"
        if grep -q '^ *1a  *A counter' "$tmp/pdf.txt" && grep -q '^ *1a\.2  *The program' "$tmp/pdf.txt" &&
            grep -q '^ *2  *Shared memory' "$tmp/pdf.txt" && grep -q '^ *A  *More' "$tmp/pdf.txt" &&
            grep -q 'Listing 1a-1 chapters/listings/01a-counter/count.c' "$tmp/pdf.txt"; then
            ok "the PDF's contents: 1a A counter, 1a.2, 2 Shared memory, A More; Listing 1a-1"
        else
            not_ok "the PDF's contents: 1a A counter, 1a.2, 2 Shared memory, A More; Listing 1a-1" \
                "$(grep -n 'counter\|program\|Shared memory\|More\|Listing' "$tmp/pdf.txt" | head -20)"
        fi
    fi
else
    printf 'skip the PDF (no xelatex or rsvg-convert: sh grader/deps.sh --book)\n'
fi

# Two chapters with one number, and a file named otherwise, stop the build.
cp "$R/chapters/01a-counter.md" "$R/chapters/01a-again.md"
build html
if [ "$status" -ne 0 ] && grep -q 'another chapter has the number 01a' "$tmp/build.out"; then
    ok "two chapters numbered 1a stop the build"
else
    not_ok "two chapters numbered 1a stop the build" "status $status: $(tail -n 5 "$tmp/build.out")"
fi
rm "$R/chapters/01a-again.md"
cp "$R/chapters/02-shm.md" "$R/chapters/02bis-shm.md"
build html
if [ "$status" -ne 0 ] && grep -q 'NNx-name.md' "$tmp/build.out"; then
    ok "a chapter file named 02bis-... stops the build, saying how to name it"
else
    not_ok "a chapter file named 02bis-... stops the build, saying how to name it" \
        "status $status: $(tail -n 5 "$tmp/build.out")"
fi

summary
