#!/bin/sh
# bench-ipc.sh: which IPC is fastest on this machine (chapter 10).
#
# First every transport of the benchmark goes through the driver of
# exercise `transport` (every byte of every message, in order, both ways,
# one way at a time and both at once): a transport that loses data is not
# measured. Then build/listings/10-choosing/ipcbench measures them all,
# with the limits of the machine: the table goes to stdout and to
# build/bench/ipc.txt, the chart to build/bench/ipc.svg. About 90 seconds.
# With --check, only the first part (make check runs it: a few seconds).
#
#   $ make bench            or    sh tests/bench-ipc.sh [--quick | --check]
set -u
cd "$(dirname "$0")/.." || exit 2
bench=chapters/listings/10-choosing
bin=build/listings/10-choosing/ipcbench
out=build/bench
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
if [ "${1:-}" = --check ]; then
    echo "$(echo $transports | wc -w) transports carried every byte"
    exit 0
fi
echo
"$bin" --svg "$out/ipc.svg" "$@" >"$out/ipc.txt"
rc=$?
cat "$out/ipc.txt"
echo
echo "The table is in $out/ipc.txt, the chart in $out/ipc.svg."
exit $rc
