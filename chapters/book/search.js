/* search.js: the search page (search.html?q=WORDS) of the book's site.
 *
 * The index is search-index.js, made when the book is built (site.lua
 * writes one entry per section of every page; build-html.sh joins them):
 *     window.BOOK_SEARCH = [[FILE, ID, SECTION, PAGE, TEXT, CODE], ...];
 * It is loaded with a <script> tag, not fetched, so the search works from
 * file:// with no server and no network.
 *
 * A section matches when it holds every word of the query (in any case);
 * the words in its title count most, then in the text, then in its code
 * and transcripts.  The best 50 are listed with the passage around the
 * first word. */
(function () {
    "use strict";

    var MAX = 50;

    function esc(s) {
        return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
            .replace(/"/g, "&quot;");
    }

    function count(hay, needle) {
        var n = 0;
        var at = hay.indexOf(needle);
        while (at !== -1 && n < 10) {
            n++;
            at = hay.indexOf(needle, at + needle.length);
        }
        return n;
    }

    function reRegex(s) {
        return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }

    /* The passage around the first word found, words marked. */
    function snippet(text, words) {
        var low = text.toLowerCase();
        var at = -1;
        for (var i = 0; i < words.length && at === -1; i++) {
            at = low.indexOf(words[i]);
        }
        if (at === -1) {
            at = 0;
        }
        var start = Math.max(0, at - 70);
        var end = Math.min(text.length, at + 130);
        /* Whole words at the edges. */
        if (start > 0) {
            var sp = text.indexOf(" ", start);
            start = (sp !== -1 && sp < at) ? sp + 1 : start;
        }
        if (end < text.length) {
            var ep = text.lastIndexOf(" ", end);
            end = ep > at ? ep : end;
        }
        var s = esc(text.slice(start, end));
        var re = new RegExp("(" + words.map(function (w) { return reRegex(esc(w)); }).join("|") + ")", "gi");
        s = s.replace(re, "<mark>$1</mark>");
        return (start > 0 ? "… " : "") + s + (end < text.length ? " …" : "");
    }

    function search(index, query) {
        var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w !== ""; });
        if (words.length === 0) {
            return { words: words, hits: [] };
        }
        var phrase = words.join(" ");
        var hits = [];
        for (var i = 0; i < index.length; i++) {
            var e = index[i];
            var title = e[2].toLowerCase();
            var page = e[3].toLowerCase();
            var text = e[4].toLowerCase();
            var code = e[5].toLowerCase();
            var score = 0;
            var all = true;
            for (var k = 0; k < words.length; k++) {
                var w = words[k];
                var t = count(title, w), p = count(page, w), x = count(text, w), c = count(code, w);
                if (t + p + x + c === 0) {
                    all = false;
                    break;
                }
                score += 30 * Math.min(t, 1) + 4 * Math.min(p, 1) + 3 * x + c;
            }
            if (!all) {
                continue;
            }
            if (words.length > 1 && (title.indexOf(phrase) !== -1 || text.indexOf(phrase) !== -1)) {
                score += 20;
            }
            hits.push({ entry: e, score: score, order: i });
        }
        hits.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
        return { words: words, hits: hits };
    }

    function render(query) {
        var status = document.getElementById("search-status");
        var list = document.getElementById("search-results");
        var index = window.BOOK_SEARCH || [];
        var r = search(index, query);
        list.innerHTML = "";
        if (r.words.length === 0) {
            status.textContent = "Type one or more words: a call (semop), a flag (SEM_UNDO), an error (EIDRM), a term (deadlock).";
            return;
        }
        var shown = r.hits.slice(0, MAX);
        status.textContent = r.hits.length === 0
            ? "Nothing in the book has every word of \u201c" + query + "\u201d. Try fewer words, or the index."
            : r.hits.length + (r.hits.length === 1 ? " section has" : " sections have")
              + " every word of \u201c" + query + "\u201d"
              + (r.hits.length > MAX ? "; the best " + MAX + " are listed." : ".");
        var html = [];
        for (var i = 0; i < shown.length; i++) {
            var e = shown[i].entry;
            var href = e[0] + (e[1] ? "#" + e[1] : "");
            var text = e[4] !== "" ? e[4] : e[5];
            html.push('<li><a href="' + esc(href) + '">' + esc(e[2]) + "</a>"
                + (e[1] ? '<span class="where">' + esc(e[3]) + "</span>" : "")
                + '<span class="snippet">' + snippet(text, r.words) + "</span></li>");
        }
        list.innerHTML = html.join("\n");
    }

    function init() {
        var params = new URLSearchParams(window.location.search);
        var query = (params.get("q") || "").trim();
        var input = document.getElementById("search-page-q");
        if (input) {
            input.value = query;
        }
        render(query);
        document.documentElement.setAttribute("data-search-done", "1");
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
