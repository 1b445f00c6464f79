#!/bin/sh
# bad-input.sh: bad input to the grader. Every case ends one of two ways,
# chosen for what a student (or an instructor running a batch) expects:
#   - refused: exit 2, nothing on stdout, one line on stderr saying what is
#     wrong, when there is nothing a compiler could sensibly be given;
#   - graded: exit 1 and a compile failure with the compiler's own message
#     (score 0), when the file is a C source the student can fix;
# and a few look odd but are fine, so they must grade normally (exit 0).
# Never a crash, a hang, or a sanitizer report: every case runs under a
# watchdog, and the refusals run with the ASan/UBSan build too
# (build/asan/ipcgrade, when it is there) and under Valgrind. Unreadable
# files are tried as a normal user (nobody), since root reads everything.
#
#   $ sh tests/hostile/bad-input.sh       (tests/hostile/run.sh runs it)
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

G=$PWD/bin/ipcgrade
ASAN=$PWD/build/asan/ipcgrade
VALGRIND=
command -v valgrind >/dev/null &&
    VALGRIND="valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
VG=
export IPCGRADE_ROOT=$PWD          # the ASan build lives in build/asan/
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bad-input.XXXXXX")
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/scratch"
chmod 1777 "$tmp/scratch"
export TMPDIR="$tmp/scratch"        # the grader's scratch folders, any user's
solution=exercises/keys/ipckey.c
[ -f solutions/keys/ipckey.c ] && solution=solutions/keys/ipckey.c
full=false                          # the solution scores full marks
[ "$solution" = solutions/keys/ipckey.c ] && full=true
graded_ok=1                         # what grading $solution exits with
$full && graded_ok=0

# run_grader [RUNNER...] -- EXERCISE DIR: grade under a watchdog; exit
# status in $rc, stdout in $tmp/out, stderr in $tmp/err.
run_grader() {
    runner=
    while [ "$1" != -- ]; do runner="$runner $1"; shift; done
    shift
    timeout -s KILL 120 $runner $VG "${GRADER:-$G}" grade "$1" "$2" --format json \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# refused NAME PHRASE [RUNNER...] -- EXERCISE DIR: exit 2, one line with
# PHRASE on stderr, nothing on stdout; with the ASan build and under
# Valgrind as well (their reports would be more lines, or exit 99).
refused() {
    name=$1 phrase=$2
    shift 2
    for mode in plain asan valgrind; do
        GRADER=$G VG= tag=
        case $mode in
        asan) GRADER=$ASAN tag=" (ASan)"; [ -x "$ASAN" ] || continue ;;
        valgrind) VG=$VALGRIND tag=" (Valgrind)"; [ -n "$VG" ] || continue ;;
        esac
        run_grader "$@"
        if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] &&
           grep -q -- "$phrase" "$tmp/err"; then
            ok "$name: refused, one line$tag"
        else
            not_ok "$name: refused, one line$tag" \
                "exit $rc (want 2), want \"$phrase\"; stderr: $(head -c 800 "$tmp/err")"
        fi
    done
    GRADER= VG=
}

# graded NAME STATUS JQ [RUNNER...] -- EXERCISE DIR: exit STATUS and JQ true.
graded() {
    name=$1 status=$2 filter=$3
    shift 3
    run_grader "$@"
    if [ "$rc" -ne "$status" ]; then
        not_ok "$name: graded (exit $status)" "exit $rc; stderr: $(head -c 800 "$tmp/err")"
        return
    fi
    jq_true "$name: graded (exit $status)" "$tmp/out" "$filter"
}

full_marks='.score == .max_score and .compiled'
$full || full_marks='.compiled'
# A compile failure with the compiler's message, naming the file as the
# student knows it (ipckey.c), not the grader's or the folder's path.
no_compile() {
    printf '.compiled == false and .score == 0 and (.compiler_output | test("%s")) and
            (.compiler_output | contains("%s") | not)' "$1" "$tmp"
}

mk() {          # mk DIR: a fresh submission folder holding the solution
    mkdir -p "$1"
    cp "$solution" "$1/ipckey.c"
}

echo "# refused: nothing to compile"
mk "$tmp/sub"
# An exercise that does not exist: a typo in the command.
refused "unknown exercise" 'no exercise "no-such"' -- no-such "$tmp/sub"
# No folder, an empty name, a file for a folder: a wrong path.
refused "missing folder" "No such file or directory" -- keys "$tmp/does-not-exist"
refused "empty folder name" "No such file or directory" -- keys ""
: >"$tmp/plainfile"
refused "a file instead of a folder" "not a folder" -- keys "$tmp/plainfile"
# A folder without ipckey.c (an empty one, or the wrong exercise's).
mkdir -p "$tmp/empty"
refused "empty folder" "exercise keys needs ipckey.c" -- keys "$tmp/empty"
# A binary: the compiled program, or a file saved as UTF-16, is not C; the
# compiler would print pages of "stray \\377" noise.
mkdir -p "$tmp/binary"
if [ -x build/ref/keys/ipckey ]; then
    cp build/ref/keys/ipckey "$tmp/binary/ipckey.c"
else
    head -c 4096 "$G" >"$tmp/binary/ipckey.c"
fi
refused "a binary file as source" "ipckey.c is not a C source file (it contains NUL bytes)" \
    -- keys "$tmp/binary"
