--[[
latex.lua: pandoc Lua filter for the PDF (build-doc.sh runs it when it
writes the joined book, combine.lua's output, as LaTeX).

  - A chapter's number is the one its file name gives (lib.sh): 00-* is
    chapter 0, 05-* chapter 5 and 05a-* chapter 5a, wherever it comes:
    \BookChapterNumber{5a} before its heading (latex-header.tex).  The
    first page whose level-1 heading has data-kind=appendix,
    reference or guide starts the appendices (\appendix): an appendix
    chapter is "Appendix A", and the quick reference the next letter.
  - A listing (Div.listing from include-code.lua) gets its caption as
    \BookListingCaption{...} above the code, kept with it; the runs of a
    listing cut at removed marker lines are separated by \BookListingCut.
  - Console transcripts (.console code blocks) and code blocks of no
    language become BookConsole environments (fvextra: long lines wrap),
    with the "$ command" lines in bold.
  - Pictures: images/NAME.svg is shown as NAME.pdf from BOOK_IMAGES (the
    folder where build-doc.sh converted the SVG files with rsvg-convert).
  - The index of calls, constants, commands and concepts: every inline
    code that is a call with a man page or a helper of ipcbook.h
    ("shmget()", "err_exit()"), a constant (IPC_CREAT, EEXIST, SHMMAX) or a
    command (ipcs, ipcrm) gets an \index entry, in bold where the call or
    flag is defined (the anchors of anchors.lua: call-NAME before its
    section, NAME-FLAG on a table row).  The concepts (deadlock, semadj,
    ...) have theirs from combine.lua, which marks them from concepts.txt
    for the site's index of concepts too: one list, so one entry each.
    Not in headings or captions, where \index does not belong.
  - The instructor's note in a chapter (Div.instructor-note) is a quote.
]]

local images = os.getenv("BOOK_IMAGES") or "."
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*/)") or "./"
local xref = dofile(here .. "xref.lua")

local function latex(inlines)
  local s = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "latex")
  return (s:gsub("%s+$", ""))
end

local function has_class(el, c)
  for _, x in ipairs(el.classes or {}) do
    if x == c then
      return true
    end
  end
  return false
end

-- ---- Index entries -------------------------------------------------------

local STOP = { NULL = true, TODO = true, FILE = true, EOF = true, PATH = true,
               KEY = true, SIZE = true, MODE = true, DIR = true, NAME = true }

-- A function goes in the index when a reader can look it up: a call with a
-- man page in section 2 or 3 (manpages-dev, which the PDF's packages
-- include) or a helper of exercises/include/ipcbook.h (err_exit()).  Not
-- the functions of a listing or of an exercise's skeleton (cmd_chmod()):
-- the page they are on is the place to read them.  Without man pages on
-- the machine, every function is indexed.
local MAN = "/usr/share/man"
local have_man = io.open(MAN .. "/man2/shmget.2.gz") ~= nil
local helpers = {}
do
  local fh = io.open("exercises/include/ipcbook.h")
  if fh then
    for line in fh:lines() do
      local name = line:match("^([%a_][%w_]*)%(")
      if name then
        helpers[name] = true
      end
    end
    fh:close()
  end
end
local known = {}
local function documented(name)
  if not have_man or helpers[name] then
    return true
  end
  if known[name] == nil then
    local fh = io.open(MAN .. "/man2/" .. name .. ".2.gz") or io.open(MAN .. "/man3/" .. name .. ".3.gz")
    known[name] = fh ~= nil
    if fh then
      fh:close()
    end
  end
  return known[name]
end

-- The commands of the chapters' shell sessions that have their own entry.
local COMMANDS = { ipcs = true, ipcrm = true, ipcmk = true, lsipc = true, unshare = true }

-- The index key of an inline code, or nil if it is not indexed.
local function index_key(text)
  if text:match("^[%a_][%w_]*%(%)$") then
    return documented(text:sub(1, -3)) and text or nil
  end
  if COMMANDS[text] then
    return text
  end
  if text:match("^[A-Z][A-Z0-9_]+$") and #text >= 4 and not STOP[text]
      and (text:match("_") or text:match("^E[A-Z0-9]+$") or text:match("^SHM")
           or text:match("^SEM") or text:match("^MSG") or text:match("^SIG")) then
    return text
  end
  return nil
end

-- \index{KEY} or \index{KEY|textbf}: the key alone, no formatting, so that
-- an entry is written the same whether or not it is read inside another
-- command's argument.  index.ist sets the entries in typewriter type, and
-- build-doc.sh reads the index with "_" as an ordinary character.
local function index_entry(key, bold)
  return "\\index{" .. key .. (bold and "|textbf" or "") .. "}"
end

local function index_inline(key, bold)
  return pandoc.RawInline("latex", index_entry(key, bold))
end

-- ---- Console transcripts -------------------------------------------------

