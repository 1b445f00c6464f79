/* book.js: the only script of every page (build-html.sh copies it next to
 * them).  It adds a "Copy" button to every code listing and transcript;
 * the pages are complete without it.
 *
 * A listing is copied as it is (without its line numbers, which style.css
 * draws and nobody selects).  A transcript is copied as the commands
 * alone, without their "$ " prompts and without the output, so that what
 * you paste into a shell runs the same session. */
(function () {
    "use strict";

    function commands(pre) {
        var lines = [];
        var cmds = pre.querySelectorAll("span.cmd");
        for (var i = 0; i < cmds.length; i++) {
            var t = cmds[i].textContent.replace(/^\$ ?/, "");
            if (t !== "") {
                lines.push(t);
            }
        }
        return lines.join("\n") + "\n";
    }

    function code(host) {
        /* The lines of every run of a listing cut into runs. */
        var codes = host.querySelectorAll("pre code");
        var parts = [];
        for (var i = 0; i < codes.length; i++) {
            parts.push(codes[i].textContent.replace(/\n$/, ""));
        }
        return parts.join("\n") + "\n";
    }

    function copy(text, button) {
        function done(ok) {
            button.textContent = ok ? "Copied" : "Select and copy";
            setTimeout(function () { button.textContent = button.dataset.label; }, 1500);
        }
        function fallback() {
            var area = document.createElement("textarea");
            area.value = text;
            area.setAttribute("readonly", "");
            area.style.position = "fixed";
            area.style.left = "-9999px";
            document.body.appendChild(area);
            area.select();
            var ok = false;
            try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
            document.body.removeChild(area);
            done(ok);
        }
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
        } else {
            fallback();
        }
    }

    function add(host, label, text) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "copy-button";
        b.textContent = label;
        b.dataset.label = label;
        b.setAttribute("aria-label", label === "Copy" ? "Copy the code" : "Copy the commands");
        b.addEventListener("click", function () { copy(text(), b); });
        /* Under a caption the button goes in the caption's row, where it
         * hides no code. */
        var cap = host.previousElementSibling;
        if (cap && cap.classList.contains("listing-title")) {
            cap.classList.add("copy-host", "has-copy");
            cap.appendChild(b);
        } else {
            host.classList.add("copy-host");
            host.appendChild(b);
        }
    }

    function init() {
        /* The boxes that scroll: a listing cut into runs scrolls as one. */
        var boxes = document.querySelectorAll("main .listing-runs, main pre");
        for (var i = 0; i < boxes.length; i++) {
            var el = boxes[i];
            if (el.closest(".copy-host") || el.closest(".copy-wrap")
                    || (el.matches("pre") && el.closest(".listing-runs"))) {
                continue;
            }
            var pre = el.matches("pre") ? el : el.querySelector("pre");
            /* The button must not scroll with the code: it goes on the
             * box around the scrolling one. */
            var host = el.matches(".listing-runs") ? wrap(el)
                : (el.parentElement.matches("div.sourceCode") ? el.parentElement : wrap(el));
            if (pre.classList.contains("console")) {
                if (pre.querySelector("span.cmd")) {
                    host.classList.add("console-host");
                    add(host, "Copy commands", commands.bind(null, pre));
                }
            } else {
                add(host, "Copy", code.bind(null, host));
            }
        }
    }

    /* A box that scrolls gets a wrapper to hold its button. */
    function wrap(box) {
        var div = document.createElement("div");
        div.className = "copy-wrap";
        box.parentNode.insertBefore(div, box);
        div.appendChild(box);
        return div;
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
