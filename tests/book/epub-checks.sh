# epub-checks.sh: the EPUB's code on an e-reader's narrow screen.  Sourced
# by test-book.sh after tests/lib.sh and site-checks.sh (for chromium_dump):
#
#     epub_code_checks EDITION UNZIPPED_EPUB_DIR TMP_DIR
#
# runs ok/not_ok for:
#   - every code block and transcript of the EPUB is written one line per
#     span.cl, each with a hanging indent of its own indentation plus 4
#     characters (combine.lua), so that a line that wraps goes on to the
#     right of where it started;
#   - in Chromium, at 360 px (a phone or a small e-reader), where many
#     lines do wrap, no wrapped part of a line starts left of that line's
#     own first character (comments and arguments never fall to the left
#     margin).

epub_code_checks() {
    ed=$1
    dir=$2
    etmp=$3
    mkdir -p "$etmp"
    site_tmp=$etmp
    files=$(find "$dir" -name '*.xhtml' | LC_ALL=C sort)
    # Static: every <pre> is a wrapping one, its lines span.cl.
    bad=""
    lines=0
    for f in $files; do
        n=$(grep -c '<pre' "$f")
        w=$(grep -o '<pre class="[^"]*wrap"' "$f" | wc -l)
        [ "$n" -eq "$w" ] || bad="$bad
${f#"$dir"/}: $w of $n <pre> blocks written to wrap"
        lines=$((lines + $(grep -o '<span class="cl" style="padding-left: [0-9.]*em; text-indent: -[0-9.]*em">' "$f" | wc -l)))
        # A newline between two line blocks would show as an empty line.
        awk -v f="${f#"$dir"/}" 'prev ~ /<\/span>$/ && /^<span class="cl"/ { print f ": a newline between two lines of code"; exit }
             { prev = $0 }' "$f" > "$etmp/nl"
        [ ! -s "$etmp/nl" ] || bad="$bad
$(cat "$etmp/nl")"
    done
    if [ -z "$bad" ] && [ "$lines" -gt 1000 ]; then
        ok "$ed EPUB: every line of code ($lines) has its hanging indent"
    else
        not_ok "$ed EPUB: every line of code has its hanging indent" "$lines lines$bad"
    fi
    if ! command -v "$CHROMIUM" > /dev/null 2>&1; then
        not_ok "$ed EPUB: wrapped code in a browser" "chromium is not installed: sh grader/deps.sh --book"
        return
    fi
    list=""
    for f in $files; do
        grep -q '<pre' "$f" && list="$list\"file://$f\","
    done
    cat > "$etmp/epub-harness.html" <<EOF
<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<pre id="out"></pre><iframe id="f" style="width:360px;height:640px;border:0"></iframe>
<script>
"use strict";
var files = [${list%,}];
var f = document.getElementById("f"), out = document.getElementById("out");
var wrapped = 0, bad = 0, total = 0;
function check() {
    var d = f.contentDocument;
    var probe = d.createElement("span");
    probe.textContent = "0000000000";
    var pre = d.querySelector("pre.wrap");
    pre.appendChild(probe);
    var cw = probe.getBoundingClientRect().width / 10;
    probe.remove();
    var spans = d.querySelectorAll("pre.wrap span.cl");
    for (var i = 0; i < spans.length; i++) {
        var s = spans[i];
        total++;
        var text = s.textContent;
        var indent = text.match(/^ */)[0].length;
        var box = s.closest("pre").getBoundingClientRect();
        var st = f.contentWindow.getComputedStyle(s.closest("pre"));
        var left0 = box.left + parseFloat(st.borderLeftWidth) + parseFloat(st.paddingLeft);
        var r = d.createRange();
        r.selectNodeContents(s);
        var rects = r.getClientRects();
        var lines = {};
        var top0 = Infinity;
        for (var k = 0; k < rects.length; k++) {
            if (rects[k].width === 0) continue;
            var t = Math.round(rects[k].top);
            if (!(t in lines) || rects[k].left < lines[t]) lines[t] = rects[k].left;
            if (t < top0) top0 = t;
        }
        var tops = Object.keys(lines);
        if (tops.length < 2) continue;
        wrapped++;
        for (var j = 0; j < tops.length; j++) {
            if (+tops[j] === top0) continue;
            var col = (lines[tops[j]] - left0) / cw;
            if (col < indent + 0.5) {
                bad++;
                if (bad <= 5) out.textContent += "LEFT " + f.src.replace(/.*\\//, "") + " col " + col.toFixed(1)
                    + " < " + indent + ": " + text.slice(0, 70) + "\\n";
            }
        }
    }
}
function next() {
    var file = files.shift();
    if (!file) { out.textContent += "WRAPPED " + wrapped + " " + bad + " " + total + "\\n"; return; }
    f.onload = function () { try { check(); } catch (e) { out.textContent += "ERROR " + e + "\\n"; } next(); };
    f.src = file;
}
next();
</script></body></html>
EOF
    chromium_dump "file://$etmp/epub-harness.html" --allow-file-access-from-files \
        --window-size=800,800 > "$etmp/epub-harness.out"
    res=$(sed -n '/<pre id="out">/,/<\/pre>/p' "$etmp/epub-harness.out" |
        sed 's/<pre id="out">//; s|</pre>.*||; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g')
    summary_line=$(printf '%s\n' "$res" | grep '^WRAPPED ')
    set -- $summary_line
    if [ "${1:-}" = WRAPPED ] && [ "$2" -ge 20 ] && [ "$3" -eq 0 ] && ! printf '%s\n' "$res" | grep -q '^ERROR'; then
        ok "$ed EPUB: at 360 px, $2 of $4 code lines wrap, none of them left of where the line starts"
    else
        not_ok "$ed EPUB: at 360 px, wrapped code lines go on right of where they start" \
            "$(printf '%s\n' "$res" | head -n 12)"
    fi
}
