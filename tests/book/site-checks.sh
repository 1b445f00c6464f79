# site-checks.sh: the book's HTML site as a reader sees it, in headless
# Chromium.  Sourced (by test-site.sh and test-book.sh), after tests/lib.sh:
#
#     site_checks SITE_DIR TMP_DIR
#
# runs ok/not_ok for:
#   - every page has the sidebar: every page of the book listed, the page
#     itself marked (static check of the HTML), and at 1280 px the sidebar
#     on screen beside the text, not over it (in the browser);
#   - at 1280 and 390 px no page scrolls sideways, and nothing in it scrolls
#     sideways but code blocks, transcripts and (at 390 px) pictures;
#   - at 390 px every picture's smallest text is 9 px or more (its SVG's
#     smallest font-size times its shown width over its width);
#   - the search box of the chapter 2 page, given SEM_UNDO, leads to a list
#     whose first result is a section of chapter 5 about SEM_UNDO;
#   - a transcript's copy button copies its commands, without prompts or
#     output, and a listing's copies its code;
#   - in dark mode (prefers-color-scheme: dark) the page and its code are
#     dark;
#   - the contrast of every code colour, light and dark, is 4.5:1 or more
#     (tests/book/contrast.sh, from style.css), and no page sets colours of
#     its own for code (pandoc's highlighting CSS);
#   - nothing is loaded from the network (check-links.sh does it too) and
#     every page works from file://: the browser runs with no network
#     access at all.
#
# Chromium runs headless with --no-sandbox (the tests may run as root),
# no GPU, no background networking, updates, sync or first-run tasks, and a
# fresh profile each time, in TMP_DIR.  Its one extra freedom,
# --allow-file-access-from-files, lets the test page (harness.html, written
# in TMP_DIR) read the pages it loads in an <iframe>; the site itself never
# needs it.  Results come back through --dump-dom: the test page writes one
# line per finding into its <pre id="out">.

CHROMIUM=${CHROMIUM:-chromium}

# chromium_dump URL [FLAG...]: the DOM of URL after its scripts ran.
chromium_dump() {
    _url=$1
    shift
    _prof=$(mktemp -d "$site_tmp/profile.XXXXXX")
    timeout 300 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$_prof" --hide-scrollbars \
        --disable-features=Translate,MediaRouter --no-proxy-server \
        --proxy-server='127.0.0.1:9' --proxy-bypass-list='<-loopback>' \
        "$@" --virtual-time-budget=60000 --dump-dom "$_url" 2> "$_prof.err"
    _st=$?
    rm -rf "$_prof"
    return $_st
}

