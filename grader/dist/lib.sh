# lib.sh: what the packaging scripts share. Source it from the top folder.

# tracked_files PATH...: the files git tracks under PATH..., one a line.
# Files git does not track are left out of a package, so say which: a new
# exercise whose files were never `git add`ed would otherwise vanish from
# the handout or the Gradescope zip without a word.
tracked_files() {
    untracked=$(git ls-files --others --exclude-standard -- "$@")
    if [ -n "$untracked" ]; then
        echo "warning: these files are not in git, so they are left out (git add them to" \
             "include them):" >&2
        printf '%s\n' "$untracked" | sed 's/^/  /' >&2
    fi
    git ls-files -- "$@"
}
