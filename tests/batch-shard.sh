#!/bin/sh
# batch-shard.sh: a class graded in shards (`ipcgrade batch --shard K/N`, a
# machine each) and merged (`ipcgrade merge`) gives what one batch gives.
#   - a small class (4 students, 2 real submissions each at most: keys and
#     msgget, solutions and skeletons) graded once, and as 3 shards merged:
#     grades.csv and report.html byte for byte equal, every pair's feedback
#     in the merged folder as its shard wrote it;
#   - the shards split the pairs: each pair in exactly one shard, about a
#     third each, the same pairs whatever order the folders were made in;
#   - bad --shard values, and merges of shards missing, given twice, of
#     another class or grader, or damaged, exit 2 with one line and write
#     nothing.
# Nothing of the report is of the run (no date, no duration), so the
# comparison excludes nothing.
#
#   $ sh tests/batch-shard.sh     (tests/run.sh runs it; bin/ipcgrade must be built)
#   $ IPCGRADE=build/asan/ipcgrade IPCGRADE_ROOT=$PWD sh tests/batch-shard.sh
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

G=${IPCGRADE:-bin/ipcgrade}
if [ ! -d solutions ]; then     # the student handout: no solutions to make a class of
    echo "skipped: no solutions/ here"
    summary
    exit
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/batch-shard.XXXXXX")
chmod 711 "$tmp"     # as root the programs run as another user, who passes through
trap 'rm -rf "$tmp"' EXIT

# The class: a name with a quote, a comma, spaces and a per cent sign too.
odd="o'neil, dave 100%"
class=$tmp/class
mkdir -p "$class/alice" "$class/bob" "$class/carol" "$class/$odd"
cp -r solutions/keys solutions/msgget "$class/alice/"
cp -r exercises/keys exercises/msgget "$class/bob/"
cp -r solutions/keys exercises/msgget "$class/carol/"
cp -r solutions/msgget "$class/$odd/"
npairs=$(( 4 * $($G list | wc -l) ))

echo "# one batch, and three shards merged"
$G batch "$class" -o "$tmp/one" -j 2 >"$tmp/one.log" 2>&1
check "the unsharded batch exits 0" [ $? -eq 0 ]
for k in 1 2 3; do
    $G batch "$class" -o "$tmp/s$k" -j 2 --shard "$k/3" >"$tmp/s$k.log" 2>&1
    check "shard $k/3 exits 0" [ $? -eq 0 ]
done
check "a shard writes shard.txt, not grades.csv or report.html" \
    sh -c "[ -s '$tmp/s2/shard.txt' ] && [ ! -e '$tmp/s2/grades.csv' ] && [ ! -e '$tmp/s2/report.html' ]"

# pairs FILE: the pairs a shard.txt lists, "STUDENT EXERCISE" a line.
pairs() { grep '^pair ' "$1" | cut -d' ' -f2,3; }
for k in 1 2 3; do pairs "$tmp/s$k/shard.txt"; done >"$tmp/all-pairs"
check "the shards list $npairs pairs in all, each once" \
    sh -c "[ \$(wc -l <'$tmp/all-pairs') -eq $npairs ] && [ \$(sort -u '$tmp/all-pairs' | wc -l) -eq $npairs ]"
counts=$(for k in 1 2 3; do pairs "$tmp/s$k/shard.txt" | wc -l; done | sort -n | tr '\n' ' ' | sed 's/ $//')
# shape MIN MID MAX: the largest shard has at most one pair more than the smallest.
balanced() { [ $(($3 - $1)) -le 1 ]; }
check "the shards are balanced ($counts pairs)" balanced $counts
# Each shard grades about a third of every exercise (not all of one exercise).
spread() {
    for k in 1 2 3; do
        _n=$(pairs "$tmp/s$k/shard.txt" | grep -c ' keys$')
        [ "$_n" -ge 1 ] && [ "$_n" -le 2 ] || return 1
    done
}
check "each shard has a part of every exercise's submissions" spread

$G merge "$tmp/s1" "$tmp/s2" "$tmp/s3" -o "$tmp/merged" >"$tmp/merge.log" 2>&1
check "merge exits 0" [ $? -eq 0 ]
unchanged "grades.csv of the merge is byte for byte one batch's" "$tmp/one/grades.csv" \
    "$tmp/merged/grades.csv"
unchanged "report.html of the merge is byte for byte one batch's" "$tmp/one/report.html" \
    "$tmp/merged/report.html"