site_checks() {
    site=$(cd "$1" && pwd)
    site_tmp=$2
    mkdir -p "$site_tmp"

    if ! command -v "$CHROMIUM" > /dev/null 2>&1; then
        not_ok "the site in a browser" \
            "chromium is not installed: sh grader/deps.sh --book (or apt-get install chromium)"
        return
    fi

    echo "# the site: sidebar, search, layout, colours (headless Chromium)"

    # The pages: the book's own, the search and about pages, and one
    # source-file page (they have the same frame).
    pages=$(cd "$site" && ls *.html | LC_ALL=C sort)
    src_page=$(cd "$site" && find src -name '*.c.html' 2> /dev/null | LC_ALL=C sort | head -n 1)
    book_pages=$(cd "$site" &&
        sed -n 's|.*<li><a href="\([^"]*\.html\)"><span class="sidebar-num">.*|\1|p' index.html |
        LC_ALL=C sort -u)

    # Static: every page has the sidebar with every page, itself marked.
    bad=""
    for p in $pages $src_page; do
        f=$site/$p
        grep -q '<nav id="sidebar" class="sidebar"' "$f" || { bad="$bad
$p: no sidebar"; continue; }
        for q in $book_pages; do
            grep -q "href=\"[./]*$q\"" "$f" || bad="$bad
$p: the sidebar has no link to $q"
        done
        case " $book_pages search.html about.html " in
        *" $p "*)
            grep -q "href=\"$p\" aria-current=\"page\"" "$f" || bad="$bad
$p: the sidebar does not mark it as the page being read" ;;
        esac
    done
    n=$(printf '%s\n' $book_pages | grep -c .)
    if [ -z "$bad" ] && [ "$n" -ge 12 ]; then
        ok "every page has the sidebar with all $n pages of the book, the page read marked"
    else
        not_ok "every page has the sidebar with all the pages of the book, the page read marked" \
            "$n pages in index.html's sidebar$bad"
    fi

    # Listings and figures: one number each, with its id; the text's
    # mentions are links; captions link to the file.
    chapters=$(cd "$site" && ls [0-9][0-9]-*.html | LC_ALL=C sort)
    # The chapters' HTML as one line (pandoc breaks lines inside elements).
    (cd "$site" && cat $chapters) | tr '\n' ' ' > "$site_tmp/chapters.html"
    (cd "$site" && cat $chapters) | grep -o '<div id="listing-[0-9A-Z]*-[0-9]*" class="listing" data-listing="[0-9A-Z]*-[0-9]*"' |
        sed 's/.*data-listing="\([^"]*\)"/\1/' > "$site_tmp/numbers"
    dup=$(sort "$site_tmp/numbers" | uniq -d | tr '\n' ' ')
    mismatch=$( (cd "$site" && cat $chapters) |
        grep -o '<div id="listing-[0-9A-Z]*-[0-9]*" class="listing" data-listing="[0-9A-Z]*-[0-9]*"' |
        awk -F'"' '{ if ($2 != "listing-" $6) print $2 " " $6 }')
    # A listing of code with no number: a caption naming a file, no "Listing".
    unnumbered=$( (cd "$site" && cat $chapters) | tr '\n' ' ' | sed 's/<div class="listing-title">/\n&/g' |
        grep '^<div class="listing-title">' | grep -v '^<div class="listing-title"> *<span class="listing-number">' |
        grep -v '^<div class="listing-title"> *Output of' | head -n 3 | cut -c1-160)
    n=$(wc -l < "$site_tmp/numbers")
    # Each number links to its own listing (a link to copy).
    selflinks=$(grep -o '<span class="listing-number"><a href="#listing-[0-9A-Z]*-[0-9]*">Listing [0-9A-Z]*-[0-9]*</a></span>' \
        "$site_tmp/chapters.html" | sed 's/.*href="#\([^"]*\)">Listing \([^<]*\)<.*/\1 \2/' |
        awk '$1 == "listing-" $2 { k++ } END { print k + 0 }')
    [ "$selflinks" -eq "$n" ] || unnumbered="$unnumbered (only $selflinks of $n numbers link to their listing)"
    if [ "$n" -ge 50 ] && [ -z "$dup" ] && [ -z "$mismatch" ] && [ -z "$unnumbered" ]; then
        ok "every listing of code has one number of its own and its id ($n listings)"
    else
        not_ok "every listing of code has one number of its own and its id" \
            "$n numbers; twice: $dup; id and number differ: $mismatch; no number: $unnumbered"
    fi
    # "Listing N-M" and "Figure N-M" outside a link, outside captions.
    # (Not in code: a file may name its own number in a comment.)
    loose=$(awk 'BEGIN { RS = "</pre>" } { sub(/<pre.*/, ""); printf "%s ", $0 }' "$site_tmp/chapters.html" |
        sed 's/<span class="listing-number">[^<]*<\/span>//g' |
        sed 's/<a [^>]*>[^<]*<\/a>//g; s/<span class="figure-number">[^<]*<\/span>//g' |
        grep -o '\(Listing\|Figure\) [0-9A-Z]*-[0-9]*' | sort | uniq -c | head -n 5)
    links=$(grep -o '<a href="[0-9a-z-]*\.html#listing-[0-9A-Z]*-[0-9]*">Listing [0-9A-Z]*-[0-9]*</a>' "$site_tmp/chapters.html" | wc -l)
    if [ -z "$loose" ] && [ "$links" -ge 50 ]; then
        ok "every \"Listing N-M\" the text names is a link to it ($links links)"
    else
        not_ok "every \"Listing N-M\" the text names is a link to it" "$links links; not linked: $loose"
    fi
    figs=$(sed 's/<figure/\n<figure/g' "$site_tmp/chapters.html" | grep -o '^<figure[^>]*>.*</figure>')
    nfigs=$(printf '%s\n' "$figs" | grep -c '<figure')
    badfig=$(printf '%s\n' "$figs" | grep -v '<figure class="figure" id="figure-[0-9A-Z]*-[0-9]*">.*<a class="figure-zoom" href="images/[^"]*"[^>]*><img src="images/[^"]*".*<span class="figure-number"><a href="#figure-[0-9A-Z]*-[0-9]*">Figure [0-9A-Z]*-[0-9]*\.</a></span>' | cut -c1-200)
    if [ "$nfigs" -ge 5 ] && [ -z "$badfig" ]; then
        ok "every picture has its number, its id and a link to itself full size ($nfigs pictures)"
    else
        not_ok "every picture has its number, its id and a link to itself full size" "$nfigs pictures; $badfig"
    fi
    nocap=0
    nsrc=0
    for href in $(grep -o '<a href="src/[^"#]*\.html[^"]*" class="listing-file">' "$site_tmp/chapters.html" |
            sed 's/<a href="\([^"#]*\).*/\1/' | sort -u); do
        nsrc=$((nsrc + 1))
        [ -s "$site/$href" ] && [ -s "$site/${href%.html}" ] || nocap=$((nocap + 1))
    done
    capless=$(grep -o '<div class="listing-title"> *\(<span class="listing-number">[^<]*</span> *\)\?\(Output of \)\?<code>[^<]*</code>' "$site_tmp/chapters.html" | head -n 3)
    if [ "$nsrc" -ge 40 ] && [ "$nocap" -eq 0 ] && [ -z "$capless" ]; then
        ok "every listing's caption links to its whole file, which is on the site ($nsrc files)"
    else
        not_ok "every listing's caption links to its whole file, which is on the site" \
            "$nsrc files, $nocap missing; captions without a link: $capless"
    fi
    # `write()`s: no letters glued to the end of inline code outside span.nobr.
    glued=$(sed 's/<span class="nobr">\(<a [^>]*>\)\?<code>[^<]*<\/code>\(<\/a>\)\?[^<]*<\/span>//g' "$site_tmp/chapters.html" |
        grep -o '.\{20\}</code>[a-z][a-z]*' | head -n 3)
    if [ -z "$glued" ]; then
        ok "inline code and the letters after it (write()s) stay on one line"
    else
        not_ok "inline code and the letters after it (write()s) stay on one line" "$glued"
    fi
    man=$(grep -o '<a href="https://man7.org/linux/man-pages/man[1-8]/[a-z_0-9.]*\.[1-8]\.html" class="man">' "$site_tmp/chapters.html" | wc -l)
    if [ "$man" -ge 20 ]; then
        ok "man pages named in the text link to their text ($man links)"
    else
        not_ok "man pages named in the text link to their text" "$man links"
    fi
    # The index of concepts has the terms a student looks up, each linked.
    missing=""
    for term in deadlock "critical section" semadj "race condition" ipcs ipcrm; do
        grep -q "<dt>$term</dt>" "$site/concepts.html" 2> /dev/null || missing="$missing, $term"
    done
    nlinks=$(tr '\n' ' ' < "$site/concepts.html" | sed 's|<dd>|\n&|g' | grep '^<dd>' |
        grep -o 'href="[0-9a-z-]*\.html#ix-' | wc -l)
    if [ -z "$missing" ] && [ "$nlinks" -ge 40 ]; then
        ok "the index of concepts has deadlock, critical section, semadj, race condition, ipcs, ipcrm ($nlinks links)"
    else
        not_ok "the index of concepts has deadlock, critical section, semadj, race condition, ipcs, ipcrm" \
            "missing:${missing#,}; $nlinks links"
    fi
    if grep -q 'CC BY-SA 4.0' "$site/about.html" 2> /dev/null && grep -q 'MIT' "$site/about.html" &&
        grep -q 'id="errata"' "$site/about.html" && grep -q '©' "$site/about.html" &&
        [ "$(grep -L 'href="\(\.\./\)*about.html">Licence, copyright and errata' "$site"/*.html | wc -l)" -eq 0 ]; then
        ok "about.html has the licence, the copyright and where to report errata; every page's footer links to it"
    else
        not_ok "about.html has the licence, the copyright and where to report errata; every page's footer links to it" \
            "$(grep -L 'about.html">Licence, copyright and errata' "$site"/*.html)"
    fi

    # Code colours: computed from style.css; none set by a page itself.
    if out=$(sh tests/book/contrast.sh "$site/style.css"); then
        ok "every code colour has a contrast of 4.5:1 or more, light and dark ($(echo "$out" | wc -l) pairs, lowest $(echo "$out" | awk '{ print $6 }' | sort -n | head -n 1):1)"
    else
        not_ok "every code colour has a contrast of 4.5:1 or more, light and dark" \
            "$(echo "$out" | grep -v ' ok$')"
    fi
    styled=$(grep -l 'code span\.[a-z][a-z] *{' "$site"/*.html 2> /dev/null)
    if [ -z "$styled" ]; then
        ok "no page colours its code itself (the stylesheet's colours are the ones checked)"
    else
        not_ok "no page colours its code itself (the stylesheet's colours are the ones checked)" "$styled"
    fi

    # The browser: one test page loads each page in an iframe, at 1280 and
    # at 390 px, and reports.
    list=""
    for p in $pages $src_page; do
        list="$list\"$p\","
    done
    cat > "$site_tmp/harness.html" <<EOF
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>site checks</title>
<style>body { margin: 0 } iframe { border: 0; height: 900px; display: block }</style>
</head><body>
<pre id="out"></pre>
<iframe id="f"></iframe>
<script>
"use strict";
var site = "file://$site/";
var pages = [${list%,}];
var widths = [1280, 390];
var out = document.getElementById("out");
var f = document.getElementById("f");
var jobs = [];
function say(s) { out.textContent += s + "\\n"; }
pages.forEach(function (p) { widths.forEach(function (w) { jobs.push({ page: p, width: w }); }); });

/* What scrolls sideways inside the page: allowed only for code blocks,
 * transcripts and (narrow screens) pictures. */
function scrollers(d, w) {
    var found = [];
    var all = d.querySelectorAll("body *");
    for (var i = 0; i < all.length; i++) {
        var el = all[i];
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        var ox = d.defaultView.getComputedStyle(el).overflowX;
        if (ox !== "auto" && ox !== "scroll") continue;
        if (el.matches("pre, .listing-runs")) continue;
        if (w < 600 && el.matches(".figure-box")) continue;
        found.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).replace(/ /g, ".") : "")
            + (el.id ? "#" + el.id : "") + " (" + el.scrollWidth + " > " + el.clientWidth + ")");
    }
    return found;
}

