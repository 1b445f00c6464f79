#!/bin/sh
# fill-includes.sh: the text of every include block, in the chapters themselves.
#
# Usage (from anywhere):
#     sh chapters/book/fill-includes.sh [--check] [FILE.md ...]
#
#   FILE.md   default: every chapter, chapters/[0-9][0-9]*-*.md
#   --check   change nothing: name every block whose text differs from what
#             it shows, and exit with status 1 if one does (make check runs
#             this, in tests/book/test-book.sh)
#
# A chapter shows a listing or a transcript with a fenced block that names
# its file (include-code.lua says how):
#
#     ```{.c include="chapters/listings/05-semaphores/semdo.c" anchor="semdo"}
#     ...
#     ```
#
# The book is built from the file, never from the block: the file is the one
# source of truth.  The block carries a copy of what it shows, so that the
# Markdown reads well where it is shown as it is: a repository's web page,
# an editor.  This script writes those copies.  include-code.lua, run with
# INCLUDE_BODIES, says what each block of a chapter shows; each block whose
# text differs is given that text, and a chapter whose blocks are all up to
# date is not touched.  `make`, `make html` and `make book` run it right
# after run-listings.sh.
#
# Program output (build/book/output/CH/NAME.txt, which run-listings.sh
# makes) changes from one run to the next where it prints keys, ids,
# process ids, inode numbers and times.  So a transcript's copy is kept
# when it differs from the new output only there: its whole numbers
# (decimal, and hexadecimal with 0x; not a figure with a fraction, such
# as 8.83 GB/s), the names of days and months and the width of
# the spaces between columns are compared as placeholders, but every word,
# every command and every line must match, and "# exit status N" lines
# exactly.  The copy of any other file must match it exactly.
#
# Exit status: 0 (--check: every block matches), 1 (--check: some do not),
# 2 when a chapter cannot be read (pandoc or include-code.lua fails: a
# missing file or program output, a bad anchor; run-listings.sh first).

set -eu

prog=fill-includes.sh
here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "${ROOT:-$here/../..}" && pwd)
PANDOC=${PANDOC:-pandoc}

die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 2
}

check=false
if [ "${1:-}" = --check ]; then
    check=true
    shift
fi
case ${1:-} in -*) die "usage: sh chapters/book/fill-includes.sh [--check] [FILE.md ...]" ;; esac

# Paths are relative to the repo root, where the build runs pandoc; the
# files given are made absolute first.
files=""
for f in "$@"; do
    [ -f "$f" ] || die "no file $f"
    files="$files $(cd "$(dirname "$f")" && pwd)/${f##*/}"
done
cd "$ROOT"
if [ -z "$files" ]; then
    for f in chapters/[0-9][0-9]*-*.md; do
        [ -f "$f" ] && files="$files $ROOT/$f"
    done
fi
[ -n "$files" ] || die "no chapters/[0-9][0-9]*-*.md under $ROOT"
command -v "$PANDOC" > /dev/null 2>&1 || die "$PANDOC is not installed"

