#!/bin/sh
# test-book.sh: the book as `make check` builds it (make book-files): the
# sites, the PDFs, the EPUBs, the two editions, and that the chapters agree
# with the code and the grader.
#
# Usage:  sh tests/book/test-book.sh        (after make book, or in make check)
#
# In the students' handout (no solutions/ folder) there is no instructor's
# edition; the tests that need it or the reference solutions say "skip".
# The last line is "N passed, N failed"; the exit status is 1 on any failure.

set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

B=build/book
full=false
[ -d solutions ] && full=true

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-book.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

skip() {
    printf 'skip %s\n' "$1"
}

# A file's text: HTML/XHTML without tags and entities, whitespace squeezed
# (the whole text is one line: a tag may span lines).
html_text() {
    cat "$@" | tr '\t\n\r\f\v' '     ' |
        sed 's/<[^>]*>//g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g' |
        tr -s ' '
}
squeeze() {
    tr -s ' \t\n' '   '
}

# The chapter titles, as the PDF and EPUB print them (no backticks, no
# {.appendix} attributes).
for md in chapters/[0-9][0-9]*-*.md; do
    sed -n '1s/^# //p' "$md" | sed 's/ *{[^}]*} *$//' | tr -d '`'
done > "$tmp/titles"

# epubcheck (Java, slow to start) runs in the background from the start;
# epubcheck_result EDITION reports it.  grader/deps.sh --book installs it.
epubcheck_jar=/usr/share/java/epubcheck.jar     # /usr/bin/epubcheck is this jar
epubcheck_start() {     # epubcheck_start EDITION FILE.epub
    if [ -f "$epubcheck_jar" ] && command -v java > /dev/null 2>&1 && [ -s "$2" ]; then
        # -XX:-UsePerfData: no /tmp/hsperfdata_USER left on the machine.
        # -XX:TieredStopAtLevel=1: no optimising JIT, which in a run this
        # short costs more than it saves (4.4 s and 8.4 CPU seconds for
        # the instructor's EPUB without it, 3.0 and 3.9 with it).
        ( java -XX:-UsePerfData -XX:TieredStopAtLevel=1 -jar "$epubcheck_jar" -q "$2" \
              > "$tmp/$1.epubcheck" 2>&1
          echo $? > "$tmp/$1.epubcheck.status" ) &
    fi
}
epubcheck_result() {
    if [ ! -f "$epubcheck_jar" ] || ! command -v java > /dev/null 2>&1; then
        not_ok "$1 EPUB: epubcheck finds no error" \
            "epubcheck is not installed: sh grader/deps.sh --book (or apt-get install epubcheck)"
        return
    fi
    wait
    if [ "$(cat "$tmp/$1.epubcheck.status" 2>/dev/null)" = 0 ]; then
        ok "$1 EPUB: epubcheck finds no error"
    else
        not_ok "$1 EPUB: epubcheck finds no error" "$(head -c 2000 "$tmp/$1.epubcheck" 2>/dev/null)"
    fi
}
epubcheck_start student "$B/ipc-workbook.epub"
if $full; then
    epubcheck_start instructor "$B/instructor/ipc-workbook-instructor.epub"
fi

echo "# the student site"
for f in index.html quick-reference.html; do
    check "build/book/html/$f exists" test -s "$B/html/$f"
done
missing=""
for md in chapters/[0-9][0-9]*-*.md; do
    n=$(basename "$md" .md)
    [ -s "$B/html/$n.html" ] || missing="$missing $n.html"
done
if [ -z "$missing" ]; then ok "a page for every chapter"; else not_ok "a page for every chapter" "missing:$missing"; fi
if out=$(sh chapters/book/check-links.sh "$B/html" 2>&1); then
    ok "every link and anchor of the site resolves, nothing from the network ($(echo "$out" | tail -n 1 | sed 's/^check-links.sh: //'))"
else
    not_ok "every link and anchor of the site resolves, nothing from the network" "$out"