function check(job) {
    var d = f.contentDocument;
    var win = f.contentWindow;
    var html = d.documentElement;
    var w = job.width;
    var tag = job.page + " " + w;
    if (html.scrollWidth > html.clientWidth + 1) {
        say("WIDE " + tag + " page " + html.scrollWidth + " > " + html.clientWidth);
    }
    var s = scrollers(d, w);
    if (s.length) say("SCROLLS " + tag + " " + s.slice(0, 3).join(", "));
    var side = d.getElementById("sidebar");
    if (!side) {
        say("NOSIDEBAR " + tag);
    } else if (w >= 1000) {
        var r = side.getBoundingClientRect();
        var main = d.querySelector("main");
        var m = main.getBoundingClientRect();
        var pos = win.getComputedStyle(side).position;
        if (!(r.width > 150 && r.left >= 0 && r.top <= 1 && pos === "fixed" && m.left >= r.right))
            say("SIDEBAR " + tag + " not beside the text: sidebar " + Math.round(r.left) + "-" + Math.round(r.right)
                + " " + pos + ", text from " + Math.round(m.left));
        else say("SIDEBAROK " + tag);
    }
    if (w < 600) {
        var imgs = d.querySelectorAll("figure img");
        for (var i = 0; i < imgs.length; i++) {
            say("FIGURE " + job.page + " " + imgs[i].getAttribute("src") + " " + Math.round(imgs[i].getBoundingClientRect().width));
        }
    }
    say("DONE " + tag);
}

