#!/bin/sh
# setup.sh for Gradescope: install the Debian/Ubuntu packages and build the
# grader (Gradescope runs it once, as root, when the autograder image is made).
set -eu
cd "${AUTOGRADER_ROOT:-/autograder}/source/workbook"
sh grader/deps.sh
make build