local function expand_tabs(line)
  local out, col = {}, 0
  for ch in line:gmatch(utf8.charpattern) do
    if ch == "\t" then
      local n = 8 - col % 8
      out[#out + 1] = string.rep(" ", n)
      col = col + n
    else
      out[#out + 1] = ch
      col = col + 1
    end
  end
  return table.concat(out)
end

local function verb_escape(s)
  return (s:gsub("[\\{}]", { ["\\"] = "\\textbackslash{}", ["{"] = "\\{", ["}"] = "\\}" }))
end

local function console(text)
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do
    local esc = verb_escape(expand_tabs(line))
    if line:match("^%$ ") or line == "$" then
      esc = "\\BookCmd{" .. esc .. "}"
    end
    lines[#lines + 1] = esc
  end
  return pandoc.RawBlock("latex", "\\BookCodeLines{" .. #lines .. "}\n\\begin{BookConsole}\n"
    .. table.concat(lines, "\n") .. "\n\\end{BookConsole}")
end

-- ---- The filters, in order -----------------------------------------------

-- 1. Where no \index may go (headings, picture captions), and where a call
--    or flag is defined: the NAME-FLAG anchors of anchors.lua around the
--    code of a table row (ids prefixed with the page's name by combine.lua).
local function mark_noindex(el)
  return pandoc.walk_block(pandoc.Plain({ el }), {
    Code = function(c)
      c.attributes.noindex = "1"
      return c
    end,
  }).content[1]
end

local marks = {
  Header = function(h)
    return pandoc.walk_block(h, {
      Code = function(c)
        c.attributes.noindex = "1"
        return c
      end,
    })
  end,
  Image = mark_noindex,
  Span = function(s)
    local c = s.content[1]
    if s.identifier ~= "" and #s.content == 1 and c.t == "Code" then
      c.attributes.define = "1"
      return s
    end
    return nil
  end,
}

-- Inline code as LaTeX that may break after "/" and after an opening
-- parenthesis followed by more (a long path, or err_exit("msgctl(IPC_STAT)"),
-- would otherwise stick out of the line).  An identifier is never broken:
-- "MSG_" at the end of a line and "EXCEPT" on the next reads as two names,
-- and a hyphen would read as part of the name.
local function breakable(c)
  if not c.text:match("/.") and not c.text:match("%([^)]") then
    return c
  end
  local tex = latex({ pandoc.Code(c.text) })
  tex = tex:gsub("/", "/\\allowbreak{}"):gsub("%((.)", function(nxt)
    if nxt == ")" then
      return "(" .. nxt
    end
    return "(\\allowbreak{}" .. nxt
  end)
  return pandoc.RawInline("latex", tex)
end

local function count_lines(text)
  local n = 1
  for _ in text:gmatch("\n") do
    n = n + 1
  end
  return n
end

-- Table columns wide enough for the longest piece of code in them that
-- cannot break (an identifier, a test's name) and their longest word: a column too narrow takes
-- room from the others, in proportion to what they can spare.  Only for
-- tables whose widths pandoc set from the Markdown's dashes.
local CODE_CHAR = 5.7           -- pt: DejaVu Sans Mono at 0.86 of 11 pt
local TEXT_WIDTH = 472          -- pt: A4 less two margins of 2.2 cm
local TEXT_CHAR = 6.2           -- pt: a wide character of the text, 11 pt
local function widen_columns(t)
  local n = #t.colspecs
  local widths, need = {}, {}
  for j, cs in ipairs(t.colspecs) do
    if type(cs[2]) ~= "number" or cs[2] <= 0 then
      return nil
    end
    widths[j] = cs[2]
    need[j] = 0
  end
  local avail = TEXT_WIDTH - 12 * n        -- \tabcolsep on each side
  local function scan(row)
    for j, cell in ipairs(row.cells) do
      if j <= n then
        pandoc.walk_block(pandoc.Div(cell.contents), {
          Code = function(c)
            for tok in c.text:gmatch("[^%s/]+") do
              need[j] = math.max(need[j], (#tok + 1) * CODE_CHAR / avail)
            end
          end,
          Str = function(s)
            need[j] = math.max(need[j], (utf8.len(s.text) or #s.text) * TEXT_CHAR / avail)
          end,
        })
      end
    end
  end
  for _, r in ipairs(t.head.rows) do
    scan(r)
  end
  for _, body in ipairs(t.bodies) do
    for _, r in ipairs(body.body) do
      scan(r)
    end
  end
  local extra, spare = 0, 0
  for j = 1, n do
    if need[j] > widths[j] then
      extra = extra + need[j] - widths[j]
    else
      spare = spare + widths[j] - need[j]
    end
  end
  if extra == 0 or spare <= extra then
    return nil
  end
  for j = 1, n do
    if need[j] > widths[j] then
      widths[j] = need[j]
    else
      widths[j] = widths[j] - (widths[j] - need[j]) * extra / spare
    end
    t.colspecs[j] = { t.colspecs[j][1], widths[j] }
  end
  return t
end

-- 2. The index entries, and code that may break.
local index = {
  Code = function(c)
    local key = not c.attributes.noindex and index_key(c.text)
    if key then
      return { index_inline(key, c.attributes.define == "1"), breakable(c) }
    end
    return breakable(c)
  end,
}

-- 3. Blocks.
local blocks = {
  Div = function(d)
    local call = d.identifier:match("call%-([%a_][%w_]*)$")
    if has_class(d, "call-anchor") and call then
      d.content = { pandoc.RawBlock("latex", index_entry(call .. "()", true)) }
      return d
    end
    if has_class(d, "listing") then
      local out = {}
      -- The caption stays with the first block of code: its size (the
      -- \BookCodeLines written before each block above) decides how much
      -- room the caption asks for.
      local first_lines = 0
      pandoc.walk_block(d, {
        RawBlock = function(r)
          local n = r.text:match("^\\BookCodeLines{(%d+)}")
          if n and first_lines == 0 then
            first_lines = tonumber(n)
          end
        end,
      })
      for _, b in ipairs(d.content) do
        if b.t == "Div" and has_class(b, "listing-title") then
          local inlines = b.content[1] and b.content[1].content or {}
          inlines = pandoc.walk_inline(pandoc.Span(inlines), {
            Span = function(s)
              if has_class(s, "listing-number") then
                return pandoc.Strong(s.content)
              end
            end,
          }).content
          out[#out + 1] = pandoc.RawBlock("latex", "\\BookListingCaption{" .. first_lines .. "}{"
            .. latex(inlines) .. "}")
        elseif b.t == "Div" and has_class(b, "listing-runs") then
          -- Each run is its \BookCodeLines and its code: the cut goes
          -- before every run but the first.
          local runs = 0
          for _, r in ipairs(b.content) do
            if r.t ~= "CodeBlock" then
              runs = runs + 1
              if runs > 1 then
                out[#out + 1] = pandoc.RawBlock("latex", "\\BookListingCut")
              end
            end
            out[#out + 1] = r
          end
        else
          out[#out + 1] = b
        end
      end
      out[#out + 1] = pandoc.RawBlock("latex", "\\BookListingEnd")
      return out
    end
    if has_class(d, "instructor-note") then
      return pandoc.BlockQuote(d.content)
    end
    return nil
  end,
  CodeBlock = function(cb)
    -- A terminal session, or a block of no language (usage texts): the
    -- same box, so that long lines wrap instead of leaving the page.
    if has_class(cb, "console") or #cb.classes == 0 or has_class(cb, "text") then
      return console(cb.text)
    end
    return { pandoc.RawBlock("latex", "\\BookCodeLines{" .. count_lines(cb.text) .. "}"), cb }
  end,
  Table = widen_columns,
  Image = function(img)
    local name = img.src:match("^images/([%w_.-]+)%.svg$")
    if name then
      img.src = images .. "/" .. name .. ".pdf"
      return img
    end
    return nil
  end,
}

-- The lines of code, or of table, the block at blocks[i] starts with, if it
-- is a listing, a transcript, a code block or a table; nil otherwise.
local function lead_lines(blocks, i)
  local b = blocks[i]
  -- A listing's id is an empty Div before it (its \hypertarget), or a Div
  -- around its caption and code: look past the one, into the other.
  if b and b.t == "Div" then
    if #b.content == 0 then
      return lead_lines(blocks, i + 1)
    end
    return lead_lines(b.content, 1)
  end
  if not b then
    return nil
  end
  if b.t == "RawBlock" then
    local n = b.text:match("^\\BookListingCaption{(%d+)}") or b.text:match("^\\BookCodeLines{(%d+)}")
    return n and tonumber(n)
  end
  if b.t == "Table" then
    return 3
  end
  if b.t == "BulletList" or b.t == "OrderedList" then
    return 2
  end
  return nil
end

-- The paragraph a block ends with (itself, or the last block of a Div).
local function ending_para(b)
  while b and b.t == "Div" do
    b = b.content[#b.content]
  end
  if b and b.t == "Para" then
    return b
  end
  return nil
end

-- 4. Chapter 0 and the appendices; a paragraph that ends with a colon
--    kept with the listing, transcript or table it leads into.
local document = {
  Pandoc = function(doc)
    local out = pandoc.List()
    local appendix = false
    for i, b in ipairs(doc.blocks) do
      local para = ending_para(b)
      if para and pandoc.utils.stringify(para):match(":%s*$") and lead_lines(doc.blocks, i + 1) then
        -- About 90 characters to a line of text: count fewer, and one more.
        local lines = math.ceil(#pandoc.utils.stringify(b) / 80) + 1
        out:insert(pandoc.RawBlock("latex", "\\BookKeepWithNext{" .. lines .. "}{"
          .. lead_lines(doc.blocks, i + 1) .. "}"))
      end
      if b.t == "Header" and b.level == 1 then
        local kind = b.attributes["data-kind"] or "chapter"
        local label = xref.chapter_label(b.identifier)
        if kind == "chapter" and label then
          out:insert(pandoc.RawBlock("latex", "\\BookChapterNumber{" .. label .. "}"))
        elseif kind ~= "chapter" and not appendix then
          appendix = true
          out:insert(pandoc.RawBlock("latex", "\\appendix\\renewcommand{\\theHchapter}{app.\\Alph{chapter}}"))
        end
      end
      out:insert(b)
    end
    doc.blocks = out
    return doc
  end,
}

return { marks, index, blocks, document }