function next() {
    var job = jobs.shift();
    if (!job) { searchTest(); return; }
    f.style.width = job.width + "px";
    f.onload = function () { setTimeout(function () { try { check(job); } catch (e) { say("ERROR " + job.page + " " + e); } next(); }, 50); };
    f.src = site + job.page;
}

/* From the chapter 2 page: type SEM_UNDO in its search box and submit. */
function searchTest() {
    f.style.width = "1280px";
    var step = 0;
    f.onload = function () {
        var d = f.contentDocument;
        try {
            if (step === 0) {
                step = 1;
                var form = d.querySelector("#sidebar form[role=search]");
                var input = form.querySelector("input[name=q]");
                input.value = "SEM_UNDO";
                form.submit();
            } else {
                say("SEARCHURL " + d.location.href.replace(site, ""));
                var links = d.querySelectorAll("#search-results a");
                for (var i = 0; i < links.length && i < 5; i++)
                    say("RESULT " + links[i].getAttribute("href") + " " + links[i].textContent);
                say("SEARCHDONE " + links.length);
                copyTest();
            }
        } catch (e) { say("ERROR search " + e); copyTest(); }
    };
    f.src = site + "02-shmget.html";
}

/* The copy buttons of chapter 5: what they would put on the clipboard. */
function copyTest() {
    f.onload = function () {
        setTimeout(function () {
            try {
                var d = f.contentDocument, win = f.contentWindow;
                var copied = null;
                var clip = { writeText: function (t) { copied = t; return Promise.resolve(); } };
                Object.defineProperty(win.navigator, "clipboard", { value: clip, configurable: true });
                var buttons = d.querySelectorAll(".copy-button");
                say("BUTTONS " + buttons.length + " " + d.querySelectorAll("main pre").length);
                var cons = null, code = null;
                for (var i = 0; i < buttons.length; i++) {
                    if (!cons && buttons[i].textContent === "Copy commands") cons = buttons[i];
                    if (!code && buttons[i].textContent === "Copy") code = buttons[i];
                }
                cons.click();
                say("COPYCMD " + JSON.stringify(copied));
                code.click();
                say("COPYCODE " + JSON.stringify(copied));
            } catch (e) { say("ERROR copy " + e); }
            say("ALLDONE");
        }, 100);
    };
    f.src = site + "05-semaphores.html";
}
next();
</script>
</body></html>
EOF
    chromium_dump "file://$site_tmp/harness.html" --allow-file-access-from-files \
        --window-size=1400,1000 > "$site_tmp/harness.out"
    sed -n '/<pre id="out">/,/<\/pre>/p' "$site_tmp/harness.out" |
        sed 's/<pre id="out">//; s|</pre>.*||; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g' \
        > "$site_tmp/results"
    if ! grep -q '^ALLDONE' "$site_tmp/results"; then
        not_ok "the test page ran in Chromium" \
            "$(tail -n 20 "$site_tmp/results"; head -c 1500 "$site_tmp/harness.out")"
        return
    fi
    if grep -q '^ERROR' "$site_tmp/results"; then
        not_ok "the test page ran without errors" "$(grep '^ERROR' "$site_tmp/results")"
    fi
    njobs=$(grep -c '^DONE ' "$site_tmp/results")
    npages=$(printf '%s\n' $pages $src_page | grep -c .)

    if [ "$njobs" -eq $((npages * 2)) ] && ! grep -q '^NOSIDEBAR\|^SIDEBAR ' "$site_tmp/results" &&
        [ "$(grep -c '^SIDEBAROK ' "$site_tmp/results")" -eq "$npages" ]; then
        ok "at 1280 px the sidebar is on screen beside the text on all $npages pages"
    else
        not_ok "at 1280 px the sidebar is on screen beside the text on every page" \
            "$njobs of $((npages * 2)) loads; $(grep '^NOSIDEBAR\|^SIDEBAR ' "$site_tmp/results")"
    fi
    for w in 1280 390; do
        wide=$(grep "^WIDE [^ ]* $w \|^SCROLLS [^ ]* $w " "$site_tmp/results")
        if [ -z "$wide" ] && [ "$njobs" -eq $((npages * 2)) ]; then
            ok "at $w px no page scrolls sideways; inside, only code, transcripts$([ $w -lt 600 ] && echo ' and pictures') do ($npages pages)"
        else
            not_ok "at $w px no page scrolls sideways; inside, only code, transcripts$([ $w -lt 600 ] && echo ' and pictures') do" "$wide"
        fi
    done

    # Pictures at 390 px: the smallest text of each, in CSS pixels.
    bad=""
    nfig=0
    while read -r _ page src shown; do
        nfig=$((nfig + 1))
        svg=$site/$src
        w=$(sed -n 's/.*<svg[^>]* width=["'"'"']\([0-9.]*\)["'"'"'].*/\1/p' "$svg" | head -n 1)
        smallest=$(grep -o "font-size[=:][\"' ]*[0-9.]*" "$svg" | grep -o '[0-9.]*$' | sort -n | head -n 1)
        [ -n "$smallest" ] || smallest=16
        px=$(awk -v s="$smallest" -v w="$w" -v d="$shown" 'BEGIN { printf "%.1f", (w > 0 ? s * d / w : 0) }')
        awk -v px="$px" 'BEGIN { exit !(px >= 9) }' || bad="$bad
