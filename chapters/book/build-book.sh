#!/bin/sh
# build-book.sh: build the whole book, both editions, in every format.
#
# Usage (from anywhere; `make book` runs it after run-listings.sh):
#     sh chapters/book/build-book.sh [--formats html,pdf,epub]
#                                    [--editions student,instructor] OUTDIR
#
# Into OUTDIR (build/book):
#   html/                                     the student site (also `make html`)
#   ipc-workbook.pdf, ipc-workbook.epub       the student edition
#   instructor/html/                          the instructor's site
#   instructor/ipc-workbook-instructor.pdf    the instructor's edition: the
#   instructor/ipc-workbook-instructor.epub   student's, plus a guide page per
#                                             exercise (rubric, mistakes, hints,
#                                             reference solution)
#   rubric/   the grader's table of tests of every exercise (rubric.sh)
#   gen/      the generated guide pages and diffs (guide.sh)
#   log/      the LaTeX source and log of each PDF, each edition's build log
#
# Without a solutions/ folder (the students' handout) there is no
# instructor's edition: it is skipped with a note.  The two editions are
# built at the same time.  The sites' links are checked (check-links.sh).
# Exit status 1 if anything failed; the failing edition's log is printed.

set -eu

prog=build-book.sh
here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "${ROOT:-$here/../..}" && pwd)
die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}
usage() {
    die "usage: sh chapters/book/build-book.sh [--formats html,pdf,epub] [--editions student,instructor] OUTDIR"
}

formats=html,pdf,epub
editions=student,instructor
while [ $# -gt 1 ]; do
    case $1 in
    --formats) formats=$2; shift 2 ;;
    --editions) editions=$2; shift 2 ;;
    *) usage ;;
    esac
done
[ $# -eq 1 ] || usage
case $1 in -*) usage ;; esac     # --help, or an option without its value
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
case ,$formats, in *,html,*|*,pdf,*|*,epub,*) ;; *) usage ;; esac
for f in $(printf '%s' "$formats" | tr ',' ' '); do
    case $f in html|pdf|epub) ;; *) die "unknown format $f (html, pdf, epub)" ;; esac
done
for e in $(printf '%s' "$editions" | tr ',' ' '); do
    case $e in student|instructor) ;; *) die "unknown edition $e (student, instructor)" ;; esac
done
has() {         # has LIST ITEM
    case ,$1, in *,"$2",*) return 0 ;; *) return 1 ;; esac
}

cd "$ROOT"
mkdir -p "$OUT/log"
touch "$OUT/log"
start=$(date +%s)

guides=""
if has "$editions" instructor; then
    if [ -d solutions ]; then
        sh "$here/rubric.sh" "$OUT/rubric"
        sh "$here/guide.sh" "$OUT/rubric" "$OUT/gen/guide"
        guides=$(cat "$OUT/gen/guide/pages.txt")
    else
        printf '%s: no solutions/ folder, so no instructor'"'"'s edition\n' "$prog" >&2
        editions=student
    fi
fi

# edition NAME: every format of one edition, its log in OUT/log/NAME.log.
edition() {
    ed=$1
    if [ "$ed" = student ]; then
        site=$OUT/html
        doc=$OUT/ipc-workbook
        pages=""
    else
        site=$OUT/instructor/html
        doc=$OUT/instructor/ipc-workbook-instructor
        pages=$guides
    fi
    BOOK_EDITION=$ed
    export BOOK_EDITION
    if has "$formats" html; then
        # shellcheck disable=SC2086 # the guide pages have no spaces (build/book/gen/...)
        sh "$here/build-html.sh" "$site" $pages || return 1
    fi
    set --
    if has "$formats" pdf; then set -- "$@" --pdf "$doc.pdf"; fi
    if has "$formats" epub; then set -- "$@" --epub "$doc.epub"; fi
    if [ $# -gt 0 ]; then
        # shellcheck disable=SC2086
        KEEP_TEX=$OUT/log/$ed-tex sh "$here/build-doc.sh" "$@" $pages || return 1
    fi
    return 0
}

pids=""
for e in $(printf '%s' "$editions" | tr ',' ' '); do
    ( edition "$e" ) > "$OUT/log/$e.log" 2>&1 &
    pids="$pids $!:$e"
done
failed=""
for p in $pids; do
    if ! wait "${p%%:*}"; then
        failed="$failed ${p#*:}"
    fi
done
for e in $(printf '%s' "$editions" | tr ',' ' '); do
    case " $failed " in
    *" $e "*)
        printf '%s: the %s edition failed:\n' "$prog" "$e" >&2
        sed 's/^/  /' "$OUT/log/$e.log" >&2 ;;
    *)
        grep -v '^  *$' "$OUT/log/$e.log" | sed "s/^/[$e] /" >&2 ;;
    esac
done
[ -z "$failed" ] || exit 1
printf '%s: %s (%s) in %ss:\n' "$prog" "$(printf '%s' "$editions" | tr ',' ' ')" \
    "$formats" "$(($(date +%s) - start))"
for f in html/index.html ipc-workbook.pdf ipc-workbook.epub instructor/html/index.html \
        instructor/ipc-workbook-instructor.pdf instructor/ipc-workbook-instructor.epub; do
    if [ -f "$OUT/$f" ] && [ -n "$(find "$OUT/$f" -newer "$OUT/log" 2> /dev/null)" ]; then
        printf '  %s\n' "${OUT#"$ROOT"/}/$f"
    fi
done