fi
nov=$(grep -L 'name="viewport"' "$B"/html/*.html)
if [ -z "$nov" ]; then ok "every page sets a viewport for phones"; else not_ok "every page sets a viewport for phones" "$nov"; fi

# The link checker finds what it must (so that its "0 problems" means
# something), and passes what is right.
mkdir -p "$tmp/broken/sub" "$tmp/clean/sub"
printf '<p id="a">x</p><a href="#a">ok</a><a href="#nope">bad</a><a href="gone.html">bad</a>\n<img src="https://example.com/x.png">\n' \
    > "$tmp/broken/p.html"
printf '<p id="b">x</p>\n<p id="b">twice</p>\n' > "$tmp/broken/sub/q.xhtml"
out=$(sh chapters/book/check-links.sh "$tmp/broken" 2>&1)
case $?:$out in
1:*'no id "nope"'*'no file gone.html'*'loads from the network'*'id "b" appears twice'*'4 problem(s)'*)
    ok "check-links.sh reports a missing anchor, a missing page, a network resource and an id twice" ;;
*) not_ok "check-links.sh reports a missing anchor, a missing page, a network resource and an id twice" "$out" ;;
esac
printf '<p id="a">x</p><a href="#a">ok</a><a href="sub/q.xhtml#b%%C3%%A9">ok</a><a href="https://example.com/">out</a>\n' \
    > "$tmp/clean/p.html"
printf '<p id="b&#233;">x</p><a name="n">n</a><a href="../p.html">up</a><a href="#n">ok</a>\n' > "$tmp/clean/sub/q.xhtml"
out=$(sh chapters/book/check-links.sh "$tmp/clean" 2>&1)
case $?:$out in
0:*'2 file(s), 4 internal link(s), 0 problem(s)') ok "check-links.sh passes links that resolve" ;;
*) not_ok "check-links.sh passes links that resolve" "$out" ;;
esac

echo "# calls and flags: anchors and the quick reference"
qr=$B/html/quick-reference.html
missing=""
for call in ftok shmget shmat shmdt shmctl semget semop semctl msgget msgsnd msgrcv msgctl; do
    grep -q "id=\"qr-$call\"" "$qr" || missing="$missing $call"
    grep -q "id=\"call-$call\"" "$B"/html/[0-9][0-9]*-*.html || missing="$missing call-$call"
done
if [ -z "$missing" ]; then
    ok "every IPC call has an anchor in its chapter and an entry in the quick reference"
else
    not_ok "every IPC call has an anchor in its chapter and an entry in the quick reference" \
        "missing:$missing (a chapter must declare it as inline code, e.g. \`int shmget(key_t key, size_t size, int shmflg);\`)"
fi
for pair in shmget:IPC_CREAT shmget:EEXIST shmat:SHM_RDONLY shmctl:IPC_RMID semop:SEM_UNDO \
        semctl:SETVAL msgrcv:MSG_NOERROR msgctl:IPC_STAT; do
    call=${pair%%:*}
    flag=${pair#*:}
    if grep -q "href=\"[0-9][0-9][a-z]\?-[a-z-]*\.html#$call-$flag\"" "$qr"; then
        ok "the quick reference links $flag of $call() to its row in the chapter"
    else
        not_ok "the quick reference links $flag of $call() to its row in the chapter" \
            "no link to #$call-$flag in $qr"
    fi
done
n=$(grep -o 'id="[a-z]*-[A-Z][A-Z0-9_]*"' "$B"/html/[0-9][0-9]*-*.html | wc -l)
if [ "$n" -ge 100 ]; then ok "$n flags, commands and errors have anchors"; else not_ok "at least 100 flags, commands and errors have anchors" "only $n"; fi

echo "# numbered listings"
html_text "$B"/html/[0-9][0-9]*-*.html > "$tmp/site.txt"
if grep -q 'Listing 2-1 chapters/listings/02-shmget/' "$tmp/site.txt"; then
    ok "listings are numbered by chapter (Listing 2-1 ...)"
else
    not_ok "listings are numbered by chapter (Listing 2-1 ...)" "no 'Listing 2-1 chapters/listings/02-shmget/' in the site"
fi
# listing_refs PAGE.html...: every "Listing N-M" (N a chapter number or an
# appendix letter) the text names exists; a paragraph that names one and
# ends with ":" right before a listing names that listing.  Prints each
# problem once.  (Each page is one awk record: RS is a byte HTML lacks.)
listing_refs() {
    awk -v RS='\001' '
        function strip(s) { gsub(/<[^>]*>/, "", s); return s }
        function say(msg) { if (!(msg in said)) { said[msg] = 1; print msg } }
        # The numbers "Listing N-M" in S, into list L; returns how many.
        function numbers(s, l,    k) {
            k = 0
            while (match(s, /Listing [0-9A-Z]+[a-z]?-[0-9]+/)) {
                l[++k] = substr(s, RSTART + 8, RLENGTH - 8)
                s = substr(s, RSTART + RLENGTH)
            }
            return k
        }
        { page[++n] = $0; name[n] = FILENAME; sub(/.*\//, "", name[n]) }
        END {
            # Each data-listing="N-M" and the first <code>PATH</code> after it.
            for (i = 1; i <= n; i++) {
                h = page[i]
                while (match(h, /data-listing="[0-9A-Z]+[a-z]?-[0-9]+"/)) {
                    num = substr(h, RSTART + 14, RLENGTH - 15)
                    h = substr(h, RSTART + RLENGTH)
                    path = ""
                    while ((c = index(h, "<code>")) > 0) {
                        h = substr(h, c + 6)
                        e = index(h, "<")
                        if (e > 0 && substr(h, e, 7) == "</code>") {
                            path = substr(h, 1, e - 1)
                            h = substr(h, e + 7)
                            break
                        }
                    }
                    if (c == 0)
                        break
                    if ((num in have) && have[num] != path)
                        say("Listing " num " is both " have[num] " and " path)
                    have[num] = path
                }
            }
            for (i = 1; i <= n; i++) {
                # The paragraph right before each listing (between two </p>).
                np = split(page[i], part, "</p>")
                for (k = 1; k < np; k++) {
                    if (!match(part[k + 1], /^[ \t\r\n]*<div class="listing" data-listing="[0-9A-Z]+[a-z]?-[0-9]+"/))
                        continue
                    d = substr(part[k + 1], RSTART, RLENGTH)
                    sub(/^.*data-listing="/, "", d)
                    sub(/"$/, "", d)
                    if ((p = index(part[k], "<p>")) == 0)
                        continue
                    t = strip(substr(part[k], p + 3))
                    if (t !~ /:[ \t\r\n]*$/ || numbers(t, named) != 1)
                        continue
                    if (named[1] != d)
                        say(name[i] ": \"..." named[1] "...:\" comes right before Listing " d)
                }
                m = numbers(strip(page[i]), named)
                for (k = 1; k <= m; k++)
                    if (!(named[k] in have))
                        say(name[i] ": names Listing " named[k] ", which does not exist")
            }
        }' "$@"
}
listing_refs "$B"/html/[0-9][0-9]*-*.html > "$tmp/listing-refs"
if [ ! -s "$tmp/listing-refs" ]; then
    ok "every \"Listing N-M\" in the text is the listing it introduces"
else
    not_ok "every \"Listing N-M\" in the text is the listing it introduces" \
        "$(cat "$tmp/listing-refs")
(a listing file says its number in its first lines: /* Listing 4-3 (chapter 4, ...) */)"
fi

