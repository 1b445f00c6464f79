#!/bin/sh
# run-listings.sh: make the program output that the book shows.
#
# Usage (from anywhere):
#     sh chapters/book/run-listings.sh [CHAPTER...]
#
#   CHAPTER   a directory name under chapters/listings/, e.g. 01-keys;
#             default: every directory there.
#
# Environment (all optional):
#   ROOT          the repo root (default: two directories above this script)
#   LISTINGS_BIN  where the listing programs are built (default ROOT/build/listings)
#   OUTPUT_DIR    where the transcripts go (default ROOT/build/book/output)
#   RUN_TIMEOUT   seconds one .run script may take (default 60; 0: no limit)
#
# Before this, build the programs (the top-level Makefile does it):
#     cc ... -o build/listings/CH/PROG chapters/listings/CH/PROG.c
# A missing program, or one older than its .c file, is an error.
#
# Every chapters/listings/CH/NAME.run is a POSIX shell script.  It runs:
#   - in a private IPC namespace and mount namespace (unshare --ipc
#     --mount as root, otherwise unshare --user --map-root-user --ipc
#     --mount), with a fresh tmpfs on /dev/shm and, if the machine has
#     /dev/mqueue, a fresh mqueue file system there: it starts with no
#     queues, semaphores or shared memory, System V or POSIX, and what it
#     leaves behind disappears.  (POSIX shared memory and named
#     semaphores are files in /dev/shm, which an IPC namespace alone does
#     not make private.)  It may mount more file systems: they are its own;
#   - with a fresh, empty scratch directory as cwd, holding a symlink to
#     each program of build/listings/CH/ (so "./keydemo" works; so does
#     "keydemo", the directory is also first on PATH);
#   - with set -e, stdin from /dev/null, a clean environment (LC_ALL=C,
#     HOME=the scratch directory) plus LISTING_DIR (the absolute path of
#     chapters/listings/CH), LISTING_BIN (of build/listings/CH) and
#     BOOK_OUTPUT (of OUTPUT_DIR/CH: a script may leave a picture there,
#     NAME.svg, which a chapter shows as ![...](images/NAME.svg); the
#     pictures of CH are removed before its scripts run).
# Its standard output becomes ROOT/build/book/output/CH/NAME.txt, which
# a chapter shows with
#     ```{.console include="build/book/output/CH/NAME.txt"}
#     ```
# Its standard error is not shown in the book (it is printed on failure).
#
# The script prints the commands itself, with these helpers:
#   run [-s N] CMD [ARG...]
#       prints "$ CMD ARG..." (arguments quoted as a shell would need),
#       runs it with stderr joined to stdout, then prints
#       "# exit status S" if S is not 0.  S must be N (default 0): a
#       command that fails when the book says it succeeds, or the other
#       way round, fails the build.
#   run_sh [-s N] 'SHELL COMMAND LINE'
#       the same for a whole command line (pipes, &, ;, redirections),
#       which is printed as written and run with eval.
#   Anything else the script prints goes into the book as it is: send
#   setup commands' output to /dev/null.
#   wait PID... is the shell's wait, but it never shows "Terminated" for a
#   job a signal ended (dash shows it or not depending on timing).
#
# Example chapters/listings/01-keys/keydemo.run:
#     run ./keydemo /etc/passwd 65
#     run -s 1 ./keydemo /no/such/file 65
#     run_sh 'ipcs -q | wc -l'
#
# A .run script that exits non-zero, fails a command outside the helpers,
# runs longer than RUN_TIMEOUT, or gets an exit status it did not expect
# fails the whole run (exit status 1, after trying the others); its old
# NAME.txt is removed, so the book cannot be built with stale output.

set -eu

prog=run-listings.sh
here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "${ROOT:-$here/../..}" && pwd)
LISTINGS_BIN=${LISTINGS_BIN:-$ROOT/build/listings}
OUTPUT_DIR=${OUTPUT_DIR:-$ROOT/build/book/output}
RUN_TIMEOUT=${RUN_TIMEOUT:-60}
src_top=$ROOT/chapters/listings

die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}

