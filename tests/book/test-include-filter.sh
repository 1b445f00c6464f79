#!/bin/sh
# test-include-filter.sh: tests of chapters/book/include-code.lua and of
# chapters/book/fill-includes.sh, which writes what each block shows into it.
#
# Usage (from anywhere):  sh tests/book/test-include-filter.sh
#     UPDATE=1 sh tests/book/test-include-filter.sh   rewrites the golden
#     files (tests/book/fixtures/*.native); read the diff before committing.
#
# Each fixture tests/book/fixtures/NAME.md includes parts of fixtures/anchors.c
# (two anchors, "setup" in // form and "loop" in /* */ form).  The good ones
# are compared with their pandoc --to=native output in NAME.native; the bad
# ones must make pandoc fail with a one-line message naming the chapter file,
# the path and the anchor.  pandoc runs from the repo root, as in the build.
# fill-includes.sh runs on a small repo made in a temporary folder.
# The last line is "N passed, N failed"; the exit status is 1 on any failure.

set -u

here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
filter=chapters/book/include-code.lua
fx=tests/book/fixtures
PANDOC=${PANDOC:-pandoc}
. tests/lib.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-include-filter.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# render NAME FORMAT: pandoc with the filter; stdout to $tmp/NAME.FORMAT,
# stderr to $tmp/NAME.err, exit status in $status.
render() {
    status=0
    "$PANDOC" --fail-if-warnings --lua-filter="$filter" --from=markdown \
        --to="$2" "$fx/$1.md" > "$tmp/$1.$2" 2> "$tmp/$1.err" || status=$?
}

# golden NAME: renders to native and compares with fixtures/NAME.native.
golden() {
    render "$1" native
    if [ "$status" -ne 0 ]; then
        not_ok "$1: pandoc succeeds" "$(cat "$tmp/$1.err")"
        return
    fi
    ok "$1: pandoc succeeds"
    if [ "${UPDATE:-}" = 1 ]; then
        cp "$tmp/$1.native" "$fx/$1.native"
    fi
    if diff -u "$fx/$1.native" "$tmp/$1.native" > "$tmp/$1.diff" 2>&1; then
        ok "$1: output matches $fx/$1.native"
    else
        not_ok "$1: output matches $fx/$1.native" "$(cat "$tmp/$1.diff")"
    fi
}

# has NAME FORMAT TEXT DESCRIPTION: the output contains TEXT (fixed string).
has() {
    if grep -qF -- "$3" "$tmp/$1.$2"; then
        ok "$1: $4"
    else
        not_ok "$1: $4" "no '$3' in the $2 output"
    fi
}
lacks() {
    if grep -qF -- "$3" "$tmp/$1.$2"; then
        not_ok "$1: $4" "'$3' is in the $2 output: $(grep -F -- "$3" "$tmp/$1.$2" | head -3)"
    else
        ok "$1: $4"
    fi
}

# startfroms NAME EXPECTED: the startFrom values of the native output, in order.
startfroms() {
    got=$(grep -o '"startFrom" , "[0-9]*"' "$tmp/$1.native" | grep -o '[0-9][0-9]*' | tr '\n' ' ')
    if [ "$got" = "$2 " ]; then
        ok "$1: startFrom is $2"
    else
        not_ok "$1: startFrom is $2" "got: ${got:-none}"
    fi
}

# fails NAME TEXT...: pandoc exits non-zero, and one line of its stderr
# contains every TEXT (fixed strings).
fails() {
    name=$1
    shift
    render "$name" native
    if [ "$status" -eq 0 ]; then
        not_ok "$name: pandoc fails" "exit status 0, output: $(head -5 "$tmp/$name.native")"
        return
    fi
    ok "$name: pandoc fails (exit status $status)"
    grep -F 'include-code.lua: ' "$tmp/$name.err" | grep -v '^Error running filter' > "$tmp/$name.msg"
    lines=$(wc -l < "$tmp/$name.msg")
    msg=$(cat "$tmp/$name.msg")
    if [ "$lines" -ne 1 ]; then
        not_ok "$name: one-line message" "$(cat "$tmp/$name.err")"
        return
    fi
    for want in "$@"; do
        case $msg in
        *"$want"*) ;;
        *)
            not_ok "$name: message names $want" "message: $msg"
            return ;;
        esac
    done
    ok "$name: message: $msg"
}

command -v "$PANDOC" > /dev/null 2>&1 || { echo "no pandoc"; echo "0 passed, 1 failed"; exit 1; }