$page: $src is shown $shown px wide: its ${smallest}px text (of $w) is ${px}px"
    done <<EOF
$(grep '^FIGURE ' "$site_tmp/results")
EOF
    if [ "$nfig" -gt 0 ] && [ -z "$bad" ]; then
        ok "at 390 px the text of every picture is 9 px or more ($nfig pictures)"
    else
        not_ok "at 390 px the text of every picture is 9 px or more" "$nfig pictures$bad"
    fi

    # Search, from the chapter 2 page.
    first=$(grep '^RESULT ' "$site_tmp/results" | head -n 1)
    if grep -q '^SEARCHURL search.html?q=SEM_UNDO$' "$site_tmp/results" &&
        printf '%s\n' "$first" | grep -q '^RESULT 05-semaphores\.html#[^ ]* .*SEM_UNDO'; then
        ok "the search box of the chapter 2 page finds SEM_UNDO: first $(echo "$first" | cut -d' ' -f2)"
    else
        not_ok "the search box of the chapter 2 page finds SEM_UNDO in chapter 5" \
            "$(grep '^SEARCH\|^RESULT' "$site_tmp/results")"
    fi

    # Copy buttons.
    cmd=$(sed -n 's/^COPYCMD //p' "$site_tmp/results")
    code=$(sed -n 's/^COPYCODE //p' "$site_tmp/results")
    buttons=$(sed -n 's/^BUTTONS //p' "$site_tmp/results")
    if [ "$cmd" = '"./counter 2 100000\n./counter -l 2 100000\nipcs -s\n"' ]; then
        ok "a transcript's copy button copies its commands alone, ready to paste"
    else
        not_ok "a transcript's copy button copies its commands alone, ready to paste" \
            "copied: $cmd (buttons and pre blocks: $buttons)"
    fi
    case $code in
    *'add_many(volatile long *counter'*)
        case $code in
        *'$ '*|*'expected 200000'*) not_ok "a listing's copy button copies its code" "copied: $code" ;;
        *) ok "a listing's copy button copies its code" ;;
        esac ;;
    *) not_ok "a listing's copy button copies its code" "copied: $code" ;;
    esac

    # Dark mode: the reader's system setting, with no button to press.
    cat > "$site_tmp/dark.html" <<EOF
