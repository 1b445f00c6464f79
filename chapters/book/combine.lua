--[[
combine.lua: pandoc Lua filter that joins the pages of the book into one
document, for the PDF and the EPUB (build-doc.sh).

    BOOK_WORK=/tmp/w pandoc --from=markdown --to=json \
        --lua-filter=chapters/book/combine.lua --output=book.json EMPTY.md

BOOK_WORK is the folder of the build's first pass (lib.sh): its "pages"
file lists "N KIND NAME" in book order, and N.raw.json is page NAME.
The input document is ignored.

Pages are written as separate HTML files, so their ids repeat from page to
page ("errors", "common-mistakes") and their links name pages
("02-shmget.html#call-shmget").  In the joined document:
  - a page's level-1 heading gets the page's name as id ("02-shmget") and
    the attribute data-kind=chapter, appendix, reference or guide;
  - every other id X of page P becomes "P-X";
  - a link "#X" on page P becomes "#P-X", "Q.html" becomes "#Q" and
    "Q.html#X" becomes "#Q-X"; external links (with a scheme) stay.
A link to a page that is not in the book stops the build.

Optional environment:
  BOOK_ABOUT=FILE.json    a page put first, as it is (the EPUB's "About
                          this book"; its ids are not renamed)
  BOOK_UNNUMBERED_APPENDICES=1
                          every heading of an appendix, reference or guide
                          page gets the class "unnumbered" (the EPUB numbers
                          chapters only), and an appendix's title starts
                          with its letter: "Appendix A: Title"
  BOOK_NO_LINE_NUMBERS=1  code blocks lose their line numbers (the EPUB:
                          its code wraps on small screens instead); this
                          is also what says the document is the EPUB
                          (below), not the PDF

Then, for both:
  - the cross references of xref.lua: "chapter 5" and "appendix A" link to
    the chapter, a listing of another chapter (anchors.lua's Span.xref) to
    its excerpt, `semget(2)` to the man page on man7.org.
For the EPUB:
  - "Figure 5-1." before each picture's caption (the PDF numbers them);
  - every code block and transcript is written as HTML here, one span
    (class "cl") per line with a hanging indent: a line too long for the
    screen wraps, and what wraps starts 4 characters to the right of where
    the line itself starts (its own indentation plus 4), never at the
    left margin.  Each character of DejaVu Sans Mono is 0.6 em wide, so
    N characters are 0.6N em.  The code keeps its colours (pandoc's
    classes, coloured by epub.css); a transcript's "$ command" lines are
    span.cmd, its "# exit status N" lines span.status (as include-code.lua
    does for the site).
For the PDF:
  - each listing's id goes on an empty Div just before it (latex.lua
    replaces the listing's Div, and with it its id, by the caption and the
    code): "Listing 5-1" links land on it;
  - the concepts anchors.lua marked (Span.concept) go in the index, in
    roman type (the index sets the calls and constants in typewriter), the
    page number in bold where the term is explained; only where it is
    explained or named more than once in the section;
  - the functions the workbook's own programs define (a name at the start
    of a line followed by "(" in exercises/, chapters/listings/ and
    solutions/: cmd_chmod(), err_exit(), ...) are not indexed: inline
    code naming one gets noindex="1", which latex.lua respects.  The
    index is for the calls of the system and its library.
]]

local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*/)") or "./"
local xref = dofile(here .. "xref.lua")

local function fail(msg)
  error("combine.lua: " .. msg, 0)
end

local function read(path)
  local fh, err = io.open(path, "rb")
  if not fh then
    fail("cannot open " .. path .. ": " .. tostring(err))
  end
  local s = fh:read("a")
  fh:close()
  return s
end

local function has_class(el, c)
  for _, x in ipairs(el.classes or {}) do
    if x == c then
      return true
    end
  end
  return false
end

-- The names of the functions the workbook's programs define.
local function workbook_functions()
  local names = {}
  local fh = io.popen("find exercises chapters/listings solutions -name '*.[ch]' 2>/dev/null")
  if not fh then
    return names
  end
  for path in fh:lines() do
    local f = io.open(path, "rb")
    if f then
      for line in f:lines() do
        local name = line:match("^([%a_][%w_]*)%(")
        if name and name ~= "main" and not name:match("^__") then
          names[name] = true
        end
      end
      f:close()
    end
  end
  fh:close()
  return names
end

local function html_escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function unescape(s)
  return (s:gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&quot;", '"'):gsub("&#39;", "'")
    :gsub("&amp;", "&"))
end

-- The width of a line's indentation, in characters (tabs to 8).
local function indent_of(text)
  local n = 0
  for ch in text:gmatch(".") do
    if ch == " " then
      n = n + 1
    elseif ch == "\t" then
      n = n + 8 - n % 8
    else
      break
    end
  end
  return n
end

