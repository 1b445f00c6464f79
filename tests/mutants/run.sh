#!/bin/sh
# run.sh: how strong is each suite? Classic-bug mutation testing.
#
# tests/mutants/mutate.awk makes every mutant of every reference solution
# (one classic bug each: an error check disabled, an error exit with status
# 0, IPC_EXCL dropped, a cleanup call dropped, ...; README.md lists the
# operators); each mutant is graded like a student's submission, and
# classified: killed (it scores less than full marks), survived (full
# marks: the suite does not see the bug), equivalent (listed in
# equivalent.txt after review: identical behaviour, an unreachable path, or
# a correct alternative no test may forbid), not compiling, or timed out
# (the grading did not end in time).
#
#   $ sh tests/mutants/run.sh                   every mutant of every exercise
#   $ sh tests/mutants/run.sh --ex keys,shmget  only these exercises
#   $ sh tests/mutants/run.sh --slice fast      the few mutants fast.txt names, which
#                                               the suites kill today (make check)
#   $ sh tests/mutants/run.sh --list            the mutants' ids, nothing graded
#   $ sh tests/mutants/run.sh --show ID         one mutant's diff
#
# Options: --jobs N (gradings at once, 2), --timeout S (per grading, 300),
# --keep DIR (keep the mutants and the gradings there), --from DIR (grade
# nothing: classify the gradings a --keep run left, with the lists as they
# are now), --results FILE (one tab-separated line per mutant: id, class,
# score, max, seconds, line, operator, failing tests). MUTANTS_EX,
# MUTANTS_SLICE, MUTANTS_JOBS and MUTANTS_TIMEOUT set the same from the
# environment (make mutants).
#
# It prints a table per exercise, then every survivor with its diff and the
# tests it passed. The check: a mutant that survives must be listed in
# equivalent.txt or survivors.txt (the known survivors, which the suites do
# not kill yet); a listed equivalent the suite kills, a grading that times
# out or fails, and a listed id that no longer exists are failures too. A
# known survivor that is now killed is reported, to be taken off the list.
# The last line is "N passed, N failed"; the exit status is 1 on a failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

here=tests/mutants
G=${IPCGRADE:-bin/ipcgrade}
ex_arg=${MUTANTS_EX:-}
slice=${MUTANTS_SLICE:-all}
jobs=${MUTANTS_JOBS:-2}
tmo=${MUTANTS_TIMEOUT:-300}
keep=
from=
results=
mode=grade
show_id=

die() {
    echo "run.sh: $*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --ex) [ $# -ge 2 ] || die "--ex needs a value"; ex_arg=$2; shift ;;
    --ex=*) ex_arg=${1#*=} ;;
    --slice) [ $# -ge 2 ] || die "--slice needs a value"; slice=$2; shift ;;
    --slice=*) slice=${1#*=} ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a value"; jobs=$2; shift ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs a value"; tmo=$2; shift ;;
    --keep) [ $# -ge 2 ] || die "--keep needs a folder"; keep=$2; shift ;;
    --results) [ $# -ge 2 ] || die "--results needs a file"; results=$2; shift ;;
    --from) [ $# -ge 2 ] || die "--from needs a folder"; from=$2; shift ;;
    --list) mode=list ;;
    --show) [ $# -ge 2 ] || die "--show needs a mutant id"; mode=show; show_id=$2; shift ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
    esac
    shift
done
case $slice in all|fast) ;; *) die "--slice is all or fast, not $slice" ;; esac
case $jobs in ''|*[!0-9]*|0) die "--jobs needs a positive number" ;; esac
case $tmo in ''|*[!0-9]*|0) die "--timeout needs a positive number of seconds" ;; esac
[ -d solutions ] || die "no solutions/ here: mutation testing needs the reference solutions"
[ -x "$G" ] || die "$G is not built: run make build first"
[ -d build/ref ] || echo "run.sh: build/ref/ is missing: every grading compiles the" \
    "reference programs again (make build makes them once)" >&2

# The exercises, in course order; --ex keeps those named (commas or spaces).
all_ex=$($G list | cut -f1)
if [ -n "$ex_arg" ]; then
    exercises=
    for ex in $(echo "$ex_arg" | tr ',' ' '); do
        echo "$all_ex" | grep -qx "$ex" || die "no exercise $ex (one of: $(echo $all_ex))"
        exercises="$exercises $ex"
    done
else
    exercises=$all_ex
fi

if [ -n "$from" ]; then
    [ -f "$from/graded" ] || die "--from $from: not a folder that --keep filled"
    work=$(cd "$from" && pwd)
elif [ -n "$keep" ]; then
    mkdir -p "$keep" || exit 2
    [ -z "$(ls -A "$keep")" ] || die "--keep $keep: the folder must be empty"
    work=$(cd "$keep" && pwd)
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/mutants.XXXXXX") || exit 2
    trap 'rm -rf "$work"' EXIT
    trap 'exit 130' INT TERM HUP PIPE
