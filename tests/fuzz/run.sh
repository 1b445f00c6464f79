#!/bin/sh
# run.sh: fuzz the grader's parsers with libFuzzer, SECONDS each (default 10):
#   fuzz_vgxml    Valgrind's XML files           grader/vgxml.c    vg_parse()
#   fuzz_sysvipc  /proc/sysvipc/{shm,msg,sem}    grader/ipcstate.c ipc_parse_text()
#   fuzz_options  the options of grade, batch    grader/options.c  *_args_parse()
# Each target is built with clang, ASan and UBSan into build/fuzz/ and starts
# from its seeds (tests/fuzz/corpus/{vgxml,sysvipc,options}/: real Valgrind
# XML, real /proc/sysvipc texts, real command lines) plus what earlier runs
# found (build/fuzz/corpus/TARGET/, which grows). Any crash, leak, timeout or
# out-of-memory fails the run; the input is kept in build/fuzz/ and the last
# line says how to run it again.
#
#   $ sh tests/fuzz/run.sh 10              (make check: a short run)
#   $ make fuzz FUZZ_SECONDS=300           (the long run; 300 s is the default)
set -u
cd "$(dirname "$0")/../.." || exit 2

seconds=${1:-10}
case $seconds in
''|*[!0-9]*) echo "usage: sh tests/fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac
out=build/fuzz
targets="fuzz_vgxml fuzz_sysvipc fuzz_options"
CC=${FUZZ_CC:-clang}
flags="-std=gnu11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer
       -fsanitize=address,undefined -fno-sanitize-recover=all
       -Igrader $(pkg-config --cflags check)"
mkdir -p "$out/obj" || exit 2

# newer FILE THAN...: FILE is missing or older than one of THAN.
newer() {
    target=$1
    shift
    [ -e "$target" ] || return 0
    for f in "$@"; do
        [ "$f" -nt "$target" ] && return 0
    done
    return 1
}

# The grader's objects each target links: only the parser it fuzzes and
# what that parser stands on (grader/layers.mk), nothing above it.
objects_of() {
    case $1 in
    fuzz_vgxml) echo "vgxml util" ;;
    fuzz_sysvipc) echo "ipcstate util" ;;
    fuzz_options) echo "options report exercise util" ;;
    esac
}

# Compile the grader files that the targets need, two at a time.
build_grader() {
    running=0
    for name in $(for t in $targets; do objects_of "$t"; done | tr ' ' '\n' | sort -u); do
        src=grader/$name.c
        obj=$out/obj/$name.o
        # shellcheck disable=SC2086
        if newer "$obj" "$src" grader/*.h exercises/include/*.h; then
            rm -f "$obj"
            $CC $flags -fsanitize=fuzzer-no-link -c -o "$obj" "$src" &
            running=$((running + 1))
            if [ "$running" -ge 2 ]; then wait; running=0; fi
        fi
    done
    wait
    for name in $(for t in $targets; do objects_of "$t"; done); do
        [ -s "$out/obj/$name.o" ] || return 1
    done
}

# build TARGET: link tests/fuzz/TARGET.c with its objects.
build() {
    objs=$(for name in $(objects_of "$1"); do printf '%s ' "$out/obj/$name.o"; done)
    # shellcheck disable=SC2086
    if newer "$out/$1" "tests/fuzz/$1.c" $objs; then
        $CC $flags -fsanitize=fuzzer -o "$out/$1" "tests/fuzz/$1.c" $objs || return 1
    fi
}

if ! command -v "$CC" >/dev/null; then
    echo "fuzz: $CC is not installed (Debian: apt-get install clang)" >&2
    exit 2
fi
build_grader || { echo "fuzz: building the grader with $CC failed" >&2; exit 2; }

status=0
for t in $targets; do
    build "$t" || { echo "fuzz: building $t failed" >&2; exit 2; }
    seeds=tests/fuzz/corpus/${t#fuzz_}
    mkdir -p "$out/corpus/$t"
    touch "$out/$t.start"          # what this run finds is newer
    # The first folder receives what the run finds; the seeds are only read.
    # -timeout: one input taking 10 s is a hang (the parsers take microseconds).
    "$out/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$out/$t-" \
        "$out/corpus/$t" "$seeds" >"$out/$t.log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log")
    found=$(find "$out" -maxdepth 1 -newer "$out/$t.start" \( -name "$t-crash-*" -o \
            -name "$t-leak-*" -o -name "$t-timeout-*" -o -name "$t-oom-*" \) | head -n 1)
    if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
        printf 'ok   %s: %s runs in %s s (%s/s), no crash\n' "$t" "${runs:-?}" "$seconds" \
            "${speed:-?}"
    else
        grep -m 1 -A 12 'ERROR: \|==ERROR\|runtime error\|deadly signal' "$out/$t.log" \
            | sed 's/^/     /'
        printf 'FAIL %s: %s (log: %s); reproduce: %s %s\n' "$t" \
            "$(basename "${found:-exit status $rc}" | sed 's/-[0-9a-f]*$//; s/^fuzz_[a-z]*-//')" \
            "$out/$t.log" "$out/$t" "${found:-}"
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "fuzzing: no crash in $targets"
exit "$status"