echo "# no pandoc warnings"
if grep -l 'WARNING' "$B"/log/*.log > "$tmp/warn" 2>/dev/null; then
    not_ok "the book's build logs have no warnings" "$(cat "$tmp/warn")"
else
    ok "the book's build logs have no warnings"
fi

pdf_checks() {         # pdf_checks EDITION FILE.pdf TEXLOG
    if [ ! -s "$2" ]; then
        not_ok "$1 PDF: $2 exists" "not built: run make book"
        return
    fi
    if ! pdftotext -layout "$2" "$tmp/$1.pdf.txt" 2> "$tmp/err"; then
        not_ok "$1 PDF: pdftotext reads it" "$(cat "$tmp/err")"
        return
    fi
    pages=$(pdfinfo "$2" | sed -n 's/^Pages: *//p')
    ok "$1 PDF: pdftotext reads it ($pages pages)"
    squeeze < "$tmp/$1.pdf.txt" > "$tmp/$1.pdf.flat"
    missing=""
    while IFS= read -r t; do
        grep -qF -- "$t" "$tmp/$1.pdf.flat" || missing="$missing
$t"
    done < "$tmp/titles"
    for t in "Quick reference" "Index" "Contents" "Listing 1-1" "Figure 5-1"; do
        grep -qF -- "$t" "$tmp/$1.pdf.flat" || missing="$missing
$t"
    done
    if [ -z "$missing" ]; then
        ok "$1 PDF: every chapter, the contents, the quick reference, the index, numbered listings and figures"
    else
        not_ok "$1 PDF: every chapter, the contents, the quick reference, the index, numbered listings and figures" \
            "missing:$missing"
    fi
    if grep -q '^ *1  */\* ' "$tmp/$1.pdf.txt" || grep -qE '^ *[0-9]+ +#include' "$tmp/$1.pdf.txt"; then
        ok "$1 PDF: listings have line numbers"
    else
        not_ok "$1 PDF: listings have line numbers" "no numbered code line found"
    fi
    if [ -s "$3" ]; then
        wide=$(grep 'Overfull \\hbox' "$3" | sed 's/.*(\([0-9]*\)\.[0-9]*pt too wide).*/\1/' |
            awk '$1 > 20' | wc -l)
        if [ "$wide" -eq 0 ]; then
            ok "$1 PDF: nothing sticks out of the margin by more than 20pt"
        else
            not_ok "$1 PDF: nothing sticks out of the margin by more than 20pt" \
                "$(grep -A1 'Overfull \\hbox' "$3" | head -20)"
        fi
    fi
}

epub_checks() {        # epub_checks EDITION FILE.epub
    if [ ! -s "$2" ]; then
        not_ok "$1 EPUB: $2 exists" "not built: run make book"
        return
    fi
    d=$tmp/$1-epub
    mkdir -p "$d"
    if ! unzip -q -o "$2" -d "$d" 2> "$tmp/err"; then
        not_ok "$1 EPUB: unzips" "$(cat "$tmp/err")"
        return
    fi
    first=$(unzip -Z1 "$2" | head -n 1)
    method=$(unzip -Zv "$2" mimetype 2>/dev/null | sed -n 's/^ *compression method: *//p')
    if [ "$first" = mimetype ] && [ "$(cat "$d/mimetype")" = application/epub+zip ] &&
        [ "${method%% *}" = none ]; then
        ok "$1 EPUB: mimetype first, stored, application/epub+zip"
    else
        not_ok "$1 EPUB: mimetype first, stored, application/epub+zip" "first: $first, method: $method"
    fi
    bad=""
    for f in $(find "$d" -name '*.xhtml' -o -name '*.opf' -o -name '*.ncx' -o -name '*.xml' -o -name '*.svg'); do
        xmllint --noout "$f" 2>> "$tmp/xml.err" || bad="$bad ${f#"$d"/}"
    done
    if [ -z "$bad" ]; then ok "$1 EPUB: every XHTML, OPF, NCX, SVG and XML file is well formed"
    else not_ok "$1 EPUB: every XHTML, OPF, NCX, SVG and XML file is well formed" "$bad $(head -5 "$tmp/xml.err")"; fi
    opf=$d/$(sed -n 's/.*full-path="\([^"]*\)".*/\1/p' "$d/META-INF/container.xml")
    missing=""
    for item in $(sed -n 's/.*<item [^>]*href="\([^"]*\)".*/\1/p' "$opf"); do
        [ -f "$(dirname "$opf")/$item" ] || missing="$missing $item"
    done
    if [ -f "$opf" ] && [ -z "$missing" ]; then ok "$1 EPUB: every file the manifest lists is there"
    else not_ok "$1 EPUB: every file the manifest lists is there" "opf: $opf; missing:$missing"; fi
    if out=$(sh chapters/book/check-links.sh "$d" 2>&1); then
        ok "$1 EPUB: every internal link resolves"
    else
        not_ok "$1 EPUB: every internal link resolves" "$out"
    fi
    html_text $(find "$d" -name '*.xhtml' | sort) > "$tmp/$1.epub.txt"
    missing=""
    while IFS= read -r t; do
        grep -qF -- "$t" "$tmp/$1.epub.txt" || missing="$missing
$t"
    done < "$tmp/titles"
    if [ -z "$missing" ]; then ok "$1 EPUB: every chapter"; else not_ok "$1 EPUB: every chapter" "missing:$missing"; fi
}