check "the merged report.html is well-formed" xmllint --noout "$tmp/merged/report.html"
# What one grade gives alice's solutions (full marks) and bob's skeletons
# (less): the figures move as suites gain tests.
full() { $G grade "$1" "solutions/$1" --format json 2>/dev/null |
         jq -r 'if .score == .max_score then .score else "not-full-marks" end'; }
less() { $G grade "$1" "exercises/$1" --format json 2>/dev/null |
         jq -r 'if .score < .max_score then .score else "full-marks" end'; }
# A row: each exercise's score in course order (0 where the student has no
# folder for it), as grades.csv has its columns.
row() {
    for ex in $($G list | cut -f1); do
        case $ex in keys|msgget) printf '%s,' "$($1 "$ex")" ;; *) printf '0,' ;; esac
    done
}
row_alice=$(row full)
row_bob=$(row less)
check "grades.csv gives the solutions full marks and the skeletons less ($row_alice $row_bob)" \
    sh -c "grep -q '^\"alice\",$row_alice' '$tmp/merged/grades.csv' &&
           grep -q '^\"bob\",$row_bob' '$tmp/merged/grades.csv' && [ '$row_alice' != '$row_bob' ]"
# Every pair's files, as its shard wrote them; the summaries (scores and
# failed tests) as one batch wrote them too. Feedback in .json has each
# run's own durations, so those are compared with the shard's only.
lost=$(for k in 1 2 3; do
    pairs "$tmp/s$k/shard.txt" | while read -r st ex; do
        st=$(printf '%s' "$st" | sed 's/%20/ /g; s/%25/%/g')
        for x in summary json txt; do
            cmp -s "$tmp/s$k/$st/$ex.$x" "$tmp/merged/$st/$ex.$x" || echo "$st/$ex.$x"
        done
        cmp -s "$tmp/one/$st/$ex.summary" "$tmp/merged/$st/$ex.summary" ||
            echo "$st/$ex.summary differs from one batch's"
    done
done)
if [ -z "$lost" ]; then
    ok "the merge copies every pair's feedback as its shard wrote it"
else
    not_ok "the merge copies every pair's feedback as its shard wrote it" "$lost"
fi

echo "# the same pairs whatever the order of the folders"
# The same students, made in the opposite order (the OS lists them otherwise),
# with nothing submitted, which grades in no time.
class2=$tmp/class2
for st in "$odd" carol bob alice; do mkdir -p "$class2/$st"; done
$G batch "$class2" -o "$tmp/c2a" --shard 1/3 >/dev/null 2>&1
$G batch "$class2" -o "$tmp/c2b" --shard 1/3 >/dev/null 2>&1
pairs "$tmp/c2a/shard.txt" >"$tmp/c2a.pairs"
pairs "$tmp/c2b/shard.txt" >"$tmp/c2b.pairs"
pairs "$tmp/s1/shard.txt" >"$tmp/s1.pairs"
unchanged "the same shard twice gives the same pairs" "$tmp/c2a.pairs" "$tmp/c2b.pairs"
unchanged "the pairs do not depend on the order of the folders" "$tmp/s1.pairs" "$tmp/c2a.pairs"

