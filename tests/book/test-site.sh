#!/bin/sh
# test-site.sh: the book's HTML site in headless Chromium (site-checks.sh
# says what is checked), on its own; tests/book/test-book.sh runs the same
# checks on both editions' sites.
#
# Usage:  sh tests/book/test-site.sh [SITE_DIR]     (default build/book/html,
#                                                  after make html or make book)
# The last line is "N passed, N failed"; the exit status is 1 on any failure.

set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/book/site-checks.sh

site=${1:-build/book/html}
[ -s "$site/index.html" ] || { echo "test-site.sh: no $site/index.html: run make html" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-site.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
site_checks "$site" "$tmp"
summary
