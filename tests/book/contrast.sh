#!/bin/sh
# contrast.sh: the contrast of every code colour of the book's stylesheet.
#
# Usage:  sh tests/book/contrast.sh [STYLE.css]   (default chapters/book/style.css)
#
# style.css sets its colours as custom properties in a :root block, and
# again for dark mode in a :root block inside @media (prefers-color-scheme:
# dark).  For each mode (dark: the light values overridden by the dark
# block) this prints one line per pair
#     MODE FOREGROUND BACKGROUND RATIO ok|LOW
# for
#   - every --hl-* colour (highlighted code), --code-fg and --code-lineno
#     on --code-bg, and --code-fg on --inline-code-bg;
#   - --console-fg, --console-cmd and --console-status on --console-bg;
# the ratio being WCAG 2's (L1 + 0.05) / (L2 + 0.05) of the relative
# luminances, and "ok" when it is 4.5 or more (level AA for text).
# It also prints "LITERAL SELECTOR VALUE" for a code or transcript rule
# (a selector with "code span." or "pre.console") whose colour is not one
# of those properties, since that colour would escape the check, and
# "MISSING NAME MODE" for a property the pairs need that is not set.
# Exit status 1 if any line is LOW, LITERAL or MISSING, 2 on bad usage.

css=${1:-chapters/book/style.css}
[ -r "$css" ] || { echo "contrast.sh: cannot read $css" >&2; exit 2; }

# The whole file as one line, comments removed, then one token per line:
# "{", "}" or the text between them.
tr '\n' ' ' < "$css" |
    awk '{ while ((i = index($0, "/*")) > 0) {
               rest = substr($0, i + 2); j = index(rest, "*/")
               $0 = substr($0, 1, i - 1) (j > 0 ? substr(rest, j + 2) : "")
           }
           print }' |
    sed 's/[{}]/\n&\n/g' |
    awk '
    function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
    function hexval(h,    v, k, c) {
        v = 0
        for (k = 1; k <= length(h); k++) {
            c = index("0123456789abcdef", tolower(substr(h, k, 1))) - 1
            if (c < 0) return -1
            v = v * 16 + c
        }
        return v
    }
    # Relative luminance of #rgb or #rrggbb; -1 if it is not such a colour.
    function lum(col,    h, r, g, b) {
        if (col !~ /^#[0-9a-fA-F]+$/) return -1
        h = substr(col, 2)
        if (length(h) == 3) h = substr(h,1,1) substr(h,1,1) substr(h,2,1) substr(h,2,1) substr(h,3,1) substr(h,3,1)
        if (length(h) != 6) return -1
        r = lin(hexval(substr(h, 1, 2))); g = lin(hexval(substr(h, 3, 2))); b = lin(hexval(substr(h, 5, 2)))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    function lin(v) { v = v / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ^ 2.4 }

    # Parse: a stack of block preludes; declarations of :root blocks go to
    # light[] (no @media around) or dark[] (inside the dark media query).
    /^\{$/ { stack[++depth] = trim(prelude); prelude = ""; next }
    /^\}$/ {
        if (depth > 0) {
            sel = stack[depth]
            if (body != "") rule(sel, body)
            depth--
        }
        body = ""; prelude = ""; next
    }
    {
        if (depth > 0 && stack[depth] !~ /^@/) body = body $0
        else prelude = prelude $0
    }
    function in_dark(    k) {
        for (k = 1; k < depth; k++) if (stack[k] ~ /prefers-color-scheme: *dark/) return 1
        return 0
    }
    function in_media(    k) {
        for (k = 1; k < depth; k++) if (stack[k] ~ /^@media/) return 1
        return 0
    }
    function rule(sel, decls,    n, d, k, name, val, p) {
        n = split(decls, d, ";")
        for (k = 1; k <= n; k++) {
            p = index(d[k], ":")
            if (p == 0) continue
            name = trim(substr(d[k], 1, p - 1)); val = trim(substr(d[k], p + 1))
            if (sel == ":root" && name ~ /^--/) {
                if (in_dark()) dark[name] = val
                else if (!in_media()) light[name] = val
            }
            if ((sel ~ /code span\./ || sel ~ /pre\.console/) && (name == "color" || name == "background" || name == "background-color")) {
                if (val !~ /^var\(--(hl-|code-|console-)[a-z-]+\)$/ && val != "inherit" && val != "none")
                    printf "LITERAL %s %s\n", sel, val
            }
        }
    }
    function value(mode, name) {
        if (mode == "dark" && (name in dark)) return dark[name]
        return (name in light) ? light[name] : ""
    }
    function pair(mode, fg, bg,    a, b, la, lb, r) {
        a = value(mode, fg); b = value(mode, bg)
        if (a == "") { printf "MISSING %s %s\n", fg, mode; bad = 1; return }
        if (b == "") { printf "MISSING %s %s\n", bg, mode; bad = 1; return }
        la = lum(a); lb = lum(b)
        if (la < 0 || lb < 0) { printf "LITERAL %s=%s %s=%s (not #rgb or #rrggbb)\n", fg, a, bg, b; bad = 1; return }
        r = la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05)
        printf "%s %s %s %s %s %.2f %s\n", mode, fg, a, bg, b, r, (r >= 4.5 ? "ok" : "LOW")
    }
    END {
        if (length(dark) == 0) print "MISSING dark-mode :root block"
        for (m = 1; m <= 2; m++) {
            mode = (m == 1) ? "light" : "dark"
            for (name in light) if (name ~ /^--hl-/) pair(mode, name, "--code-bg")
            pair(mode, "--code-fg", "--code-bg")
            pair(mode, "--code-lineno", "--code-bg")
            pair(mode, "--code-fg", "--inline-code-bg")
            pair(mode, "--console-fg", "--console-bg")
            pair(mode, "--console-cmd", "--console-bg")
            pair(mode, "--console-status", "--console-bg")
        }
    }' > "${TMPDIR:-/tmp}/contrast.$$"
st=0
grep -q ' LOW$\|^LITERAL\|^MISSING' "${TMPDIR:-/tmp}/contrast.$$" && st=1
sort "${TMPDIR:-/tmp}/contrast.$$"
rm -f "${TMPDIR:-/tmp}/contrast.$$"
exit $st