# ---- Good includes -------------------------------------------------------

golden whole
lacks whole native "ANCHOR" "every anchor marker line is stripped"
has whole native '#include <stdio.h>' "has the first lines of the file"
has whole native 'return 0;\n}"' "has the last line, without a trailing newline"

golden anchor
lacks anchor native "ANCHOR" "anchor marker lines are stripped"
has anchor native '"static int counter = 0;\n\nstatic void bump(int by)\n{\n    counter += by;\n}"' \
    "only the lines of anchor setup"
has anchor native '"lines 5\8211\&10"' "caption names the file lines"

golden anchor-numbered
startfroms anchor-numbered 16
has anchor-numbered native '"    for (int i = 0; i < 3; i++)\n        bump(i);"' \
    "the /* ANCHOR: loop */ form works"

golden lines
startfroms lines "13 16 19"
lacks lines native "ANCHOR" "markers inside a line range are stripped"

golden numbered-markers
startfroms numbered-markers "1 5 13 16 19"
lacks numbered-markers native "ANCHOR" "markers in a numbered whole file are stripped"

golden title
has title native 'Plain [ Str "The include line" ]' "title= replaces the caption"
has title native '"#include <stdio.h>"' "lines=\"2\" is one line"

render title html
if [ "$status" -eq 0 ]; then
    ok "title: HTML output"
    has title html '<span class="cmd">$ ./counter --bad</span>' "console commands are marked up in HTML"
    has title html '<span class="status"># exit status 2</span>' "exit status lines are marked up in HTML"
    lacks title html 'include=' "no include attribute is left in HTML"
else
    not_ok "title: HTML output" "$(cat "$tmp/title.err")"
fi

# ---- Listing numbers and BOOK_NUMBER_LINES --------------------------------

render 01-keys native
if [ "$status" -eq 0 ]; then
    ok "01-keys: pandoc succeeds"
    n=$(grep -c '"data-listing" , "1-1"' "$tmp/01-keys.native")
    if [ "$n" -eq 2 ]; then
        ok "01-keys: both includes of keydemo.c are Listing 1-1 (data-listing)"
    else
        not_ok "01-keys: both includes of keydemo.c are Listing 1-1 (data-listing)" "found $n"
    fi
    has 01-keys native 'Str "Listing" , Space , Str "1-1"' "the caption says Listing 1-1"
    lacks 01-keys native '"startFrom"' "listings are not numbered unless asked"
else
    not_ok "01-keys: pandoc succeeds" "$(cat "$tmp/01-keys.err")"
fi
status=0
BOOK_NUMBER_LINES=1 "$PANDOC" --fail-if-warnings --lua-filter="$filter" --from=markdown \
    --to=native "$fx/01-keys.md" > "$tmp/01-keys-n.native" 2> "$tmp/01-keys-n.err" || status=$?
if [ "$status" -eq 0 ] && grep -q '"startFrom" , "1"' "$tmp/01-keys-n.native" &&
    [ "$(grep -c 'numberLines' "$tmp/01-keys-n.native")" -eq 2 ]; then
    ok "BOOK_NUMBER_LINES=1 numbers every listing from its file line, not the console"
else
    not_ok "BOOK_NUMBER_LINES=1 numbers every listing from its file line, not the console" \
        "$(cat "$tmp/01-keys-n.err"; grep -n 'numberLines\|startFrom' "$tmp/01-keys-n.native")"
fi
render whole native
lacks whole native '"data-listing"' "a file outside chapters/listings/ has no listing number"

# ---- fill-includes.sh: the blocks carry their text ------------------------
# A small repo of its own (ROOT), so that program output can live where the
# build puts it (build/book/output/), with a chapter, a source file and a
# transcript.

fill=chapters/book/fill-includes.sh
R=$tmp/root
mkdir -p "$R/chapters/listings/99-demo" "$R/build/book/output/99-demo"
cp "$fx/anchors.c" "$R/chapters/listings/99-demo/anchors.c"
cp "$fx/session.txt" "$R/build/book/output/99-demo/session.txt"
cat > "$R/chapters/99-demo.md" <<'MD'
# Demo

```{.c include="chapters/listings/99-demo/anchors.c" anchor="setup"}
```

```{.console include="build/book/output/99-demo/session.txt"}
```

- In a list:

  ```{.c include="chapters/listings/99-demo/anchors.c" anchor="loop"}
  ```

An example of the syntax, which is not a block:

````markdown
```{.c include="no/such/file.c"}
```
````
MD
fill_run() {        # fill_run [--check]: fill-includes.sh on the demo chapter
    status=0
    ROOT=$R sh "$fill" "$@" "$R/chapters/99-demo.md" > "$tmp/fill.out" 2>&1 || status=$?
}
fill_run
# What the setup block must hold: the anchor's lines, no marker.
sed -n '/ANCHOR: setup/,/ANCHOR_END: setup/p' "$fx/anchors.c" | sed '1d;$d' > "$tmp/setup.want"
awk '/^```\{\.c include=.*anchor="setup"/ { on = 1; next } on && /^```$/ { exit } on { print }' \
    "$R/chapters/99-demo.md" > "$tmp/setup.got"
if [ "$status" -eq 0 ] && cmp -s "$tmp/setup.want" "$tmp/setup.got"; then
    ok "fill-includes.sh fills an empty block with its anchor's lines, markers left out"
else
    not_ok "fill-includes.sh fills an empty block with its anchor's lines, markers left out" \
        "status $status: $(cat "$tmp/fill.out"; diff "$tmp/setup.want" "$tmp/setup.got")"
fi
if grep -qxF '  ```{.c include="chapters/listings/99-demo/anchors.c" anchor="loop"}' "$R/chapters/99-demo.md" &&
    grep -qxF '      for (int i = 0; i < 3; i++)' "$R/chapters/99-demo.md" &&
    grep -qxF 'counter: bad option' "$R/chapters/99-demo.md"; then
    ok "fill-includes.sh fills a block in a list with its indentation, and a transcript"
else
    not_ok "fill-includes.sh fills a block in a list with its indentation, and a transcript" \
        "$(cat "$R/chapters/99-demo.md")"
fi
if grep -qxF '```{.c include="no/such/file.c"}' "$R/chapters/99-demo.md" &&
    [ "$(grep -c '^```$' "$R/chapters/99-demo.md")" -eq 3 ]; then
    ok "fill-includes.sh leaves an include written inside another code block alone"
else
    not_ok "fill-includes.sh leaves an include written inside another code block alone" \
        "$(cat "$R/chapters/99-demo.md")"
fi
cp "$R/chapters/99-demo.md" "$tmp/filled.md"
fill_run
if [ "$status" -eq 0 ] && cmp -s "$tmp/filled.md" "$R/chapters/99-demo.md" &&
    grep -q '0 block(s) refreshed' "$tmp/fill.out"; then
    ok "fill-includes.sh changes nothing the second time"
else
    not_ok "fill-includes.sh changes nothing the second time" "$(cat "$tmp/fill.out")"
fi
fill_run --check
if [ "$status" -eq 0 ]; then ok "--check passes when every block matches"
else not_ok "--check passes when every block matches" "$(cat "$tmp/fill.out")"; fi

# The build reads the file, never the block: a stale copy changes nothing.
"$PANDOC" --lua-filter="$filter" --from=markdown --to=native "$fx/whole.md" > "$tmp/empty.native"
{ sed -n '1,3p' "$fx/whole.md"; echo 'int stale;'; sed -n '4,$p' "$fx/whole.md"; } > "$tmp/stale.md"
"$PANDOC" --lua-filter="$filter" --from=markdown --to=native "$tmp/stale.md" > "$tmp/stale.native"
if cmp -s "$tmp/empty.native" "$tmp/stale.native"; then
    ok "the build shows the file whatever the block holds"
else
    not_ok "the build shows the file whatever the block holds" "$(diff "$tmp/empty.native" "$tmp/stale.native" | head)"
fi

# A change to the file: --check names the block and changes nothing.
sed -i 's/counter += by;/counter += 2 * by;/' "$R/chapters/listings/99-demo/anchors.c"
fill_run --check
if [ "$status" -eq 1 ] && cmp -s "$tmp/filled.md" "$R/chapters/99-demo.md" &&
    grep -q '^chapters/99-demo.md:3: the block of chapters/listings/99-demo/anchors.c (anchor setup) differs' "$tmp/fill.out"; then
    ok "--check fails on a block whose file changed, names it, and changes nothing"
else
    not_ok "--check fails on a block whose file changed, names it, and changes nothing" \
        "status $status: $(cat "$tmp/fill.out")"
fi
fill_run
if [ "$status" -eq 0 ] && grep -qxF '    counter += 2 * by;' "$R/chapters/99-demo.md"; then
    ok "fill-includes.sh brings the block up to date"
else
    not_ok "fill-includes.sh brings the block up to date" "$(cat "$tmp/fill.out")"