work=$(mktemp -d "${TMPDIR:-/tmp}/fill-includes.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

differ=0
changed=0
blocks=0
for md in $files; do
    rel=${md#"$ROOT"/}
    rm -rf "$work/b"
    mkdir "$work/b"
    : > "$work/b/index"
    if ! INCLUDE_BODIES=$work/b "$PANDOC" --from=markdown --to=native \
            --lua-filter="$here/include-code.lua" "$md" > /dev/null 2> "$work/err"; then
        cat "$work/err" >&2
        die "$rel: pandoc with include-code.lua failed (above)"
    fi

    # The blocks in the order pandoc met them; each fenced block whose
    # attributes have include= is the next one.  Other fenced blocks are
    # skipped whole, so that an example of the syntax inside one is not
    # taken for a block.  Writes the new text of the chapter to $work/out,
    # one "LINE<tab>PATH<tab>ANCHOR" per block that differs to $work/diff.
    status=0
    awk -v dir="$work/b" -v md="$rel" -v out="$work/out" -v diffs="$work/diff" '
        function fail(msg) { printf "%s: %s: %s\n", "fill-includes.sh", md, msg > "/dev/stderr"; bad = 1; exit 2 }
        # A transcript line with what changes from run to run as placeholders.
        # A number with a fraction (8.83 GB/s) is a measured figure and stays.
        function norm(s,    t, n) {
            if (s ~ /^# exit status [0-9]+$/)
                return s
            gsub(/0[xX][0-9a-fA-F]+/, "0x#", s)
            t = ""
            while (match(s, /[0-9]+(\.[0-9]+)?/)) {
                n = substr(s, RSTART, RLENGTH)
                t = t substr(s, 1, RSTART - 1) (index(n, ".") ? n : "#")
                s = substr(s, RSTART + RLENGTH)
            }
            s = t s
            gsub(/(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/, "Day", s)
            gsub(/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/, "Month", s)
            gsub(/[ \t]+/, " ", s)
            sub(/ $/, "", s)
            return s
        }
        # The longest run of character c at the start of any line of body b (n lines).
        function longest_run(c, b, n,    i, k, m) {
            m = 0
            for (i = 1; i <= n; i++) {
                k = 0
                while (substr(b[i], k + 1, 1) == c)
                    k++
                if (k > m)
                    m = k
            }
            return m
        }
        function attr(info, name,    s) {
            if (!match(info, name "=\"[^\"]*\""))
                return ""
            s = substr(info, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
            return s
        }
        function emit(s) { print s > out }
        BEGIN {
            FS = "\t"
            total = 0
            while ((getline line < (dir "/index")) > 0) {
                split(line, f, "\t")
                total++
                ipath[total] = f[2]; ianchor[total] = f[3]; ilines[total] = f[4]; ikind[total] = f[5]
            }
            n = 0
            state = "text"
        }
        state == "text" {
            if (match($0, /^ *(```+|~~~+)/)) {
                indent = $0; sub(/[`~].*$/, "", indent)
                rest = substr($0, length(indent) + 1)
                fch = substr(rest, 1, 1)
                flen = 0
                while (substr(rest, flen + 1, 1) == fch)
                    flen++
                info = substr(rest, flen + 1)
                if (info ~ /^ *\{[^}]*include=/) {
                    n++
                    if (n > total)
                        fail("line " NR ": more include blocks than pandoc found (" total ")")
                    p = attr(info, "include"); a = attr(info, "anchor"); l = attr(info, "lines")
                    if (p != ipath[n] || a != ianchor[n] || l != ilines[n])
                        fail("line " NR ": block " n " is include=\"" p "\" anchor=\"" a "\" for awk but \"" ipath[n] "\" \"" ianchor[n] "\" for pandoc")
                    state = "include"; open = NR; openinfo = info; nb = 0
                    split("", old); split("", new); split("", body)
                    next
                }
                state = "fence"
                emit($0)
                next
            }
            emit($0)
            next
        }
        # A closing fence: the same character, at least as many, nothing after.
        function closes(s,    t, k) {
            t = s
            sub(/^ */, "", t)
            k = 0
            while (substr(t, k + 1, 1) == fch)
                k++
            return k >= flen && substr(t, k + 1) ~ /^ *$/
        }
        state == "fence" {
            emit($0)
            if (closes($0))
                state = "text"
            next
        }
        state == "include" {
            if (!closes($0)) {
                s = $0
                if (substr(s, 1, length(indent)) == indent)
                    s = substr(s, length(indent) + 1)
                old[++nb] = s
                next
            }
            # The new text.
            nn = 0
            while ((getline line < (dir "/" n)) > 0)
                new[++nn] = line
            close(dir "/" n)
            same = (nb == nn)
            for (i = 1; same && i <= nn; i++)
                if (ikind[n] == "output" ? norm(old[i]) != norm(new[i]) : old[i] != new[i])
                    same = 0
            if (same) {
                keep = nb
                for (i = 1; i <= nb; i++) body[i] = old[i]
            } else {
                keep = nn
                for (i = 1; i <= nn; i++) body[i] = new[i]
                printf "%d\t%s\t%s\n", open, ipath[n], ianchor[n] > diffs
            }
            len = flen
            if (longest_run(fch, body, keep) >= len)
                len = longest_run(fch, body, keep) + 1
            fence = ""
            for (i = 0; i < len; i++) fence = fence fch
            emit(indent fence openinfo)
            for (i = 1; i <= keep; i++)
                emit(body[i] == "" ? "" : indent body[i])
            emit(indent fence)
            state = "text"
            next
        }
        END {
            if (bad)
                exit 2
            if (state != "text")
                fail("line " open ": a fenced block that never closes")
            if (n != total)
                fail(n " include blocks here, " total " for pandoc")
        }' "$md" || status=$?
    [ "$status" -eq 0 ] || exit 2
    touch "$work/diff"
    nblocks=$(wc -l < "$work/b/index")
    blocks=$((blocks + nblocks))
    if [ -s "$work/diff" ]; then
        differ=$((differ + $(wc -l < "$work/diff")))
        while IFS="$(printf '\t')" read -r line path anchor; do
            if $check; then
                printf '%s:%s: the block of %s%s differs from what it shows\n' \
                    "$rel" "$line" "$path" "${anchor:+ (anchor $anchor)}"
            else
                printf '%s: %s:%s: %s%s\n' "$prog" "$rel" "$line" "$path" "${anchor:+ (anchor $anchor)}" >&2
            fi
        done < "$work/diff"
        if ! $check && ! cmp -s "$work/out" "$md"; then
            cat "$work/out" > "$md"
            changed=$((changed + 1))
        fi
    fi
    rm -f "$work/diff" "$work/out"
done

nfiles=$(printf '%s\n' $files | wc -l)
if $check; then
    if [ "$differ" -gt 0 ]; then
        printf '%s: %d of %d block(s) differ from their file or program output: run sh chapters/book/fill-includes.sh (or make)\n' \
            "$prog" "$differ" "$blocks" >&2
        exit 1
    fi
    printf '%s: %d block(s) in %d file(s) show their file or program output\n' "$prog" "$blocks" "$nfiles" >&2
else
    printf '%s: %d block(s) in %d file(s); %d block(s) refreshed in %d file(s)\n' \
        "$prog" "$blocks" "$nfiles" "$differ" "$changed" >&2
fi