# ---- (h-pdf) the Markdown chapters, chapter 10's recorded run --------------
echo "# the Markdown chapters carry what their include blocks show"
if out=$(sh chapters/book/fill-includes.sh --check 2>&1); then
    ok "every include block of the chapters holds its file's text or its program's output ($(echo "$out" | tail -n 1 | sed 's/^fill-includes.sh: //'))"
else
    not_ok "every include block of the chapters holds its file's text or its program's output" "$out"
fi

echo "# chapter 10: the figures of a recorded run"
ref=chapters/listings/10-choosing/reference-run.dat
ipcbench=build/listings/10-choosing/ipcbench
if [ -s "$ref" ] && [ -x "$ipcbench" ]; then
    if out=$("$ipcbench" --replay "$ref" --verify 2>&1); then
        ok "the recorded run passes the checks it was recorded with ($(sed -n 's/^date //p' "$ref"), $(sed -n 's/^cpus //p' "$ref"))"
    else
        not_ok "the recorded run passes the checks it was recorded with" "$(printf '%s\n' "$out" | tail -n 8)"
    fi
    "$ipcbench" --replay "$ref" --svg "$tmp/ref.svg" > "$tmp/ref.txt" 2>&1
    sed 1d "$B/output/10-choosing/bench.txt" > "$tmp/book-bench.txt"
    if cmp -s "$tmp/ref.txt" "$tmp/book-bench.txt" && cmp -s "$tmp/ref.svg" "$B/output/10-choosing/ipc-bench.svg"; then
        ok "chapter 10 shows the recorded run and its chart, whatever machine builds the book"
    else
        not_ok "chapter 10 shows the recorded run and its chart, whatever machine builds the book" \
            "$(diff "$tmp/ref.txt" "$tmp/book-bench.txt" | head -10)"
    fi
else
    not_ok "chapter 10 shows the recorded run and its chart, whatever machine builds the book" \
        "no $ref or no $ipcbench: record one with sh tests/bench-ipc.sh --record"
fi
if grep -q "Linux [0-9]" "$B/output/10-choosing/ipc-bench.svg" 2>/dev/null ||
    grep -qF "$(uname -r)" "$B/output/10-choosing/ipc-bench.svg" 2>/dev/null; then
    not_ok "the chart names no kernel" "$(grep -o '.\{0,40\}Linux [0-9].\{0,20\}' "$B/output/10-choosing/ipc-bench.svg" | head -3)"
else
    ok "the chart names no kernel"
fi
if grep -q '<title' "$B/output/10-choosing/ipc-bench.svg" 2>/dev/null &&
    grep -q '<desc' "$B/output/10-choosing/ipc-bench.svg"; then
    ok "the chart has a <title> and a <desc>"
else
    not_ok "the chart has a <title> and a <desc>"