# 50 MB of source: no exercise needs it, and the compiler could take minutes.
mk "$tmp/huge"
{ echo '/*'; head -c 52428800 /dev/zero | tr '\0' 'x'; echo '*/'; } >>"$tmp/huge/ipckey.c"
start=$(date +%s)
refused "a 50 MB source file" "ipckey.c is too large" -- keys "$tmp/huge"
check "a 50 MB source file: refused at once" [ $(( $(date +%s) - start )) -lt 30 ]
# Not a file: a folder, a FIFO (reading it would hang), a dangling link.
mkdir -p "$tmp/dirsrc/ipckey.c" "$tmp/fifo" "$tmp/dangling"
refused "ipckey.c is a folder" "not a regular file" -- keys "$tmp/dirsrc"
mkfifo "$tmp/fifo/ipckey.c"
refused "ipckey.c is a FIFO" "not a regular file" -- keys "$tmp/fifo"
ln -s "$tmp/dangling/nowhere.c" "$tmp/dangling/ipckey.c"
refused "ipckey.c is a dangling link" "No such file or directory" -- keys "$tmp/dangling"
# A link out of the submission: the grader would read a file the student
# did not hand in (a reference solution, a system file, another student's).
mkdir -p "$tmp/linkout" "$tmp/linkup" "$tmp/other"
ln -s /etc/hostname "$tmp/linkout/ipckey.c"
refused "a link to a system file" "ipckey.c is a link to a file outside the submission" \
    -- keys "$tmp/linkout"
cp "$solution" "$tmp/other/ipckey.c"
ln -s ../other/ipckey.c "$tmp/linkup/ipckey.c"
refused "a relative link out of the folder" \
    "ipckey.c is a link to a file outside the submission" -- keys "$tmp/linkup"

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
    echo "# refused: unreadable (as a normal user: root reads everything)"
    as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    # The graders, as nobody may run them (the clone may be in a 0700 folder).
    public_workbook "$tmp/public" "$G"
    G=$tmp/public/bin/ipcgrade
    if [ -x "$ASAN" ]; then
        cp "$ASAN" "$tmp/public/bin/ipcgrade-asan"
        chmod 755 "$tmp/public/bin/ipcgrade-asan"
        ASAN=$tmp/public/bin/ipcgrade-asan
    fi
    export IPCGRADE_ROOT=$tmp/public
    chmod 711 "$tmp"
    mk "$tmp/unreadable-file"
    chmod 000 "$tmp/unreadable-file/ipckey.c"
    refused "an unreadable source file" "Permission denied" $as_nobody -- keys \
        "$tmp/unreadable-file"
    mk "$tmp/unreadable-dir"
    chmod 000 "$tmp/unreadable-dir"
    refused "an unreadable folder" "Permission denied" $as_nobody -- keys "$tmp/unreadable-dir"
    chmod 755 "$tmp/unreadable-dir"
fi

echo "# graded: a C source that does not compile"
# An empty file is a C source with nothing in it yet: the linker's "no
# main" is the message a student can act on.
mkdir -p "$tmp/emptysrc"
: >"$tmp/emptysrc/ipckey.c"
graded "an empty ipckey.c" 1 "$(no_compile "undefined reference to .main")" -- keys \
    "$tmp/emptysrc"
# A folder whose name has a newline, quotes, a $ and a terminal escape:
# the compiler's messages name the file as ipckey.c, whatever the folder.
odd="$tmp/odd name $(printf '\033[31m') \$HOME 'q' \"dq\"
second line"
mkdir -p "$odd"
printf 'int main(void) { return missing(; }\n' >"$odd/ipckey.c"
graded "a compile error in a folder with a newline in its name" 1 \
    "$(no_compile 'ipckey.c:1:[0-9]+: error')" -- keys "$odd"

echo "# graded normally: odd but fine"
mk "$tmp/with spaces/keys dir"
graded "a folder name with spaces" "$graded_ok" "$full_marks" -- keys "$tmp/with spaces/keys dir"
cp "$solution" "$odd/ipckey.c"
graded "a folder name with a newline, quotes, \$ and an escape" "$graded_ok" \
    "$full_marks" -- keys "$odd"
jq -e --arg d "$odd" '.source_dir == $d' "$tmp/out" >/dev/null
check "the JSON names that folder exactly" [ $? -eq 0 ]
"$G" grade keys "$odd" --format text </dev/null >"$tmp/out.txt" 2>&1
check "the text report shows that folder on one line, without its escape" \
    sh -c "head -n 1 '$tmp/out.txt' | grep -q ')\$' && ! grep -q \"$(printf '\033')\" '$tmp/out.txt'"
mkdir -p "$tmp/linkin/src"
cp "$solution" "$tmp/linkin/src/main.c"
ln -s src/main.c "$tmp/linkin/ipckey.c"
graded "a link to a file inside the submission" "$graded_ok" "$full_marks" -- keys \
    "$tmp/linkin"
ln -s linkin "$tmp/linked-folder"
graded "the submission folder is itself a link" "$graded_ok" "$full_marks" -- keys \
    "$tmp/linked-folder"
mk "$tmp/latin1"
printf '/* r\351sum\351: Latin-1 bytes, no NUL */\n' >>"$tmp/latin1/ipckey.c"
graded "bytes that are not UTF-8 in a comment" "$graded_ok" "$full_marks" -- keys \
    "$tmp/latin1"
mk "$tmp/large"
{ echo 'static const char padding[] __attribute__((unused)) ='; i=0
  while [ $i -lt 12000 ]; do
      echo '    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"'
      i=$((i + 1))
  done; echo '    ;'; } >>"$tmp/large/ipckey.c"
graded "a large valid source ($(($(wc -c <"$tmp/large/ipckey.c") / 1024)) KiB)" \
    "$graded_ok" "$full_marks" -- keys "$tmp/large"

summary
