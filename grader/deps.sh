#!/bin/sh
# deps.sh: install the Debian packages the workbook needs, if any are missing.
# Run by `make` and `make check`; safe to run again (it does nothing when all
# are there). As root it installs with apt-get, with passwordless sudo it uses
# sudo; otherwise it prints the exact command to run and stops.
#
#   $ sh grader/deps.sh            # the packages to build, grade and test
#   $ sh grader/deps.sh --book     # those, and what the book's PDF and its
#                                  # tests need: TeX (xelatex), fonts,
#                                  # rsvg-convert, pdftotext, epubcheck
#                                  # (make book, make check)
#   $ sh grader/deps.sh --check    # --book's, clang with its libFuzzer
#                                  # runtime for tests/fuzz, Debian's docker.io
#                                  # and debootstrap (tests/container.sh, not
#                                  # in the student handout), and
#                                  # on amd64 the aarch64 cross compiler,
#                                  # qemu-user and Check for arm64 (make cross;
#                                  # make check)
#   $ sh grader/deps.sh --list     # print the first set and install nothing
#                                  # (tests/container.sh builds an image of it)
#   $ sh grader/deps.sh --vm       # the first set, qemu-system-x86 and
#                                  # busybox-static: tests/cgroup2-vm.sh boots
#                                  # Debian's kernel in a VM (make check-cgroup2)
set -eu

packages="gcc make libc6-dev pkg-config check valgrind pandoc jq libxml2-utils util-linux patch zip unzip"
# texlive-xetex brings texlive-latex-extra (fvextra); texlive-fonts-recommended
# has the Zapf Dingbats metrics hyperref asks for; lmodern and
# fonts-dejavu-core are the text and code fonts; epubcheck (Java) checks the
# EPUBs in tests/book/test-book.sh; manpages-dev has the man pages whose
# SYNOPSIS the quick reference's headers are checked against.
book_packages="texlive-xetex texlive-latex-recommended texlive-fonts-recommended lmodern fonts-dejavu-core librsvg2-bin poppler-utils epubcheck manpages-dev chromium"
check_packages="clang libclang-rt-14-dev"
# tests/container.sh (the full workbook's, not the student handout's) builds
# an image with debootstrap and runs it with Debian's Docker.
if [ -f "$(dirname "$0")/../tests/container.sh" ]; then
    check_packages="$check_packages docker.io debootstrap"
fi
# make cross (in make check) builds everything for aarch64 and runs the unit
# tests under qemu-user. Check for arm64 is Debian's own check:arm64: it is
# Multi-Arch: same, so it installs beside the amd64 one, and brings only the
# arm64 C library and libsubunit (dpkg must know the arm64 architecture:
# added below). On an arm64 machine the native compiler does it all.
cross_packages="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user check:arm64"
vm_packages="qemu-system-x86 busybox-static"

case ${1-} in
"") ;;
--book) packages="$packages $book_packages" ;;
--check) packages="$packages $book_packages $check_packages" ;;
--vm) packages="$packages $vm_packages" ;;
--list) echo "$packages"; exit 0 ;;
*) echo "usage: sh grader/deps.sh [--book|--check|--vm|--list]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: this is not a Debian-like system; make sure these are installed:" >&2
    echo "  $packages" >&2
    exit 0
fi

add_arm64=false
if [ "${1-}" = --check ] && [ "$(dpkg --print-architecture)" = amd64 ]; then
    packages="$packages $cross_packages"
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        add_arm64=true
    fi
fi

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "The workbook needs these Debian packages:$missing" >&2
    echo "Install them, then run make again:" >&2
    if $add_arm64; then
        echo "  sudo dpkg --add-architecture arm64 && sudo apt-get update && sudo apt-get install -y$missing" >&2
    else
        echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
    fi
    exit 1
fi

echo "deps: installing$missing"
if $add_arm64; then
    $sudo dpkg --add-architecture arm64
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
