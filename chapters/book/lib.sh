# lib.sh: the first pass of the book build, shared by build-html.sh (the
# site) and build-doc.sh (PDF and EPUB).  Sourced, not run.
#
# Before sourcing, set: prog (the script's name, for messages), here (the
# directory of this file).  It sets ROOT, PANDOC, book, and cds into ROOT.
#
#   book_pass1 WORK [PAGE.md ...]
#       Reads every chapter, chapters/NN-*.md and chapters/NNx-*.md in name
#       order (NN two digits, x a lowercase letter), with
#       include-code.lua and anchors.lua (and edition.lua, which links a
#       chapter to its guide page) into WORK/N.raw.json; then makes
#       the quick reference from them (quickref.lua); then reads each extra
#       PAGE.md given (instructor's guide pages, made by guide.sh) with
#       include-code.lua and guide.lua.  Writes WORK/pages, one line per
#       page in book order: "N KIND NAME", KIND being chapter, appendix,
#       reference or guide, NAME the page's name (NAME.html on the site).
#       A chapter file whose heading has the class "appendix" ("# Title
#       {.appendix}") is an appendix: lettered A, B, ... in the book, and
#       only chapter files of appendices may follow it.  Every page must
#       start with its one level-1 heading; any pandoc warning, missing
#       include or bad page stops the build.
#
#       A chapter's number is the one its file name gives, not its place:
#       05-semaphores.md is chapter 5 wherever it comes, and a chapter put
#       between two others is named with a letter, 05a-counter.md, chapter
#       5a (its listings in chapters/listings/05a-counter/, "Listing 5a-1").
#       So a new chapter changes no other chapter's number, nor any
#       "chapter 6" or "Listing 6-1" the text and the listings say.  Two
#       chapters with the same number stop the build.

ROOT=$(cd "${ROOT:-$here/../..}" && pwd)
PANDOC=${PANDOC:-pandoc}
book=chapters/book
cd "$ROOT"
LC_ALL=C.UTF-8
export LC_ALL

die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}

# The same options for every pandoc run; warnings are errors.
pd() {
    "$PANDOC" --fail-if-warnings "$@"
}

# check_page FILE.md JSON: one level-1 heading, first.
check_page() {
    _h1=$(grep -o '{"t":"Header","c":\[1,' "$2" | wc -l)
    grep -q '"blocks":\[{"t":"Header","c":\[1,' "$2" ||
        die "$1: must start with its level-1 heading \"# Title\""
    [ "$_h1" -eq 1 ] ||
        die "$1: has $_h1 level-1 headings; a page has one (its title), sections are \"## \""
}

book_pass1() {
    _work=$1
    shift
    for _f in $book/include-code.lua $book/anchors.lua $book/quickref.lua $book/guide.lua \
            $book/edition.lua; do
        [ -f "$_f" ] || die "missing $_f under $ROOT"
    done
    : > "$_work/pages"
    # The guide pages say which chapter they belong to (guide-chapter: in
    # their YAML header): that chapter's exercise section links to them.
    : > "$_work/guides"
    for _md in "$@"; do
        _ch=$(sed -n '1,5s/^guide-chapter: *\([^ ]*\) *$/\1/p' "$_md")
        _t=$(sed -n 's/^# \(.*\)$/\1/p' "$_md" | head -n 1)
        _g=${_md##*/}
        [ -z "$_ch" ] || printf '%s %s %s\n' "$_ch" "${_g%.md}" "$_t" >> "$_work/guides"
    done
    _n=0
    _spec=""
    _numbers=" "
    for _md in chapters/[0-9][0-9]*-*.md; do
        [ -f "$_md" ] || die "no chapters/[0-9][0-9]-*.md under $ROOT"
        _name=${_md##*/}
        _name=${_name%.md}
        case $_name in
        [0-9][0-9]-*|[0-9][0-9][a-z]-*) ;;
        *) die "$_md: a chapter's file is named NN-name.md, or NNx-name.md (x a letter) to go between chapters NN and NN+1" ;;
        esac
        case $_numbers in
        *" ${_name%%-*} "*) die "$_md: another chapter has the number ${_name%%-*}" ;;
        esac
        _numbers="$_numbers${_name%%-*} "
        _n=$((_n + 1))
        _guide=$(awk -v c="$_name" '$1 == c { print $2; exit }' "$_work/guides")
        _gtitle=$(awk -v c="$_name" '$1 == c { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }' \
            "$_work/guides")
        BOOK_GUIDE=$_guide BOOK_GUIDE_TITLE=$_gtitle \
            pd --from=markdown --to=json --lua-filter=$book/include-code.lua \
            --lua-filter=$book/anchors.lua --lua-filter=$book/edition.lua \
            --output="$_work/$_n.raw.json" "$_md" ||
            die "$_md: pandoc failed (see above)"
        check_page "$_md" "$_work/$_n.raw.json"
        if grep -q '"blocks":\[{"t":"Header","c":\[1,\["[^"]*",\[[^]]*"appendix"' \
                "$_work/$_n.raw.json"; then
            _kind=appendix
        elif grep -q ' appendix ' "$_work/pages"; then
            die "$_md: a chapter after an appendix: number its file before the appendices, or give its heading {.appendix}"
        else
            _kind=chapter
        fi
        printf '%s %s %s\n' "$_n" "$_kind" "$_name" >> "$_work/pages"
        _spec="$_spec $_name=$_work/$_n.raw.json"
    done

    _n=$((_n + 1))
    : > "$_work/empty.md"
    QUICKREF_PAGES=$_spec pd --from=markdown --to=json --lua-filter=$book/quickref.lua \
        --output="$_work/$_n.raw.json" "$_work/empty.md" ||
        die "the quick reference: pandoc failed (see above)"
    printf '%s reference quick-reference\n' "$_n" >> "$_work/pages"

    for _md in "$@"; do
        _n=$((_n + 1))
        _name=${_md##*/}
        _name=${_name%.md}
        BOOK_PAGES=$_spec pd --from=markdown --to=json --lua-filter=$book/include-code.lua \
            --lua-filter=$book/guide.lua --output="$_work/$_n.raw.json" "$_md" ||
            die "$_md: pandoc failed (see above)"
        check_page "$_md" "$_work/$_n.raw.json"
        printf '%s guide %s\n' "$_n" "$_name" >> "$_work/pages"
    done
}