<!DOCTYPE html><html><body><pre id="out"></pre><iframe id="f" style="width:1280px;height:600px"></iframe>
<script>
var f = document.getElementById("f");
function lum(c) {
    var m = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(function (v) {
        v = v / 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2];
}
f.onload = function () {
    var d = f.contentDocument, w = f.contentWindow;
    var body = w.getComputedStyle(d.body).backgroundColor;
    var pre = w.getComputedStyle(d.querySelector("div.sourceCode pre")).backgroundColor;
    var kw = w.getComputedStyle(d.querySelector("code span.kw")).color;
    document.getElementById("out").textContent = "DARK " + w.matchMedia("(prefers-color-scheme: dark)").matches
        + " " + lum(body).toFixed(3) + " " + lum(pre).toFixed(3) + " " + lum(kw).toFixed(3);
};
f.src = "file://$site/05-semaphores.html";
</script></body></html>
EOF
    dark=$(chromium_dump "file://$site_tmp/dark.html" --allow-file-access-from-files \
        --force-dark-mode --blink-settings=preferredColorScheme=0 | sed -n 's/.*<pre id="out">\(DARK [^<]*\)<.*/\1/p')
    # DARK true BODY PRE KEYWORD: dark page and code, light keywords.
    if printf '%s\n' "$dark" | awk '{ exit !($2 == "true" && $3 < 0.05 && $4 < 0.05 && $5 > 0.2) }'; then
        ok "in dark mode the pages and their code are dark ($dark)"
    else
        not_ok "in dark mode the pages and their code are dark" "got: $dark"
    fi
}