case $LISTINGS_BIN in /*) ;; *) LISTINGS_BIN=$(pwd)/$LISTINGS_BIN ;; esac
case $OUTPUT_DIR in /*) ;; *) OUTPUT_DIR=$(pwd)/$OUTPUT_DIR ;; esac
case $RUN_TIMEOUT in ''|*[!0-9]*) die "RUN_TIMEOUT must be a number of seconds" ;; esac

if [ ! -d "$src_top" ]; then
    [ $# -eq 0 ] || die "no directory $src_top"
    printf '%s: no chapters/listings/ directory, nothing to run\n' "$prog" >&2
    exit 0
fi

if [ "$(id -u)" = 0 ]; then
    ns="unshare --ipc --mount --propagation private"
else
    ns="unshare --user --map-root-user --ipc --mount --propagation private"
fi
if ! err=$($ns mount -t tmpfs run-listings /dev/shm 2>&1); then
    die "cannot make a private IPC and mount namespace with '$ns': $err"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/run-listings.XXXXXX")
trap 'rm -rf "$work"' EXIT
job=""
trap 'if [ -n "$job" ]; then kill -9 "-$job" 2> /dev/null; fi; exit 130' INT TERM

# The helpers every .run script gets.
cat > "$work/prelude.sh" <<'PRELUDE'
# This shell has a mount namespace of its own: a private /dev/shm, and
# /dev/mqueue if there is one (it shows the queues of the IPC namespace
# that mounts it).
mount -t tmpfs -o mode=1777,size=64m run-listings /dev/shm
if [ -d /dev/mqueue ]; then
    mount -t mqueue run-listings /dev/mqueue
fi

_rl_quote() {
    case $1 in
    '' | *[!A-Za-z0-9_./=:,+@%-]*)
        printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *)
        printf '%s' "$1" ;;
    esac
}

_rl_status() {         # _rl_status WANTED GOT WHAT
    if [ "$2" -ne 0 ]; then
        printf '# exit status %d\n' "$2"
    fi
    if [ "$2" -ne "$1" ]; then
        printf '%s: "$ %s" exited with status %d, expected %d%s\n' \
            "$RUN_NAME" "$3" "$2" "$1" \
            "$( [ "$1" -eq 0 ] && printf ' (if the book should show that, write run -s %d ...)' "$2")" >&2
        exit 1
    fi
}

_rl_want() {
    case $1 in
    '' | *[!0-9]*)
        printf '%s: run -s needs an exit status number, not "%s"\n' "$RUN_NAME" "$1" >&2
        exit 1 ;;
    esac
}

run() {
    _rl_w=0
    if [ "${1-}" = "-s" ]; then
        _rl_want "${2-}"; _rl_w=$2; shift 2
    fi
    [ $# -gt 0 ] || { printf '%s: run: no command\n' "$RUN_NAME" >&2; exit 1; }
    _rl_line=""
    for _rl_a in "$@"; do
        _rl_line="$_rl_line${_rl_line:+ }$(_rl_quote "$_rl_a")"
    done
    printf '$ %s\n' "$_rl_line"
    _rl_s=0
    "$@" 2>&1 || _rl_s=$?
    _rl_status "$_rl_w" "$_rl_s" "$_rl_line"
}

# wait PID...: the shell's wait, once every PID has ended.  dash prints
# "Terminated" (or "Killed") for a job a signal ended only when the job
# dies while wait blocks, not when it was already dead: a race between
# "kill $!" and "wait $!" that would change the transcript from one run to
# the next.  Waiting until each process is a zombie (or gone) first makes
# it the same every time: no such line.
wait() {
    for _rl_p in "$@"; do
        case $_rl_p in *[!0-9]*) continue ;; esac
        while [ -r "/proc/$_rl_p/stat" ] &&
            [ "$(sed 's/^.*) \(.\).*$/\1/' "/proc/$_rl_p/stat" 2> /dev/null)" != Z ]; do
            sleep 0.01
        done
    done
    command wait "$@"
}

run_sh() {
    _rl_w=0
    if [ "${1-}" = "-s" ]; then
        _rl_want "${2-}"; _rl_w=$2; shift 2
    fi
    [ $# -eq 1 ] || { printf '%s: run_sh takes one command line in quotes\n' "$RUN_NAME" >&2; exit 1; }
    printf '$ %s\n' "$1"
    _rl_s=0
    eval "$1" 2>&1 || _rl_s=$?
    _rl_status "$_rl_w" "$_rl_s" "$1"
}
PRELUDE

if [ $# -eq 0 ]; then
    for d in "$src_top"/*/; do
        [ -d "$d" ] || continue
        d=${d%/}
        set -- "$@" "${d##*/}"
    done
