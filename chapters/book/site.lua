--[[
site.lua: pandoc Lua filter for one page of the HTML site (build-html.sh's
second pass, after include-code.lua).

    BOOK_WORK=/tmp/w BOOK_PAGE=05-semaphores BOOK_LISTING_FILES=1 \
        pandoc ... --lua-filter=include-code.lua --lua-filter=site.lua

BOOK_WORK is the build's folder: its "pages" file (lib.sh) and
"programs.tsv" (build-html.sh: "PROGRAM PAGE LABEL" for the first excerpt
of each listing file, from anchors.lua's numbers).

  - Cross references (xref.lua): "chapter 5" and "appendix A" link to the
    page, a listing of another chapter to its excerpt, `semget(2)` to the
    man page; inline code and the letters glued to it (`write()`s) stay
    on one line.
  - A listing's number links to the listing (a link to copy), its caption
    to the file: the path to src/PATH.html (the
    whole file, numbered; "lines 51-68" to line 51 there), the "Output
    of" script to its page.  Each file named is appended to
    WORK/src-files (one path per line), for build-html.sh to make the
    src/ pages.  Only with BOOK_LISTING_FILES=1 (the src/ pages
    themselves have no captions to link).
  - A console transcript's "$ " prompts are marked (span.prompt) so that
    selecting the text, or the copy button (book.js), takes the commands
    without them.
  - A picture (an implicit figure, with anchors.lua's id figure-5-1):
    "Figure 5-1." before its caption, a link to the figure; the picture
    links to the image file
    itself, which a phone can zoom; on a narrow screen the picture keeps
    a width at which its smallest text is 9 px or more and scrolls
    sideways in its box (the SVG's own width and smallest font-size
    say how wide that is; BOOK_IMAGES is the folder of the site's images).
  - The search index: every section of the page (the text before the
    first heading, then each level-2 and level-3 heading with its text)
    as one entry of WORK/search/PAGE.js, a line of JavaScript (build-html.sh
    joins them into search-index.js; search.js reads it).
]]

local stringify = pandoc.utils.stringify
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*/)") or "./"
local xref = dofile(here .. "xref.lua")

local work = os.getenv("BOOK_WORK") or error("site.lua: BOOK_WORK is not set", 0)
local page = os.getenv("BOOK_PAGE") or error("site.lua: BOOK_PAGE is not set", 0)
local listing_files = os.getenv("BOOK_LISTING_FILES") == "1"

local book = xref.book(work)
local programs = {}
for line in (xref.read(work .. "/programs.tsv") or ""):gmatch("[^\n]+") do
  local p, pg, label = line:match("^(%S+)\t(%S+)\t(%S+)$")
  if p then
    programs[p] = { page = pg, label = label }
  end
end

local ctx = {
  page = page, book = book, programs = programs, nobr = true,
  href = function(name, id)
    return name .. ".html" .. (id and ("#" .. id) or "")
  end,
}

local function has_class(el, c)
  for _, x in ipairs(el.classes or {}) do
    if x == c then
      return true
    end
  end
  return false
end

local function html_escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- ---- The source files the captions link to -----------------------------

local src_seen = {}
local src_list = {}
local function src_href(path)
  if not src_seen[path] then
    src_seen[path] = true
    src_list[#src_list + 1] = path
  end
  return "src/" .. path .. ".html"
end

local function caption(div)
  local title = div.content[1]
  if not (title and title.t == "Div" and has_class(title, "listing-title")) then
    return div
  end
  local plain = title.content[1]
  if not (plain and plain.t == "Plain") then
    return div
  end
  local inl = plain.content
  -- The number links to the listing itself: a link a reader can copy.
  if inl[1] and inl[1].t == "Span" and has_class(inl[1], "listing-number") and div.identifier ~= "" then
    inl[1].content = { pandoc.Link(inl[1].content, "#" .. div.identifier) }
  end
  for k, il in ipairs(inl) do
    if il.t == "Code" and (il.text:match("^chapters/") or il.text:match("^exercises/")
        or il.text:match("^solutions/")) then
      local href = src_href(il.text)
      -- ", lines 51-68" or ", line 7" after the path: to that line.
      local first = nil
      for m = k + 1, #inl do
        if inl[m].t == "Str" then
          first = first or inl[m].text:match("^(%d+)")
        end
      end
      if first then
        href = href .. "#L-" .. first
      end
      inl[k] = pandoc.Link({ il }, href, "", pandoc.Attr("", { "listing-file" }))
      break
    end
  end
  return div
end

-- ---- Pictures ------------------------------------------------------------

-- The SVG's width and its smallest font-size (the default 16 if none).
local function svg_metrics(src)
  local name = src:match("^images/([^/]+%.svg)$")
  if not name then
    return nil
  end
  local text = xref.read((os.getenv("BOOK_IMAGES") or "images") .. "/" .. name)
  if not text then
    return nil
  end
  local svg = text:match("<svg[^>]*>")
  local width = svg and tonumber(svg:match("%swidth=[\"'](%d+%.?%d*)"))
  if not width then
    return nil
  end
  local smallest = tonumber(svg:match("font%-size=[\"'](%d+%.?%d*)")) or 16
  for size in text:gmatch("font%-size=[\"'](%d+%.?%d*)") do
    smallest = math.min(smallest, tonumber(size))
  end
  for size in text:gmatch("font%-size:%s*(%d+%.?%d*)") do
    smallest = math.min(smallest, tonumber(size))
  end
  return width, smallest
end

local function figure(p)
  local img = p.content[1]
  local label = img.attributes["data-figure"]
  local id = img.identifier
  local cap = pandoc.write(pandoc.Pandoc({ pandoc.Plain(img.caption) }), "html5")
  cap = cap:gsub("%s+$", "")
  local alt = html_escape(stringify(img.caption))
  local style = ""
  local width, smallest = svg_metrics(img.src)
  if width then
    -- 9 px for the smallest text, never wider than the drawing itself.
    style = string.format(' style="min-width: %dpx"', math.ceil(math.min(width, width * 9 / smallest)))
  end
  local html = '<figure class="figure"' .. (id ~= "" and (' id="' .. id .. '"') or "") .. ">\n"
    .. '<div class="figure-box"><a class="figure-zoom" href="' .. html_escape(img.src)
    .. '" title="The picture alone, full size"><img src="' .. html_escape(img.src)
    .. '" alt="' .. alt .. '"' .. style .. "></a></div>\n"
    .. "<figcaption>" .. (label and ('<span class="figure-number"><a href="#' .. id .. '">Figure '
      .. label .. ".</a></span> ") or "")
    .. cap .. ' <span class="figure-hint">(Wider than the screen: swipe it sideways, or tap it'
    .. " to see it alone.)</span></figcaption>\n</figure>"
  return pandoc.RawBlock("html", html)
end

-- ---- The search index ----------------------------------------------------

local function json(s)
  s = s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    if c == "\n" then return "\\n" end
    return string.format("\\u%04x", c:byte())
  end)
  -- "</script" can never end a script block, and U+2028/9 are line ends in old JS.
  s = s:gsub("</", "<\\/"):gsub("\u{2028}", "\\u2028"):gsub("\u{2029}", "\\u2029")
  return '"' .. s .. '"'
end

local function squash(s)
  return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local function search_entries(doc)
  local title = stringify(doc.meta.title or "")
  local entries = {}
  local cur = { id = "", title = title, text = {}, code = {} }
  local function flush()
    local text = squash(table.concat(cur.text, " "))
    local code = squash(table.concat(cur.code, " "))
    if cur.id ~= "" or text ~= "" then
      entries[#entries + 1] = "[" .. json(page .. ".html") .. "," .. json(cur.id) .. ","
        .. json(cur.title) .. "," .. json(title) .. "," .. json(text) .. "," .. json(code) .. "]"
    end
  end
  local function add(b)
    if b.t == "CodeBlock" then
      cur.code[#cur.code + 1] = b.text
    elseif b.t == "RawBlock" then
      -- A console transcript (include-code.lua wrote it as HTML), or a
      -- picture (figure() above): its caption is text.
      local plain = b.text:gsub('<span class="figure%-hint">.-</span>', ""):gsub("<[^>]*>", "")
        :gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&quot;", '"'):gsub("&amp;", "&")
      if b.text:match("^<figure") then
        cur.text[#cur.text + 1] = plain
      else
        cur.code[#cur.code + 1] = plain
      end
    elseif b.t == "Div" and has_class(b, "listing") then
      for _, x in ipairs(b.content) do
        if not (x.t == "Div" and has_class(x, "listing-title")) then
          add(x)
        end
      end
    elseif b.t == "Div" or b.t == "BlockQuote" then
      for _, x in ipairs(b.content) do add(x) end
    else
      -- Paragraph by paragraph, cell by cell: stringify would glue the
      -- items of a list together ("full.No SEM_UNDO").
      pandoc.walk_block(b, {
        Plain = function(p) cur.text[#cur.text + 1] = stringify(p) end,
        Para = function(p) cur.text[#cur.text + 1] = stringify(p) end,
        LineBlock = function(l) cur.text[#cur.text + 1] = stringify(l) end,
        DefinitionList = function(d)
          for _, item in ipairs(d.content) do
            cur.text[#cur.text + 1] = stringify(item[1])
          end
        end,
      })
    end
  end
  for _, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level <= 2 and b.identifier ~= "" then
      flush()
      cur = { id = b.identifier, title = stringify(b.content), text = {}, code = {} }
    else
      add(b)
    end
  end
  flush()
  os.execute("mkdir -p '" .. work .. "/search'")
  local fh = io.open(work .. "/search/" .. page .. ".js", "wb")
      or error("site.lua: cannot write " .. work .. "/search/" .. page .. ".js", 0)
  fh:write(table.concat(entries, ",\n"), "\n")
  fh:close()
end

-- ---- Tables on a phone ---------------------------------------------------

-- A table of four columns or more cannot fit a phone's screen: it gets the
-- class "cards", and each cell but the first of a row the name of its
-- column (data-label), which style.css shows when it sets each row as a
-- card of its own on a narrow screen.  Cells that have a label keep it.
local function table_for_phones(t)
  local head = t.head and t.head.rows and t.head.rows[1]
  if not head or #head.cells < 4 then
    return t
  end
  local names = {}
  for k, c in ipairs(head.cells) do
    names[k] = stringify(c.contents)
  end
  local classes = t.attr.classes
  if not has_class(t.attr, "cards") then
    classes:insert("cards")
  end
  t.attr = pandoc.Attr(t.attr.identifier, classes, t.attr.attributes)
  for _, body in ipairs(t.bodies) do
    for _, row in ipairs(body.body) do
      for k, c in ipairs(row.cells) do
        if k > 1 and names[k] ~= "" and not c.attr.attributes["data-label"] then
          local attrs = c.attr.attributes
          -- "Name:", or the name alone when it ends in "?" or ":".
          attrs["data-label"] = names[k]:match("[%?:]$") and names[k] or (names[k] .. ":")
          c.attr = pandoc.Attr(c.attr.identifier, c.attr.classes, attrs)
        end
      end
    end
  end
  return t
end

-- ---- The filter ----------------------------------------------------------

local function text_blocks(b)
  if b.t == "Para" or b.t == "Plain" then
    b.content = xref.link(b.content, ctx)
  elseif b.t == "Div" and has_class(b, "listing") then
    return listing_files and caption(b) or b
  elseif b.t == "Div" or b.t == "BlockQuote" then
    for k, x in ipairs(b.content) do b.content[k] = text_blocks(x) end
  elseif b.t == "BulletList" or b.t == "OrderedList" then
    for _, item in ipairs(b.content) do
      for k, x in ipairs(item) do item[k] = text_blocks(x) end
    end
  elseif b.t == "Table" then
    return table_for_phones(pandoc.walk_block(b, {
      Plain = function(p) return text_blocks(p) end,
      Para = function(p) return text_blocks(p) end,
      -- In a table, code may break after "_", "/" and ", " (a phone's
      -- column is narrow), nowhere else.
      Code = function(c)
        if c.text:match("[_/]") and c.identifier == "" and #c.classes == 0 then
          local s = html_escape(c.text):gsub("([_/])", "%1<wbr>"):gsub("^/<wbr>", "/")
          return pandoc.RawInline("html", "<code>" .. s .. "</code>")
        end
      end,
    }))
  elseif b.t == "DefinitionList" then
    return pandoc.walk_block(b, {
      Plain = function(p) return text_blocks(p) end,
      Para = function(p) return text_blocks(p) end,
    })
  end
  return b
end

function Pandoc(doc)
  local blocks = pandoc.List()
  for _, b in ipairs(doc.blocks) do
    if b.t == "Para" and #b.content == 1 and b.content[1].t == "Image"
        and b.content[1].title:match("^fig:") then
      blocks:insert(figure(b))
    else
      blocks:insert(text_blocks(b))
    end
  end
  -- Console transcripts: the prompt apart from the command.
  blocks = pandoc.walk_block(pandoc.Div(blocks), {
    RawBlock = function(r)
      if r.format == "html" and r.text:match('^<pre[^>]*class="[^"]*console') then
        r.text = r.text:gsub('<span class="cmd">%$ ', '<span class="cmd"><span class="prompt">$ </span>')
        return r
      end
    end,
  }).content
  doc.blocks = blocks
  -- The index of concepts is links to the sections, which are in the
  -- search index themselves: it would only come up as noise.
  if page ~= "concepts" then
    search_entries(doc)
  end
  if #src_list > 0 then
    local fh = io.open(work .. "/src-files", "ab")
    fh:write(table.concat(src_list, "\n"), "\n")
    fh:close()
  end
  return doc
end