fi
chmod 711 "$work"       # as root the grader's programs run as another user

# ---- The mutants ----
if [ -z "$from" ]; then
: >"$work/manifest"
for ex in $exercises; do
    for src in solutions/"$ex"/*.c; do
        awk -v ex="$ex" -v file="$(basename "$src")" -v out="$work/$ex" \
            -f "$here/mutate.awk" "$src" >>"$work/manifest" || die "mutate.awk failed on $src"
    done
done
# Each mutant's folder is a whole submission: the other files unchanged.
while IFS='	' read -r dir id line op; do
    ex=${id%%/*}
    for src in solutions/"$ex"/*.c; do
        [ -e "$dir/src/$(basename "$src")" ] || cp "$src" "$dir/src/"
    done
done <"$work/manifest"
fi

# mutant_diff DIR: the mutant's change, as a unified diff against the solution.
mutant_diff() {
    id=$(cut -f1 "$1/meta")
    file=${id#*/}
    file=${file%%:*}
    diff -u --label "solutions/${id%%/*}/$file" --label "mutant" \
        "solutions/${id%%/*}/$file" "$1/src/$file"
}

case $mode in
list)
    cut -f2-4 "$work/manifest"
    exit 0 ;;
show)
    dir=$(awk -F '\t' -v id="$show_id" '$2 == id { print $1 }' "$work/manifest")
    [ -n "$dir" ] || die "no mutant $show_id (--list shows them)"
    mutant_diff "$dir"
    exit 0 ;;
esac

# The reviewed lists: "ID reason..." a line each; # starts a comment.
list_ids() {
    sed -e 's/#.*//' "$1" | awk 'NF { print $1 }'
}
list_ids "$here/equivalent.txt" | sort >"$work/equivalent"
list_ids "$here/survivors.txt" | sort >"$work/survivors"
list_ids "$here/fast.txt" | sort >"$work/fast"
cut -f2 "$work/manifest" | sort >"$work/ids"

if [ -z "$from" ]; then
# ---- Which mutants to grade ----
# fast: the mutants fast.txt names (those of the exercises asked for): a
# fixed sample of quick ones that today's suites kill.
if [ "$slice" = fast ]; then
    awk -F '\t' -v fastfile="$work/fast" '
        BEGIN { while ((getline e <fastfile) > 0) fast[e] = 1 }
        $2 in fast' "$work/manifest" >"$work/graded"
else
    cp "$work/manifest" "$work/graded"
fi
total=$(wc -l <"$work/graded")
echo "# grading $total mutants of:$(echo $exercises | sed 's/^/ /') ($jobs at a time)"

