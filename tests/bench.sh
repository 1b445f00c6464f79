#!/bin/sh
# bench.sh: how long grading takes. For each exercise, the wall time to grade
# its reference solution (Valgrind included), median of RUNS (default 5);
# then the whole set, and a skeleton for comparison.
#
#   $ make bench            or    RUNS=9 sh tests/bench.sh
set -u
cd "$(dirname "$0")/.." || exit 2
runs=${RUNS:-5}

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

echo "Grading wall time, median of $runs runs, on $(nproc) cores ($(uname -r))"
printf '%-10s %-24s %10s %10s %10s\n' exercise submission median min max
total_list=""
for ex in $(bin/ipcgrade list | cut -f1); do
    for kind in solution skeleton; do
        dir=solutions/$ex
        [ "$kind" = skeleton ] && dir=exercises/$ex
        times=$(i=0; while [ $i -lt "$runs" ]; do wall bin/ipcgrade grade "$ex" "$dir"; i=$((i + 1)); done)
        printf '%-10s %-24s %10s %10s %10s\n' "$ex" "$dir" "$(echo "$times" | median)" \
            "$(echo "$times" | sort -n | head -1)" "$(echo "$times" | sort -n | tail -1)"
    done
done
all() {
    for ex in $(bin/ipcgrade list | cut -f1); do bin/ipcgrade grade "$ex" "solutions/$ex"; done
}
times=$(i=0; while [ $i -lt "$runs" ]; do wall all; i=$((i + 1)); done)
printf '%-10s %-24s %10s\n' "all" "every solution" "$(echo "$times" | median)"
times=$(i=0; while [ $i -lt "$runs" ]; do wall bin/ipcgrade grade shmget solutions/shmget --jobs 1; i=$((i + 1)); done)
printf '%-10s %-24s %10s   (one test at a time, for the ratio)\n' "shmget" "--jobs 1" "$(echo "$times" | median)"
