#!/bin/sh
# bench.sh: how long grading takes. For each exercise, the wall time to grade
# its reference solution (Valgrind included), median of RUNS (default 5),
# in full mode and in container mode (one test at a time in the machine's
# IPC namespace: what a Docker container gets, grader/README.md); then the
# whole set, and a skeleton for comparison.
#
#   $ make bench            or    RUNS=9 sh tests/bench.sh
#   $ STUDENTS=20 sh tests/bench.sh class      (only the synthetic class)
set -u
cd "$(dirname "$0")/.." || exit 2
runs=${RUNS:-5}
part=${1:-all}
case $part in all|grading|class) ;; *) echo "usage: sh tests/bench.sh [all|grading|class]" >&2; exit 2 ;; esac

# median of the numbers on stdin
median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
                                        else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wall SECONDS of one command
wall() {
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$start $end" | awk '{ printf "%.3f\n", $2 - $1 }'
}

if [ "$part" != class ]; then
echo "Grading wall time, median of $runs runs, on $(nproc) cores ($(uname -r))"
# The figures mean little on a busy machine: say how busy it was.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-24s %10s %10s %10s %10s\n' exercise submission median min max container
total_list=""
for ex in $(bin/ipcgrade list | cut -f1); do
    for kind in solution skeleton; do
        dir=solutions/$ex
        [ "$kind" = skeleton ] && dir=exercises/$ex
        times=$(i=0; while [ $i -lt "$runs" ]; do wall bin/ipcgrade grade "$ex" "$dir"; i=$((i + 1)); done)
        container=""
        if [ "$kind" = solution ]; then
            container=$(i=0; while [ $i -lt "$runs" ]; do
                            wall env IPCGRADE_SANDBOX=container bin/ipcgrade grade "$ex" "$dir"
                            i=$((i + 1))
                        done | median)
        fi
        printf '%-10s %-24s %10s %10s %10s %10s\n' "$ex" "$dir" "$(echo "$times" | median)" \
            "$(echo "$times" | sort -n | head -1)" "$(echo "$times" | sort -n | tail -1)" \
            "$container"
    done
done
all() {
    for ex in $(bin/ipcgrade list | cut -f1); do bin/ipcgrade grade "$ex" "solutions/$ex"; done
}
times=$(i=0; while [ $i -lt "$runs" ]; do wall all; i=$((i + 1)); done)
printf '%-10s %-24s %10s\n' "all" "every solution" "$(echo "$times" | median)"
times=$(i=0; while [ $i -lt "$runs" ]; do wall bin/ipcgrade grade shmget solutions/shmget --jobs 1; i=$((i + 1)); done)
printf '%-10s %-24s %10s   (one test at a time, for the ratio)\n' "shmget" "--jobs 1" "$(echo "$times" | median)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
[ "$part" = grading ] && exit 0

# A synthetic class: STUDENTS (default 40) students x every exercise, a third
# correct, a third skeletons, a third seeded faulty variants.
students=${STUDENTS:-40}
class=$(mktemp -d "${TMPDIR:-/tmp}/bench-class.XXXXXX")
trap 'rm -rf "$class"' EXIT
sh tests/faulty/materialize.sh "$class/.faulty"
i=0
while [ $i -lt "$students" ]; do
    s=$class/student$i
    mkdir -p "$s"
    for ex in $(bin/ipcgrade list | cut -f1); do
        case $((i % 3)) in
        0) cp -r "solutions/$ex" "$s/$ex" ;;
        1) cp -r "exercises/$ex" "$s/$ex" ;;
        2) set -- "$class/.faulty/$ex"/*/
           shift $(( (i / 3) % $# ))
           cp -r "$1" "$s/$ex" ;;
        esac
    done
    i=$((i + 1))
done
pairs=$((students * $(bin/ipcgrade list | wc -l)))
echo
echo "Batch grading of $students students x $(bin/ipcgrade list | wc -l) exercises ($pairs submissions)"
for j in 1 2; do
    secs=$(wall bin/ipcgrade batch "$class" -o "$class/.out$j" --jobs "$j" --force)
    echo "$j $secs" >>"$class/.times"
    printf -- '-j%d  %8.1f s  %8.1f submissions per minute\n' "$j" "$secs" \
        "$(echo "$pairs $secs" | awk '{ print $1 / $2 * 60 }')"
done
awk 'NR == 1 { a = $2 } NR == 2 { printf "-j2 is %.2fx -j1\n", a / $2 }' "$class/.times"
