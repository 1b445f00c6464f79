#!/bin/sh
# cross.sh: the workbook on aarch64 (issue 15: many students run Linux in a
# VM on Apple silicon). Runs `make cross`, which compiles every C file again
# with the aarch64 cross compiler and the workbook's flags into
# build/aarch64/, links what the x86_64 build links, and runs the grader's
# unit tests under qemu-user (natively on an aarch64 machine). Then checks:
#   - every C file of the workbook has its aarch64 object (tests/hostile/
#     aside: submissions the grader compiles to attack it, some of which
#     must never compile), and the programs are those of the x86_64 build;
#   - each unit test binary passed, and ran or skipped, saying why, as many
#     tests as the x86_64 one ran: none is dropped in silence.
# Ends with "N passed, N failed"; exits 1 on a failure.
#
#   $ sh tests/cross.sh           (make check runs it; grader/deps.sh --check
#                                  installs the cross compiler and qemu)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

out=$(mktemp -d "${TMPDIR:-/tmp}/ipc-cross.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT
x=build/aarch64
started=$(date +%s)

# The x86_64 build, to compare with (make check has built it already).
if ! make -s --no-print-directory build build/tests/unit-kernel build/tests/unit-process \
        build/tests/unit-report >"$out/build.log" 2>&1; then
    not_ok "the x86_64 build, to compare with" "$(tail -n 20 "$out/build.log")"
fi

if make -j2 --no-print-directory cross >"$out/cross.log" 2>&1; then
    ok "make cross builds everything for aarch64 and its unit tests pass"
else
    not_ok "make cross builds everything for aarch64 and its unit tests pass" \
        "$(grep -v '^aarch64-linux-gnu-gcc \|^gcc ' "$out/cross.log" | tail -n 30)"
fi

# ELF FILE: the machine of an ELF file (183 is EM_AARCH64), read with od:
# e_machine is the 16-bit word at offset 18, little-endian here.
machine() {
    od -An -t u2 -j 18 -N 2 "$1" 2>/dev/null | tr -d ' '
}

# Every C file, against what make cross compiles and what it made of it.
find . -name '*.c' ! -path './build/*' ! -path './dist/*' ! -path './.git/*' \
    ! -path './tests/hostile/*' | sed 's|^\./||' | sort >"$out/sources"
make --no-print-directory print-cross-sources | sort >"$out/listed"
unchanged "make cross lists every C file of the workbook ($(wc -l <"$out/sources") but tests/hostile/)" \
    "$out/sources" "$out/listed"
missing=""
for src in $(cat "$out/sources"); do
    obj=$x/obj/${src%.c}.o
    if [ ! -f "$obj" ] || [ "$(machine "$obj")" != 183 ]; then
        missing="$missing$src
"
    fi
done
compiled=$(find "$x/obj" -name '*.o' 2>/dev/null | wc -l)
if [ -z "$missing" ]; then
    ok "every C file compiled for aarch64: $compiled objects for $(wc -l <"$out/sources") files"
else
    not_ok "every C file compiled for aarch64: $compiled objects for $(wc -l <"$out/sources") files" \
        "no aarch64 object for:
$missing"
fi

# The programs: the x86_64 build's reference programs and listings, and the
# grader, its library and its unit tests, each again for aarch64.
(cd build && find ref listings -type f -perm -u+x 2>/dev/null) | sort >"$out/x86-programs"
(cd $x && find ref listings -type f -perm -u+x 2>/dev/null) | sort >"$out/arm-programs"
unchanged "the aarch64 build has the x86_64 build's $(wc -l <"$out/x86-programs") reference programs and listings" \
    "$out/x86-programs" "$out/arm-programs"
wrong=""
for f in bin/ipcgrade bin/libipcfault.so tests/unit-kernel tests/unit-process tests/unit-report \
        $(cat "$out/arm-programs"); do
    [ "$(machine "$x/$f")" = 183 ] || wrong="$wrong $f"
done
for f in $(cd exercises && ls ./*/*.c | sed 's|^\./||; s|\.c$||' | grep -v '^include/'); do
    [ "$(machine "$x/exercises/$f")" = 183 ] || wrong="$wrong exercises/$f"
done
if [ -z "$wrong" ]; then
    ok "the grader, its library, its unit tests, every program and skeleton are aarch64 programs"
else
    not_ok "the grader, its library, its unit tests, every program and skeleton are aarch64 programs" \
        "not an aarch64 program in $x:$wrong"
fi

# The unit tests: each binary's closing line, and as many tests run or
# skipped (with a reason) as on x86_64.
for u in unit-kernel unit-process unit-report; do
    name="$u passes on aarch64"
    # Check's closing line of this binary: the first after its "== " line.
    line=$(sed -n "\|^== $x/tests/$u |,\$p" "$out/cross.log" | grep -m 1 '^[0-9]*%: Checks:')
    skipped=$(sed -n "\|^== $x/tests/$u |,\$p" "$out/cross.log" | sed '1d; /^== /,$d' |
              grep -c '^SKIP [^:]*: ..*')
    native=$(build/tests/$u 2>&1 | grep -m 1 '^[0-9]*%: Checks:')
    ran=$(echo "$line" | sed -n 's/.*Checks: \([0-9]*\),.*/\1/p')
    want=$(echo "$native" | sed -n 's/.*Checks: \([0-9]*\),.*/\1/p')
    case $line in
    *"Failures: 0, Errors: 0") ;;
    *) not_ok "$name" "${line:-no closing line from $u (see make cross)}"; continue ;;
    esac
    if [ -n "$ran" ] && [ -n "$want" ] && [ $((ran + skipped)) -eq "$want" ]; then
        ok "$name: $ran checks, $skipped skipped with a reason (x86_64: $want)"
    else
        not_ok "$name: $ran checks, $skipped skipped with a reason (x86_64: ${want:-?})" \
            "$line"
    fi
done
sed -n 's/^SKIP /     skipped on aarch64: /p' "$out/cross.log" | sort -u | head -n 20

echo "== time: $(( $(date +%s) - started )) s"
summary
