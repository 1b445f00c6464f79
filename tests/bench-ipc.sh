#!/bin/sh
# bench-ipc.sh: which IPC is fastest on this machine (chapter 10).
#
# First every transport of the benchmark goes through the driver of
# exercise `transport` (every byte of every message, in order, both ways,
# one way at a time and both at once): a transport that loses data is not
# measured. Then build/listings/10-choosing/ipcbench measures them all,
# with memcpy(), the spinning copy and the cache line to compare: the
# table goes to stdout and build/bench/ipc.txt, the figures to
# build/bench/ipc.dat, the chart to build/bench/ipc.svg, and the figures
# are set beside the recorded run the book shows. About 90 seconds.
#
#   $ make bench            or    sh tests/bench-ipc.sh [--quick]
#   $ sh tests/bench-ipc.sh --check     only the first part (make check runs
#                                       it: a few seconds)
#   $ sh tests/bench-ipc.sh --record    a new reference run for the book:
#       measured on a quiet machine, checked (ipcbench --record says what
#       must hold), and only then written to $reference with its machine
#       and date. Commit it; the book draws its tables and chart from it.
set -u
cd "$(dirname "$0")/.." || exit 2
bench=chapters/listings/10-choosing
bin=build/listings/10-choosing/ipcbench
reference=$bench/reference-run.dat
out=build/bench
mode=${1:-}
case $mode in ''|--quick|--check|--record) ;; *) echo "usage: sh tests/bench-ipc.sh [--quick | --check | --record]" >&2; exit 2 ;; esac
[ -x "$bin" ] || { echo "bench-ipc.sh: $bin is not built (make build)" >&2; exit 2; }
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-ipc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A private IPC namespace for the checks: nothing they make can stay.
if [ "$(id -u)" = 0 ]; then ns="unshare --ipc"; else ns="unshare --user --map-root-user --ipc"; fi
$ns true 2>/dev/null || ns=""

transports="pipe unix sysv_msg posix_mq shm_fast"
shm=""
if [ -f solutions/transport/shmtransport.c ]; then
    transports="$transports sysv_shm shm_poll"
    shm=solutions/transport/shmtransport.c
elif [ "$mode" = --record ]; then
    echo "bench-ipc.sh: --record needs solutions/transport/shmtransport.c (the book shows sysv-shm)" >&2
    exit 2
fi
echo "Every transport first moves messages through exercise transport's driver:"
status=0
for tp in $transports; do
    # shellcheck disable=SC2086 # $shm is one path or nothing
    if ! gcc -std=gnu11 -Wall -Wextra -Werror -O2 -Iexercises/include -I"$bench/bench" \
            -DTP_DRIVER_OPS="transport_$tp" -o "$tmp/check-$tp" \
            exercises/include/transport-driver.c "$bench"/bench/framing.c \
            "$bench"/bench/pipe.c "$bench"/bench/unixsock.c "$bench"/bench/sysvmsg.c \
            "$bench"/bench/posixmq.c "$bench"/bench/shmpoll.c "$bench"/bench/shmfast.c $shm 2>"$tmp/cc"; then
        echo "  $tp: does not compile:"; cat "$tmp/cc"; status=1; continue
    fi
    ok=true
    for run in "echo mixed 150" "stream mixed 150" "duplex mixed 150" "echo 8 5000"; do
        # shellcheck disable=SC2086 # $ns and $run are words
        if ! timeout 120 $ns "$tmp/check-$tp" $run >"$tmp/out" 2>&1; then
            echo "  $tp: FAILED: $run"; sed 's/^/    /' "$tmp/out"; ok=false; status=1
            break
        fi
    done
    $ok && echo "  $tp: every byte in order (echo, stream, duplex of mixed sizes; 5000 round trips)"
done
[ "$status" -eq 0 ] || { echo "bench-ipc.sh: a transport is broken: not measuring" >&2; exit 1; }
case $mode in
--check)
    echo "$(echo $transports | wc -w) transports carried every byte"
    exit 0 ;;
--record)
    echo
    echo "A reference run for the book: stop everything else on this machine while it runs."
    "$bin" --record "$reference" --svg "$out/ipc.svg"
    exit $? ;;
esac
echo
set --
[ "$mode" = --quick ] && set -- --quick
[ -f "$reference" ] && set -- "$@" --compare "$reference"
"$bin" --svg "$out/ipc.svg" --data "$out/ipc.dat" "$@" >"$out/ipc.txt"
rc=$?
cat "$out/ipc.txt"
echo
echo "The table is in $out/ipc.txt, the figures in $out/ipc.dat, the chart in $out/ipc.svg."

# For the workbook's developers only (a copy with solutions/, never the
# students' handout): the exercise's reference transport against the
# workbook's own goal for it.
if [ -n "$shm" ] && [ "$rc" -eq 0 ]; then
    awk '$1 == "memcpy_gbps" { m = $8 }
         $1 == "gbps" { g[$2] = $9 }
         END {
             best = 0
             for (t in g) if (t != "sysv-shm" && t != "shm-poll" && t != "shm-fast" && g[t] > best) best = g[t]
             pct = 100 * g["sysv-shm"] / m
             printf "\nDevelopers (solutions/transport): the reference sysv-shm at 1 MiB carried %.0f%% of\n", pct
             printf "memcpy() and %.1f times the best other mechanism; the goal is at least 50%%\n", g["sysv-shm"] / best
             printf "and ahead of every other mechanism: %s.\n", (pct >= 50 && g["sysv-shm"] > best) ? "reached" : "missed"
         }' "$out/ipc.dat"
fi
exit $rc