# ---- Grading, JOBS at a time ----
# Each grading runs under timeout(1): ipcgrade ends a stuck program itself,
# but nothing may hang this script. The result goes beside the mutant.
cut -f1 "$work/graded" |
    G=$G TMO=$tmo xargs -r -n 1 -P "$jobs" sh -c '
        d=$1
        ex=$(cut -f1 "$d/meta"); ex=${ex%%/*}
        start=$(date +%s)
        timeout -k 10 "$TMO" "$G" grade "$ex" "$d/src" --format json --jobs 1 \
            >"$d/result.json" 2>"$d/result.err"
        echo $? >"$d/rc"
        echo $(( $(date +%s) - start )) >"$d/seconds"
        printf "  graded %s (%ss)\n" "$(cut -f1 "$d/meta")" "$(cat "$d/seconds")" >&2
        exit 0' sh
else
    # --from: the gradings of an earlier --keep run, classified again with
    # the lists as they are now (the exercises are those it graded).
    exercises=$(cut -f2 "$work/graded" | cut -d/ -f1 | uniq | tr '\n' ' ')
    echo "# classifying the $(wc -l <"$work/graded") gradings kept in $work again"
fi

# ---- Classifying ----
# One line per mutant: ex id class score max seconds line op failing-tests dir
# (one jq per grading; the lists are applied afterwards, in awk).
while IFS='	' read -r dir id line op; do
    rc=$(cat "$dir/rc" 2>/dev/null || echo none)
    secs=$(cat "$dir/seconds" 2>/dev/null || echo 0)
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        verdict="timeout	-	-	-"
    else
        verdict=$(jq -r 'if (.score | type) != "number" then "error\t-\t-\t-" else
                ([.tests[] | select(.status != "passed") | .id] | join(",")) as $f |
                (if .compiled == false then "nocompile" elif .score < .max_score then
                 "killed" else "survived" end) + "\t\(.score)\t\(.max_score)\t" +
                (if $f == "" then "-" else $f end) end' "$dir/result.json" 2>/dev/null) ||
            verdict="error	-	-	-"
        [ -n "$verdict" ] || verdict="error	-	-	-"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${id%%/*}" "$id" "$verdict" "$secs" "$line" "$op" "$dir"
done <"$work/graded" |
    awk -F '\t' -v OFS='\t' -v eqfile="$work/equivalent" -v svfile="$work/survivors" '
        BEGIN {
            while ((getline e <eqfile) > 0) eq[e] = 1
            while ((getline e <svfile) > 0) sv[e] = 1
        }
        {   # in: ex id class score max failing secs line op dir
            c = $3
            if ($2 in eq) {
                if (c == "survived") c = "equivalent"
                else if (c == "killed") c = "equiv-killed"
            } else if ($2 in sv) {
                if (c == "survived") c = "known-survivor"
                else if (c == "killed") c = "now-killed"
            }
            print $1, $2, c, $4, $5, $7, $8, $9, $6, $10
        }' >"$work/classes"
[ -z "$results" ] || cut -f2-9 "$work/classes" >"$results"

# ---- The table ----
echo
printf '%-11s %7s %6s %8s %5s %6s %7s %7s\n' EXERCISE MUTANTS KILLED SURVIVED EQUIV NOCOMP TIMEOUT KILLED%
for ex in $exercises; do
    awk -F '\t' -v ex="$ex" '
        $1 == ex {
            n++
            if ($3 == "killed" || $3 == "now-killed") k++
            else if ($3 == "survived" || $3 == "known-survivor") s++
            else if ($3 == "equivalent" || $3 == "equiv-killed") e++
            else if ($3 == "nocompile") c++
            else t++
        }
        END {
            ratio = (k + s) ? sprintf("%.1f", 100 * k / (k + s)) : "-"
            printf "%-11s %7d %6d %8d %5d %6d %7d %7s\n", ex, n, k, s, e, c, t, ratio
        }' "$work/classes"
done
awk -F '\t' '
    { n++
      if ($3 == "killed" || $3 == "now-killed") k++
      else if ($3 == "survived" || $3 == "known-survivor") s++
      else if ($3 == "equivalent" || $3 == "equiv-killed") e++
      else if ($3 == "nocompile") c++
      else t++ }
    END {
        ratio = (k + s) ? sprintf("%.1f", 100 * k / (k + s)) : "-"
        printf "%-11s %7d %6d %8d %5d %6d %7d %7s\n", "all", n, k, s, e, c, t, ratio
    }' "$work/classes"
echo "(KILLED%: killed / (killed + survived); equivalent, not compiling and timed-out mutants are left out)"

# ---- Survivors, with their diff and the tests they passed ----
if grep -qE '	(survived|known-survivor)	' "$work/classes"; then
    echo
    echo "# survivors: full marks with the bug in"
    while IFS='	' read -r ex id class score max secs line op failing dir; do
        case $class in survived|known-survivor) ;; *) continue ;; esac
        echo
        note="not listed"
        [ "$class" = known-survivor ] && note="known: survivors.txt"
        echo "SURVIVED $id (line $line, $op; $note)"
        mutant_diff "$dir" | sed 's/^/    /'
        echo "    passed: $(jq -r '[.tests[] | .id] | join(" ")' "$dir/result.json")"
    done <"$work/classes"
fi

# ---- The check ----
echo
echo "# the check"
verbose=false
[ "$slice" = fast ] && verbose=true
quiet_ok() {
    if $verbose; then ok "$1"; else passed=$((passed + 1)); fi
}
while IFS='	' read -r ex id class score max secs line op failing dir; do
    case $class in
    killed) quiet_ok "$id is killed ($failing)" ;;
    now-killed)
        quiet_ok "$id is killed ($failing)"
        echo "note: $id is listed in survivors.txt but is killed now: take it off the list" ;;
    known-survivor) quiet_ok "$id survives (known: survivors.txt)" ;;
    equivalent) quiet_ok "$id survives (equivalent.txt)" ;;
    nocompile) quiet_ok "$id does not compile" ;;
    survived)
        not_ok "$id survives: full marks with the bug in (line $line, $op)" \
            "its diff and the tests it passed are under \"# survivors\" above" ;;
    equiv-killed)
        not_ok "$id is listed equivalent, but the suite kills it ($failing)" \
            "either it is not equivalent (take it off equivalent.txt) or a test over-specifies" ;;
    timeout) not_ok "$id: the grading did not end within $tmo s" ;;
    *) not_ok "$id: the grading failed (exit status $(cat "$dir/rc" 2>/dev/null))" \
           "$(head -c 600 "$dir/result.err" 2>/dev/null)" ;;
    esac
done <"$work/classes"

# Listed ids of the exercises graded here that no mutant has any more.
for list in equivalent survivors fast; do
    for ex in $exercises; do
        grep "^$ex/" "$work/$list" | while read -r id; do
            grep -qxF "$id" "$work/ids" || echo "$id"
        done
    done >"$work/stale.$list"
    while read -r id; do
        not_ok "$list.txt lists $id, which is no mutant any more" \
            "the solution or mutate.awk changed: review the entry again, then update or remove it"
    done <"$work/stale.$list"
done

summary