echo "# bad input: exit 2, one line, nothing written"
# refused NAME PATTERN COMMAND...: exit 2, one line on stderr matching PATTERN.
refused() {
    _name=$1 _pattern=$2
    shift 2
    "$@" >/dev/null 2>"$tmp/err"
    _rc=$?
    if [ "$_rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$_pattern" "$tmp/err"; then
        ok "$_name"
    else
        not_ok "$_name" "exit $_rc, stderr: $(cat "$tmp/err")"
    fi
    [ -z "${SHOW:-}" ] || sed 's/^/     > /' "$tmp/err"
}
for bad in 0/3 4/3 1/0 x 1/2/3 "" /3 1/ +1/3 " 1/3" -1/3 "1/3 " 1.0/3 99999999999/3; do
    refused "--shard '$bad' is refused" "--shard needs K/N" $G batch "$class" -o "$tmp/bad" --shard "$bad"
done
refused "--shard without a value is refused" "--shard needs K/N" $G batch "$class" -o "$tmp/bad" --shard
check "a refused --shard writes nothing" [ ! -e "$tmp/bad" ]
refused "a shard into another shard's folder is refused" "holds shard 1/3 already" \
    $G batch "$class" -o "$tmp/s1" --shard 2/3
check "... and that folder keeps its shard.txt" grep -q '^shard 1 3$' "$tmp/s1/shard.txt"

M="$G merge"
refused "merge without -o" "merge needs" $M "$tmp/s1"
refused "merge without shards" "merge needs" $M -o "$tmp/bad"
refused "merge with an unknown option" "unknown option --frob" $M "$tmp/s1" -o "$tmp/bad" --frob
refused "a missing shard is named, with its pairs" "shard 2/3 is missing ([0-9]* pairs, e.g. " \
    $M "$tmp/s1" "$tmp/s3" -o "$tmp/bad"
refused "two missing shards are named" "shards 2/3, 3/3 are missing" $M "$tmp/s1" -o "$tmp/bad"
cp -r "$tmp/s1" "$tmp/s1-again"
refused "a shard given twice is refused" "are both shard 1/3" \
    $M "$tmp/s1" "$tmp/s1-again" "$tmp/s2" "$tmp/s3" -o "$tmp/bad"
$G batch "$class2" -o "$tmp/c2-2of2" --shard 2/2 >/dev/null 2>&1
refused "shards of different splits are refused" "is shard 2/2" \
    $M "$tmp/s1" "$tmp/c2-2of2" -o "$tmp/bad"
refused "a shard of the same students' other submissions is refused" "submissions differ" \
    $M "$tmp/c2a" "$tmp/s2" "$tmp/s3" -o "$tmp/bad"
mkdir -p "$tmp/class3/zed"
$G batch "$tmp/class3" -o "$tmp/c3" --shard 2/3 >/dev/null 2>&1
refused "a shard of other students is refused" "students differ" \
    $M "$tmp/s1" "$tmp/c3" "$tmp/s3" -o "$tmp/bad"

# damage DIR FILTER...: DIR, a copy of shard 2 whose shard.txt went through FILTER.
damage() {
    _dir=$tmp/$1
    shift
    rm -rf "$_dir"
    cp -r "$tmp/s2" "$_dir"
    "$@" <"$tmp/s2/shard.txt" >"$_dir/shard.txt"
}
damage other-grader sed 's/^exercise keys [0-9a-f]*$/exercise keys 0123456789abcdef/'
refused "a shard of a grader with other tests is refused" "other exercises than this grader's (keys differs)" \
    $M "$tmp/s1" "$tmp/other-grader" "$tmp/s3" -o "$tmp/bad"
damage cut sed '$d'
refused "a shard.txt cut short is refused" "shard.txt is damaged (.*cut short" \
    $M "$tmp/s1" "$tmp/cut" "$tmp/s3" -o "$tmp/bad"
damage garbled sed '5s/^exercise /exercize /'
refused "a garbled shard.txt is refused" "shard.txt is damaged (line 5" \
    $M "$tmp/s1" "$tmp/garbled" "$tmp/s3" -o "$tmp/bad"
damage dropped awk '/^pair / && !gone { gone = 1; next } { print }'
refused "a shard.txt that lost a pair is refused" "shard.txt is damaged" \
    $M "$tmp/s1" "$tmp/dropped" "$tmp/s3" -o "$tmp/bad"
damage moved awk '/^pair / && !moved { sub(/ shmget /, " shmat "); moved = 1 } { print }'
refused "a shard.txt that lists another shard's pair is refused" "not of 2" \
    $M "$tmp/s1" "$tmp/moved" "$tmp/s3" -o "$tmp/bad"
first=$(pairs "$tmp/s2/shard.txt" | head -n 1 | tr ' ' '/')
damage edited-json cat
printf ' ' >>"$tmp/edited-json/$first.json"
refused "a changed feedback file is refused, by name" "$first.json is damaged" \
    $M "$tmp/s1" "$tmp/edited-json" "$tmp/s3" -o "$tmp/bad"
damage lost-summary cat
rm "$tmp/lost-summary/$first.summary"
refused "a lost feedback file is refused, by name" "$first.summary is missing" \
    $M "$tmp/s1" "$tmp/lost-summary" "$tmp/s3" -o "$tmp/bad"
mkdir -p "$tmp/unfinished"
refused "a folder with no shard.txt is refused" "has no readable shard.txt" \
    $M "$tmp/s1" "$tmp/unfinished" "$tmp/s3" -o "$tmp/bad"
refused "a folder that does not exist is refused" "no such folder" \
    $M "$tmp/s1" "$tmp/nope" "$tmp/s3" -o "$tmp/bad"
check "a refused merge writes nothing" [ ! -e "$tmp/bad" ]

# A refused merge into a folder that holds an earlier merge leaves it alone.
cp "$tmp/merged/grades.csv" "$tmp/grades.before"
refused "a refused merge into an earlier merge's folder" "damaged" \
    $M "$tmp/s1" "$tmp/cut" "$tmp/s3" -o "$tmp/merged"
unchanged "... leaves its grades.csv as it was" "$tmp/grades.before" "$tmp/merged/grades.csv"

summary
