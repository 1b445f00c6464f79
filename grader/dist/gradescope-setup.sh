#!/bin/sh
# setup.sh for Gradescope: install the Debian/Ubuntu packages and build the
# grader (Gradescope runs it once, as root, when the autograder image is made).
# The workbook is then root's alone: in a container the grader cannot hide it
# from the students' programs with namespaces (it grades in container mode,
# grader/README.md), and they run as uids of their own.
set -eu
cd "${AUTOGRADER_ROOT:-/autograder}/source/workbook"
sh grader/deps.sh
make build
if [ "$(id -u)" -eq 0 ]; then
    chmod -R go-rwx "${AUTOGRADER_ROOT:-/autograder}/source"
fi