fi

ran=0
failed=0
failed_names=""

for ch in "$@"; do
    ch=${ch%/}
    src=$src_top/$ch
    bin=$LISTINGS_BIN/$ch
    out=$OUTPUT_DIR/$ch
    [ -d "$src" ] || die "no listing directory chapters/listings/$ch"

    # The programs must be built, and not older than their source.
    for c in "$src"/*.c; do
        [ -f "$c" ] || continue
        p=${c##*/}
        p=${p%.c}
        if [ ! -x "$bin/$p" ]; then
            die "$bin/$p is not built (build the listings first, e.g. make)"
        fi
        if [ -n "$(find "$c" -newer "$bin/$p" 2>/dev/null)" ]; then
            die "$bin/$p is older than chapters/listings/$ch/$p.c (rebuild the listings first)"
        fi
    done

    mkdir -p "$out"
    rm -f "$out"/*.svg          # pictures are made again, or not shown
    # Transcripts of .run scripts that no longer exist would be stale.
    for t in "$out"/*.txt; do
        [ -f "$t" ] || continue
        n=${t##*/}
        [ -f "$src/${n%.txt}.run" ] || rm -f "$t"
    done

    for r in "$src"/*.run; do
        [ -f "$r" ] || continue
        name=${r##*/}
        name=${name%.run}
        label=$ch/$name.run
        ran=$((ran + 1))
        rm -f "$out/$name.txt"

        scratch=$work/scratch/$ch/$name
        mkdir -p "$scratch"
        if [ -d "$bin" ]; then
            for p in "$bin"/*; do
                if [ -f "$p" ] && [ -x "$p" ]; then
                    ln -s "$p" "$scratch/${p##*/}"
                fi
            done
        fi

        # env execs timeout(1) in the same process ($job), and timeout puts
        # itself and the script in a new process group: what is left of that
        # group afterwards is a background job the script did not wait for.
        status=0
        # shellcheck disable=SC2086 # $ns is a command with its options
        env -i -C "$scratch" \
            PATH="$bin:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" \
            HOME="$scratch" TMPDIR="$scratch" LC_ALL=C TZ=UTC TERM=dumb \
            LISTING_DIR="$src" LISTING_BIN="$bin" RUN_NAME="$label" BOOK_OUTPUT="$out" \
            timeout -k 5 "$RUN_TIMEOUT" $ns \
            sh -c 'set -e; . "$1"; _rl_script=$2; set --; . "$_rl_script"' \
            sh "$work/prelude.sh" "$r" \
            < /dev/null > "$work/out" 2> "$work/err" &
        job=$!
        wait "$job" || status=$?
        if kill -0 "-$job" 2> /dev/null; then
            kill -9 "-$job" 2> /dev/null || :
            printf '%s: left processes running (wait for the background jobs it starts)\n' \
                "$label" >> "$work/err"
            [ "$status" -ne 0 ] || status=1
        fi

        if [ "$status" -eq 0 ]; then
            mv "$work/out" "$out/$name.txt"
            printf '%s: %s -> %s\n' "$prog" "chapters/listings/$label" "${out#"$ROOT"/}/$name.txt" >&2
        else
            failed=$((failed + 1))
            failed_names="$failed_names $label"
            case $status in
            124 | 137) why="timed out after $RUN_TIMEOUT s (RUN_TIMEOUT)" ;;
            *) why="exit status $status" ;;
            esac
            {
                printf '%s: FAILED: chapters/listings/%s: %s\n' "$prog" "$label" "$why"
                if [ -s "$work/err" ]; then
                    printf -- '--- its stderr:\n'
                    cat "$work/err"
                fi
                printf -- '--- the last lines of its output:\n'
                tail -n 15 "$work/out"
                printf -- '---\n'
            } >&2
        fi
        rm -rf "$scratch"
    done
done

if [ "$failed" -ne 0 ]; then
    die "$failed of $ran .run script(s) failed:$failed_names"
fi
printf '%s: %d .run script(s) ran\n' "$prog" "$ran" >&2