fi
# No internal target in what students read or run: the book (site, and
# the PDF's text when it is built) and ipcbench, whose output is a
# student's `make bench`.
bad=$(grep -l 'Target\|NOT met' "$B"/output/*/*.txt chapters/listings/10-choosing/ipcbench.c \
    chapters/listings/10-choosing/bench/*.c 2>/dev/null)
html_text "$B"/html/*.html | grep -o '.\{0,40\}\(Target\|NOT met\).\{0,40\}' > "$tmp/target" || :
[ -s "$B/ipc-workbook.pdf" ] && pdftotext "$B/ipc-workbook.pdf" - 2>/dev/null |
    grep -o '.\{0,40\}\(Target\|NOT met\).\{0,40\}' >> "$tmp/target"
if [ -z "$bad" ] && [ ! -s "$tmp/target" ]; then
    ok "no \"Target\" or \"NOT met\" in the book, its transcripts or ipcbench"
else
    not_ok "no \"Target\" or \"NOT met\" in the book, its transcripts or ipcbench" "$bad $(cat "$tmp/target")"
fi
# Text about how this copy was built has no place in the book.
if html_text "$B"/html/*.html | grep -o '.\{0,60\}\(this copy\|[Aa] copy of the workbook\|built without\).\{0,60\}' > "$tmp/copy"; then
    not_ok "the book does not talk about how this copy of it was built" "$(cat "$tmp/copy")"
else
    ok "the book does not talk about how this copy of it was built"
fi


# ---- (h-pdf) the quick reference against the man pages --------------------
echo "# the quick reference: headers from the man pages, no text that points nowhere"
# man_headers NAME: the headers the SYNOPSIS of NAME's man page (section 2
# or 3, manpages-dev) names before NAME's prototype, on one line; nothing
# if there is no such page.
man_headers() {
    for page in "/usr/share/man/man2/$1.2.gz" "/usr/share/man/man3/$1.3.gz"; do
        [ -f "$page" ] || continue
        # A page that is only ".so man2/other.2" is that other page.
        so=$(zcat "$page" | sed -n 's/^\.so  *//p' | head -n 1)
        [ -z "$so" ] || page=/usr/share/man/$so.gz
        zcat "$page" | awk -v want="$1" '
            /^\.SH/ { insyn = ($0 ~ /^\.SH +"?SYNOPSIS/); next }
            !insyn { next }
            match($0, /#include +<[^>]+>/) {
                h = substr($0, RSTART, RLENGTH); sub(/^#include +/, "", h)
                if (sawproto) { n = 0; sawproto = 0 }
                group[++n] = h
                next
            }
            {
                t = $0; gsub(/"/, "", t); gsub(/\\f[BIRP]/, "", t)
                if (match(t, /[A-Za-z_][A-Za-z_0-9]*\(/)) {
                    name = substr(t, RSTART, RLENGTH - 1)
                    if (!(name in hdr)) {
                        s = ""
                        for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") group[i]
                        hdr[name] = s
                    }
                    sawproto = 1
                }
            }
            END { print hdr[want] }'
        return
    done
}
# The headers the quick reference shows for each call: "NAME H1 H2...".
awk -v RS='<h2' 'match($0, /^[^>]*id="qr-[a-z_]+"/) {
        name = substr($0, RSTART, RLENGTH); sub(/.*id="qr-/, "", name); sub(/"$/, "", name)
        if (name == "a-to-z") next
        s = $0; sub(/<\/pre>.*/, "", s); gsub(/<[^>]*>/, "", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s)
        out = name
        while (match(s, /#include <[^>]+>/)) { out = out " " substr(s, RSTART + 9, RLENGTH - 9); s = substr(s, RSTART + RLENGTH) }
        print out
    }' "$B/html/quick-reference.html" > "$tmp/qr-headers"
if [ ! -f /usr/share/man/man2/shmget.2.gz ]; then
    not_ok "every call's header in the quick reference is its man page's" \
        "no man pages: sh grader/deps.sh --book installs manpages-dev"
elif [ "$(wc -l < "$tmp/qr-headers")" -lt 12 ]; then
    not_ok "every call's header in the quick reference is its man page's" \
        "found only $(wc -l < "$tmp/qr-headers") calls in $B/html/quick-reference.html"
else
    bad=""
    while read -r name shown; do
        want=$(man_headers "$name")
        [ "$shown" = "$want" ] || bad="$bad
$name(): the quick reference says ${shown:-nothing}, the man page's SYNOPSIS ${want:-nothing}"
    done < "$tmp/qr-headers"
    if [ -z "$bad" ]; then
        ok "every call's header in the quick reference is its man page's ($(wc -l < "$tmp/qr-headers") calls)"
    else
        not_ok "every call's header in the quick reference is its man page's" "$bad"
    fi
fi
# Text copied from a chapter must not point to what is not on the page.
html_text "$B/html/quick-reference.html" > "$tmp/qr.txt"
if grep -o '.\{0,50\}\(see below\|(below)\|” below\|" below\|[0-9] below does\|next section\).\{0,20\}' "$tmp/qr.txt" > "$tmp/qr-bad" ||
    grep -o '<p>[^<]*\(<[^p/][^>]*>[^<]*\)*:</p>' "$B/html/quick-reference.html" >> "$tmp/qr-bad"; then
    not_ok "the quick reference has no \"see below\" or paragraph ending with a colon" "$(cat "$tmp/qr-bad")"
else
    ok "the quick reference has no \"see below\" or paragraph ending with a colon"
fi


# ---- (h-pdf) how the PDF sets its pages -------------------------------------
# pdf_layout EDITION FILE.pdf: from the text of each page (pdftotext -layout,
# the running head and the page number left out): no page ends with a
# paragraph that ends with a colon whose listing, transcript or table is
# overleaf; no page starts with the last one or two lines of a listing
# (closing braces alone); no identifier is cut after "_" at the end of a
# line ("MSG_" / "EXCEPT").  And the PDF is tagged, in English.
pdf_layout() {
    [ -s "$2" ] || return 0
    pdftotext -layout "$2" - 2> /dev/null | awk -v RS='\f' '
        {
            n = split($0, L, "\n"); p = NR; first = 0; last = 0
            for (i = 1; i <= n; i++) if (L[i] ~ /[^ ]/) { if (!first) first = i; last = i }
            if (!first) next
            # the contents: its lines start with chapter numbers too
            if (L[first] ~ /^ *Contents +[ivxlc]+ *$/) next
            # the page number at the foot of a chapter opening page
            if (L[last] ~ /^ *[0-9]+ *$/) for (i = last - 1; i > first; i--) if (L[i] ~ /[^ ]/) { last = i; break }
            # (not a line of code: numbered, or of a diff)
            if (L[last] ~ /: *$/ && L[last] !~ /^ *[0-9]+ / && L[last] !~ /^ *[-+]/)
                print "page " p " ends with \"" substr(L[last], length(L[last]) - 50) "\""
            k = 0
            for (i = first + 1; i <= n; i++) {
                if (L[i] !~ /[^ ]/) continue
                if (L[i] ~ /^ *[0-9]+( |$)/) { k++; continue }
                break
            }
            if (k >= 1 && k <= 2 && i <= n && p > 4)
                print "page " p " starts with the last " k " line(s) of a listing: " L[first + 1]
            for (i = first; i <= last; i++)
                if (L[i] ~ /[A-Za-z0-9]_ *$/ && L[i + 1] !~ /^ *[0-9]* *\xe2\x86\xaa/)
                    print "page " p ": a name cut after \"_\": " L[i]
        }' > "$tmp/$1.layout"
    if [ ! -s "$tmp/$1.layout" ]; then
        ok "$1 PDF: no page ends on a colon before its listing, starts with a listing's last lines, or cuts a name at \"_\""
    else
        not_ok "$1 PDF: no page ends on a colon before its listing, starts with a listing's last lines, or cuts a name at \"_\"" \
            "$(cat "$tmp/$1.layout")"
    fi
    info=$(pdfinfo "$2" 2> /dev/null)
    if printf '%s\n' "$info" | grep -q '^Tagged: *yes' &&
        pdfinfo -struct "$2" 2> /dev/null | grep -q '^Document' &&
        pdfinfo -meta "$2" 2> /dev/null | grep -A2 '<dc:language>' | grep -q '>en<'; then
        ok "$1 PDF: tagged (a structure tree), its language English"
    else
        not_ok "$1 PDF: tagged (a structure tree), its language English" \
            "$(printf '%s\n' "$info" | grep -i 'tagged')"
    fi
}
echo "# how the PDFs set their pages"
pdf_layout student "$B/ipc-workbook.pdf"
pdf_layout instructor "$B/instructor/ipc-workbook-instructor.pdf"


echo "# the student edition: PDF and EPUB"
pdf_checks student "$B/ipc-workbook.pdf" "$B/log/student-tex/book.log"
epub_checks student "$B/ipc-workbook.epub"

echo "# appendices"
# Each chapter file whose heading has {.appendix} is "Appendix A", B, ...:
# in the site's contents, on its page, in the PDF and in the EPUB.
n=0
for md in chapters/[0-9][0-9]*-*.md; do
    sed -n '1p' "$md" | grep -q '{[^}]*\.appendix[^}]*} *$' || continue
    n=$((n + 1))
    L=$(printf 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' | cut -c "$n")
    name=$(basename "$md" .md)
    title=$(sed -n '1s/^# //p' "$md" | sed 's/ *{[^}]*} *$//' | tr -d '`')
    bad=""
    grep -qF "<span class=\"book-toc-kicker\">Appendix $L</span> <a class=\"book-toc-chapter\" href=\"$name.html\">" \
        "$B/html/index.html" || bad="$bad contents"
    grep -qF "<p class=\"kicker\">Appendix $L</p>" "$B/html/$name.html" || bad="$bad page"
    grep -qF "Appendix $L $title" "$tmp/student.pdf.flat" 2>/dev/null || bad="$bad PDF"
    grep -qF "Appendix $L: $title" "$tmp/student.epub.txt" 2>/dev/null || bad="$bad EPUB"
    if [ -z "$bad" ]; then
        ok "$name is Appendix $L in the contents, on its page, in the PDF and in the EPUB"
    else
        not_ok "$name is Appendix $L in the contents, on its page, in the PDF and in the EPUB" "not in:$bad"
    fi
done
[ "$n" -gt 0 ] || skip "appendices (no chapter's heading has {.appendix})"

# ---- The site as a reader sees it, and the EPUB's code (issue 19) ---------
# site-checks.sh: sidebar, search, layout at 1280 and 390 px, code colours,
# copy buttons, dark mode, numbered listings and figures, the index of
# concepts, in headless Chromium; epub-checks.sh: the EPUB's code wraps
# with a hanging indent.  test-site.sh runs the site part alone.
. tests/book/site-checks.sh
. tests/book/epub-checks.sh
site_checks "$B/html" "$tmp/site-student"
epub_code_checks student "$tmp/student-epub" "$tmp/epub-student"
# The PDF's index: the concepts, in roman type, not the workbook's own helpers.
index_checks() {       # index_checks EDITION PDF.txt
    idx=$(awk '/^\f?Index$/ { on = 1 } on' "$2")
    missing=""
    for term in "deadlock" "critical section" "semadj" "race condition" "ipcs" "ipcrm"; do
        printf '%s\n' "$idx" | grep -q "\(^\|[ ,]\)$term, [0-9]" || missing="$missing, $term"
    done
    helpers=$(printf '%s\n' "$idx" | grep -o 'cmd_[a-z_]*()\|err_exit()\|sem_add()\|usage_err()' | sort -u | tr '\n' ' ')
    twice=$(printf '%s\n' "$idx" | grep -o '\(^\|  \)[a-z][a-z ]*, [0-9]' | sed 's/, [0-9]$//; s/^ *//' | sort | uniq -d | tr '\n' ' ')
    if [ -n "$idx" ] && [ -z "$missing" ] && [ -z "$helpers" ] && [ -z "$twice" ]; then
        ok "$1 PDF: the index has the concepts (deadlock, semadj, ...), each once, and none of the workbook's helpers"
    else
        not_ok "$1 PDF: the index has the concepts (deadlock, semadj, ...), each once, and none of the workbook's helpers" \
            "missing:${missing#,}; helpers: $helpers; twice: $twice"
    fi
}
index_checks student "$tmp/student.pdf.txt"
# ---- end of the site and EPUB checks ---------------------------------------

if ! $full; then
    epubcheck_result student
    skip "the instructor's edition and the solution checks (no solutions/ folder here)"
    summary
    exit $?
fi

echo "# the instructor's edition"
I=$B/instructor
check "the instructor's site exists" test -s "$I/html/index.html"
if out=$(sh chapters/book/check-links.sh "$I/html" 2>&1); then
    ok "every link and anchor of the instructor's site resolves"
else
    not_ok "every link and anchor of the instructor's site resolves" "$out"
fi
pdf_checks instructor "$I/ipc-workbook-instructor.pdf" "$B/log/instructor-tex/book.log"
epub_checks instructor "$I/ipc-workbook-instructor.epub"

# Every test of every suite, with its points, on the exercise's guide page.
bad=""
while IFS="$(printf '\t')" read -r ex title; do
    page=$I/html/guide-$ex.html
    json=$B/rubric/$ex.json
    if [ ! -s "$page" ] || [ ! -s "$json" ]; then
        bad="$bad
$ex: no guide page or rubric"
        continue
    fi
    html_text "$page" > "$tmp/guide.txt"
    for id in $(jq -r '.tests[].id' "$json"); do
        grep -qF "$id" "$tmp/guide.txt" || bad="$bad
$ex: test $id is not in the rubric"
    done
    want=$(jq -r '"runs \(.tests | length) tests worth \([.tests[].max_score] | add) points"' "$json")
    grep -qF "$want" "$tmp/guide.txt" || bad="$bad
$ex: the page does not say \"$want\""
    for sol in solutions/"$ex"/*.c; do
        grep -qF "$sol" "$tmp/guide.txt" || bad="$bad
$ex: $sol is not shown"
    done
done < "$B/rubric/exercises.tsv"
if [ -z "$bad" ]; then
    ok "every exercise's guide page has every test (hidden ones too) with the points, and the solution"
else
    not_ok "every exercise's guide page has every test (hidden ones too) with the points, and the solution" "$bad"
fi

echo "# the student edition has no solution code"
# Probes: lines of the solutions (30 characters or more) that appear nowhere
# in a chapter, listing, transcript or skeleton, whitespace squeezed.
for f in chapters/*.md chapters/listings/*/* exercises/*/* exercises/include/* \
        "$B"/output/*/*; do
    [ -f "$f" ] && cat "$f"
done | squeeze > "$tmp/public"
cat solutions/*/*.c | sed 's/[[:space:]][[:space:]]*/ /g; s/^ //; s/ $//' | sort -u |
    awk 'length($0) >= 30' > "$tmp/candidates"
# Each candidate that is nowhere in the public text (one line, by squeeze).
awk 'FILENAME == ARGV[1] { t = t $0; next } index(t, $0) == 0' "$tmp/public" "$tmp/candidates" > "$tmp/probes"
nprobes=$(wc -l < "$tmp/probes")
# found FILE: how many probes FILE's text holds (whitespace squeezed).
found() {
    tr -s ' \t\n\r\f\v' ' ' < "$1" > "$tmp/found.txt"
    awk 'FILENAME == ARGV[1] { probe[++n] = $0; next }
         { t = t $0 }
         END { c = 0; for (i = 1; i <= n; i++) if (index(t, probe[i]) > 0) c++; print c }' \
        "$tmp/probes" "$tmp/found.txt"
}
html_text "$B"/html/*.html > "$tmp/student.site.txt"
html_text "$I"/html/*.html > "$tmp/instructor.site.txt"
s_site=$(found "$tmp/student.site.txt")
i_site=$(found "$tmp/instructor.site.txt")
s_pdf=$(found "$tmp/student.pdf.txt")
i_pdf=$(found "$tmp/instructor.pdf.txt")
s_epub=$(found "$tmp/student.epub.txt")
i_epub=$(found "$tmp/instructor.epub.txt")
if [ "$nprobes" -ge 50 ] && [ "$i_site" -eq "$nprobes" ] && [ "$i_epub" -eq "$nprobes" ] &&
    [ "$i_pdf" -ge $((nprobes * 7 / 10)) ]; then
    ok "the instructor's edition shows the solutions ($nprobes lines found only there: site $i_site, EPUB $i_epub, PDF $i_pdf)"
else
    not_ok "the instructor's edition shows the solutions" \
        "$nprobes probe lines; found: site $i_site, EPUB $i_epub, PDF $i_pdf"
fi
if [ "$s_site" -eq 0 ] && [ "$s_pdf" -eq 0 ] && [ "$s_epub" -eq 0 ]; then
    ok "the student edition shows no line of any solution (site, PDF, EPUB)"
else
    not_ok "the student edition shows no line of any solution (site, PDF, EPUB)" \
        "found: site $s_site, PDF $s_pdf, EPUB $s_epub"
fi
# The same pattern must find the instructor's site, or it proves nothing.
names="solutions/\\|guide-[a-z]*\\.html\\|Instructor['’]s \\(edition\\|guide\\)"
if grep -q "$names" "$tmp/student.site.txt" || ! grep -q "$names" "$tmp/instructor.site.txt"; then
    not_ok "the student site never names solutions/, a guide page or the instructor's edition" \
        "$(grep -o ".\{0,40\}\($names\).\{0,40\}" "$tmp/student.site.txt" | head -5)"
else
    ok "the student site never names solutions/, a guide page or the instructor's edition"
fi

echo "# the chapters agree with the grader"
bad=""
while IFS="$(printf '\t')" read -r ex title; do
    json=$B/rubric/$ex.json
    ch=$(jq -r .chapter "$json")
    jq -r '.tests[] | select(.visibility == "visible") | "\(.id) \(.max_score)"' "$json" |
        sort > "$tmp/grader"
    # A chapter may hold several exercises: this one's is the "## Exercise"
    # section that names its folder, exercises/EX/, and its table of tests
    # ends where that section does.
    awk -v ex="$ex" '
         /^## / { n++; exsec[n] = ($0 ~ /^## Exercise/) }
         n && exsec[n] && index($0, "exercises/" ex "/") { mine[n] = 1 }
         { sec[NR] = n; line[NR] = $0 }
         END {
             for (i = 1; i <= NR; i++) {
                 s = line[i]
                 if (!mine[sec[i]]) continue
                 if (s ~ /^\*\*What the grader checks/) on[sec[i]] = 1
                 if (on[sec[i]] && s ~ /^\| `[a-z_0-9]+` \| [0-9]+ \|/) {
                     split(s, a, "|"); id = a[2]; gsub(/[ `]/, "", id); p = a[3]; gsub(/ /, "", p); print id, p
                 }
             }
         }' "$ch" | sort > "$tmp/chapter"
    if ! cmp -s "$tmp/grader" "$tmp/chapter"; then
        bad="$bad
$ch, \"What the grader checks\" (< grader, > chapter):
$(diff "$tmp/grader" "$tmp/chapter" | grep '^[<>]')"
    fi
done < "$B/rubric/exercises.tsv"
if [ -z "$bad" ]; then
    ok "each chapter's \"What the grader checks\" lists the suite's visible tests with their points"
else
    not_ok "each chapter's \"What the grader checks\" lists the suite's visible tests with their points" "$bad"
fi
# Every 'See chapters/NN-name.md, "Section"' in a hint names a real section.
bad=""
for json in "$B"/rubric/*.json; do
    jq -r '.tests[] | "\(.id)\t\(.hint // "")"' "$json" |
    while IFS="$(printf '\t')" read -r id hint; do
        printf '%s\n' "$hint" | grep -o 'chapters/[0-9a-z-]*\.md, "[^"]*"' |
        while IFS= read -r ref; do
            file=${ref%%,*}
            sec=$(printf '%s\n' "$ref" | sed 's/^[^,]*, "\(.*\)"$/\1/')
            grep -qxF "## $sec" "$file" 2>/dev/null ||
                echo "$(basename "$json" .json)/$id: $ref: no such section"
        done
    done
done > "$tmp/hintrefs"
if [ ! -s "$tmp/hintrefs" ]; then
    ok "every section a grader hint names exists"
else
    not_ok "every section a grader hint names exists" "$(cat "$tmp/hintrefs")"
fi

# ---- The instructor's site, EPUB and PDF index (issue 19) ------------------
site_checks "$I/html" "$tmp/site-instructor"
epub_code_checks instructor "$tmp/instructor-epub" "$tmp/epub-instructor"
index_checks instructor "$tmp/instructor.pdf.txt"
# The guide pages: titles that say what the exercise is, hints that name
# chapters as a reader does, the rubric a card per test on a phone.
bad=""
for page in "$I"/html/guide-*.html; do
    p=${page##*/}
    tr '\n' ' ' < "$page" | grep -q '<h1 class="chapter-title"[^>]*>Chapter [0-9]*[a-z]\{0,1\}, [^<]*: rubric and solution</h1>' ||
        bad="$bad
$p: the title is not \"Chapter N, PROGRAM: rubric and solution\""
    grep -q '<table class="rubric cards">' "$page" || bad="$bad
$p: the rubric is not a table of class rubric cards"
    if tr '\n' ' ' < "$page" | grep -o '<a href="[^"]*">[^<]*</a>' | grep -q '\.md'; then
        bad="$bad
$p: a link names a .md file: $(tr '\n' ' ' < "$page" | grep -o '<a href="[^"]*">[^<]*\.md[^<]*</a>' | head -n 1)"
    fi
done
if [ -z "$bad" ]; then
    ok "every guide page has a title that names its chapter and program, hint links that name chapters, a rubric for phones"
else
    not_ok "every guide page has a title that names its chapter and program, hint links that name chapters, a rubric for phones" "$bad"
fi
# ---- end of the instructor's site, EPUB and index checks -------------------

epubcheck_result student
epubcheck_result instructor

summary