-- One line: a block of its own (so no newline between lines, which
-- pre-wrap would show as an empty line); an empty line holds a space, or
-- it would have no height.
local function hanging(inner, text)
  if inner == "" then
    inner = " "
  end
  local chars = math.min(indent_of(text), 40) + 4
  return string.format('<span class="cl" style="padding-left: %.1fem; text-indent: -%.1fem">%s</span>',
    chars * 0.6, chars * 0.6, inner)
end

-- A code block of the EPUB as HTML, each line with its hanging indent.
local function epub_code(cb)
  local lines = {}
  local classes = table.concat(cb.classes, " ")
  if has_class(cb, "console") or #cb.classes == 0 then
    for line in (cb.text .. "\n"):gmatch("(.-)\n") do
      local inner = html_escape(line)
      if line:match("^%$ ") or line == "$" then
        inner = '<span class="cmd">' .. inner .. "</span>"
      elseif line:match("^# exit status %d+$") then
        inner = '<span class="status">' .. inner .. "</span>"
      end
      lines[#lines + 1] = hanging(inner, line)
    end
    return pandoc.RawBlock("html", '<pre class="' .. html_escape(classes) .. ' wrap"><code>'
      .. table.concat(lines) .. "</code></pre>")
  end
  local html = pandoc.write(pandoc.Pandoc({ pandoc.CodeBlock(cb.text, pandoc.Attr("", cb.classes)) }), "html5")
  local code = html:match("<code[^>]*>(.*)</code>")
  if not code or not html:match('<span id="cb%d+%-1">') then
    -- A language pandoc does not highlight: the text, escaped.
    for line in (cb.text .. "\n"):gmatch("(.-)\n") do
      lines[#lines + 1] = hanging(html_escape(line), line)
    end
  else
    for line in (code .. "\n"):gmatch("(.-)\n") do
      local inner = line:gsub('^<span id="cb%d+%-%d+">', ""):gsub("</span>$", "")
        :gsub('<a href="#cb%d+%-%d+" aria%-hidden="true" tabindex="%-1"></a>', "")
      lines[#lines + 1] = hanging(inner, unescape(inner:gsub("<[^>]*>", "")))
    end
  end
  local id = cb.identifier ~= "" and (' id="' .. html_escape(cb.identifier) .. '"') or ""
  return pandoc.RawBlock("html", '<div class="sourceCode"' .. id .. '><pre class="sourceCode '
    .. html_escape(classes) .. ' wrap"><code class="sourceCode ' .. html_escape(classes) .. '">'
    .. table.concat(lines) .. "</code></pre></div>")
end

-- What each format needs on a page, once its ids are renamed (see above).
local function finish(div, ctx, epub, helpers)
  return pandoc.walk_block(div, {
    Code = function(c)
      local name = c.text:match("^([%a_][%w_]*)%(%)$")
      if name and helpers[name] then
        c.attributes.noindex = "1"
        return c
      end
    end,
    Span = function(s)
      if epub or not has_class(s, "concept") then
        return nil
      end
      local term = s.attributes["data-concept"]
      local define = s.attributes["data-define"] == "1"
      if not term or not (define or (tonumber(s.attributes["data-weight"]) or 1) >= 2) then
        return nil
      end
      -- A concept written as code (`ipcs`) has the code's own entry
      -- (latex.lua): a second one here would list the word twice.
      if #s.content == 1 and s.content[1].t == "Code" then
        return nil
      end
      -- makeindex: key@text, | for the page number's format; its special
      -- characters quoted with ".
      local key = term:lower():gsub('(["@!|])', '"%1')
      local text = term:gsub('(["@!|])', '"%1'):gsub("([_&%%$#{}])", "\\%1")
      return { s, pandoc.RawInline("latex", "\\index{" .. key .. "@{\\normalfont " .. text .. "}"
        .. (define and "|textbf" or "") .. "}") }
    end,
    -- An \index inside \textbf{} is written to the .idx file differently
    -- ("\normalfont  lock", two spaces) and makeindex would make it an
    -- entry of its own: it goes right after the bold text instead.
    Strong = function(st)
      local keep, moved = pandoc.List(), pandoc.List()
      for _, il in ipairs(st.content) do
        if il.t == "RawInline" and il.format == "latex" and il.text:match("^\\index{") then
          moved:insert(il)
        else
          keep:insert(il)
        end
      end
      if #moved == 0 then
        return nil
      end
      st.content = keep
      local out = pandoc.List({ st })
      out:extend(moved)
      return out
    end,
    Para = function(p)
      if #p.content == 1 and p.content[1].t == "Image" and p.content[1].title:match("^fig:") then
        local img = p.content[1]
        local label = img.attributes["data-figure"]
        if epub and label then
          local cap = pandoc.List({ pandoc.Strong({ pandoc.Str("Figure"), pandoc.Space(),
            pandoc.Str(label .. ".") }), pandoc.Space() })
          cap:extend(img.caption)
          img.caption = cap
        end
        return p
      end
      p.content = xref.link(p.content, ctx)
      return p
    end,
    Plain = function(p)
      p.content = xref.link(p.content, ctx)
      return p
    end,
    CodeBlock = function(cb)
      if epub then
        return epub_code(cb)
      end
    end,
    Div = function(d)
      if not epub and has_class(d, "listing") and d.identifier ~= "" then
        local anchor = pandoc.Div({}, pandoc.Attr(d.identifier))
        d.identifier = ""
        return { anchor, d }
      end
    end,
  })
end

function Pandoc(_)
  local work = os.getenv("BOOK_WORK") or fail("BOOK_WORK is not set")
  local pages = {}
  local known = {}
  local appendices = 0
  for line in read(work .. "/pages"):gmatch("[^\n]+") do
    local n, kind, name = line:match("^(%S+) (%S+) (%S+)$")
    if not n then
      fail("bad line in " .. work .. "/pages: " .. line)
    end
    local letter = nil          -- "A" for the first appendix, "B" ...
    if kind == "appendix" then
      appendices = appendices + 1
      letter = string.char(string.byte("A") + appendices - 1)
    end
    pages[#pages + 1] = { n = n, kind = kind, name = name, letter = letter }
    known[name] = true
  end

  local blocks = pandoc.List()
  local about = os.getenv("BOOK_ABOUT")
  if about and about ~= "" then
    blocks:extend(pandoc.read(read(about), "json").blocks)
  end
  local unnumbered = os.getenv("BOOK_UNNUMBERED_APPENDICES") == "1"
  local no_line_numbers = os.getenv("BOOK_NO_LINE_NUMBERS") == "1"
  local epub = no_line_numbers
  local book = xref.book(work)
  local docs, programs = {}, {}
  for k, page in ipairs(pages) do
    docs[k] = pandoc.read(read(work .. "/" .. page.n .. ".raw.json"), "json")
    xref.programs_of(page.name, docs[k].blocks, programs)
  end
  local helpers = epub and {} or workbook_functions()
  for k, page in ipairs(pages) do
    local doc = docs[k]
    local P = page.name
    local function id(x)
      if x == nil or x == "" then
        return x
      end
      return P .. "-" .. x
    end
    local function target(t)
      if t:match("^%a[%w+.-]*:") then
        return t                                   -- http:, mailto:, ...
      end
      local frag = t:match("^#(.*)$")
      if frag then
        return "#" .. id(frag)
      end
      local q, qfrag = t:match("^([^/#]+)%.html#(.+)$")
      if not q then
        q = t:match("^([^/#]+)%.html$")
      end
      if q then
        if not known[q] then
          fail(P .. ": link to " .. t .. ", a page that is not in the book")
        end
        return "#" .. (qfrag and (q .. "-" .. qfrag) or q)
      end
      return t                                     -- images/..., files
    end
    local function with_id(el)
      if el.identifier and el.identifier ~= "" then
        el.identifier = id(el.identifier)
        return el
      end
      return nil
    end
    local first = true
    local renamed = pandoc.walk_block(pandoc.Div(doc.blocks), {
      Header = function(h)
        if unnumbered and page.kind ~= "chapter" then
          h.classes:insert("unnumbered")
        end
        if h.level == 1 and first then
          first = false
          h.identifier = P
          h.attributes["data-kind"] = page.kind
          if unnumbered and page.letter then
            local label = pandoc.List({ pandoc.Str("Appendix"), pandoc.Space(),
                                        pandoc.Str(page.letter .. ":"), pandoc.Space() })
            label:extend(h.content)
            h.content = label
          end
          return h
        end
        return with_id(h)
      end,
      Div = with_id,
      Span = with_id,
      CodeBlock = function(cb)
        if no_line_numbers then
          cb.classes = cb.classes:filter(function(c)
            return c ~= "numberLines" and c ~= "number-lines"
          end)
          cb.attributes.startFrom = nil
        end
        return with_id(cb) or cb
      end,
      Code = with_id,
      Image = with_id,
      Table = function(t)
        if t.attr and t.attr.identifier ~= "" then
          t.attr = pandoc.Attr(id(t.attr.identifier), t.attr.classes, t.attr.attributes)
          return t
        end
        return nil
      end,
      Link = function(l)
        l.target = target(l.target)
        return with_id(l) or l
      end,
    })
    local ctx = {
      page = P, book = book, programs = programs, nobr = false,
      href = function(name, x)
        return "#" .. (x and (name .. "-" .. x) or name)
      end,
    }
    blocks:extend(finish(renamed, ctx, epub, helpers).content)
  end
  return pandoc.Pandoc(blocks, pandoc.Meta({}))
end