fi
cp "$R/chapters/99-demo.md" "$tmp/filled.md"

# Program output: what changes from run to run is not a difference; the rest is.
printf '%s\n' '$ ./counter' 3 '$ ./counter --bad' 'counter: bad option' '# exit status 2' \
    > "$R/build/book/output/99-demo/session.txt"
sed -i 's/^3$/key 0x4b1d0007, pid 4242, Sun Dec  7 10:11:12 2025/' "$R/build/book/output/99-demo/session.txt"
ROOT=$R sh "$fill" "$R/chapters/99-demo.md" > /dev/null 2>&1
sed -i 's/key 0x4b1d0007, pid 4242, Sun Dec  7 10:11:12 2025/key 0xa1b2c3d4, pid 17, Mon Jan 12 23:59:01 2026/' \
    "$R/build/book/output/99-demo/session.txt"
cp "$R/chapters/99-demo.md" "$tmp/filled.md"
fill_run --check
st1=$status
fill_run
if [ "$st1" -eq 0 ] && [ "$status" -eq 0 ] && cmp -s "$tmp/filled.md" "$R/chapters/99-demo.md"; then
    ok "a transcript whose keys, pids and times changed is up to date, and stays as it is"
else
    not_ok "a transcript whose keys, pids and times changed is up to date, and stays as it is" \
        "check $st1, fill $status: $(cat "$tmp/fill.out"; diff "$tmp/filled.md" "$R/chapters/99-demo.md")"
fi
sed -i 's/counter: bad option/counter: unknown option/' "$R/build/book/output/99-demo/session.txt"
fill_run --check
st1=$status
sed -i 's/counter: unknown option/counter: bad option/; s/# exit status 2/# exit status 1/' \
    "$R/build/book/output/99-demo/session.txt"
fill_run --check
if [ "$st1" -eq 1 ] && [ "$status" -eq 1 ]; then
    ok "a transcript with another word or another exit status is not up to date"
else
    not_ok "a transcript with another word or another exit status is not up to date" \
        "word: $st1, exit status: $status (want 1 and 1)"
fi
# A measured figure (a number with a fraction) is content, not noise.
printf '%s\n' '$ ./bench' 'pipe 0.21 GB/s' > "$R/build/book/output/99-demo/session.txt"
fill_run
printf '%s\n' '$ ./bench' 'pipe 0.36 GB/s' > "$R/build/book/output/99-demo/session.txt"
fill_run --check
if [ "$status" -eq 1 ]; then
    ok "a transcript whose measured figure changed (0.21 to 0.36) is not up to date"
else
    not_ok "a transcript whose measured figure changed (0.21 to 0.36) is not up to date" "$(cat "$tmp/fill.out")"
fi

# A body holding a fence gets a longer one, and pandoc still reads the chapter.
printf '%s\n' '$ cat notes.md' '```' 'code' '```' > "$R/build/book/output/99-demo/session.txt"
fill_run
if [ "$status" -eq 0 ] && grep -qxF '````{.console include="build/book/output/99-demo/session.txt"}' "$R/chapters/99-demo.md"; then
    fill_run --check
    if [ "$status" -eq 0 ]; then
        ok "a transcript that holds a fence gets a longer fence"
    else
        not_ok "a transcript that holds a fence gets a longer fence" "$(cat "$tmp/fill.out")"
    fi
else
    not_ok "a transcript that holds a fence gets a longer fence" "$(cat "$tmp/fill.out" "$R/chapters/99-demo.md")"
fi

# A missing file stops it, naming the file (exit status 2).
rm "$R/build/book/output/99-demo/session.txt"
fill_run --check
if [ "$status" -eq 2 ] && grep -q 'session.txt' "$tmp/fill.out"; then
    ok "a missing program output stops fill-includes.sh (exit status 2) and is named"
else
    not_ok "a missing program output stops fill-includes.sh (exit status 2) and is named" \
        "status $status: $(cat "$tmp/fill.out")"
fi

# ---- Includes that must fail the build -----------------------------------

fails missing-file "$fx/missing-file.md" '"tests/book/fixtures/no-such-file.c"' \
    "cannot open file: No such file or directory"
fails missing-anchor "$fx/missing-anchor.md" '"tests/book/fixtures/anchors.c"' \
    'anchor "nosuch"' "unknown anchor" "anchors there: setup, loop"
fails bad-range "$fx/bad-range.md" '"tests/book/fixtures/anchors.c"' 'bad lines="15-99"'

summary
