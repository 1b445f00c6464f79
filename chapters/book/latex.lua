--[[
latex.lua: pandoc Lua filter for the PDF (build-doc.sh runs it when it
writes the joined book, combine.lua's output, as LaTeX).

  - Chapters are numbered from 0, as the text numbers them ("chapter 5"):
    \setcounter{chapter}{-1} before the first chapter when its page is
    00-*.  The first page whose level-1 heading has data-kind=appendix,
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
  - The index of calls and constants: every inline code that is a call
    ("shmget()") or a constant (IPC_CREAT, EEXIST, SHMMAX) gets an \index
    entry, in bold where the call or flag is defined (the anchors of
    anchors.lua: call-NAME before its section, NAME-FLAG on a table row).
    Not in headings or captions, where \index does not belong.
  - The instructor's note in a chapter (Div.instructor-note) is a quote.
]]

local images = os.getenv("BOOK_IMAGES") or "."

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

-- The index key of an inline code, or nil if it is not indexed.
local function index_key(text)
  if text:match("^[%a_][%w_]*%(%)$") then
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
  return pandoc.RawBlock("latex", "\\begin{BookConsole}\n" .. table.concat(lines, "\n")
    .. "\n\\end{BookConsole}")
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

-- Inline code as LaTeX that may break after "_", ".", "/" and "," (long
-- names in narrow table columns would stick out of the page).
local function breakable(c)
  if not c.text:match("[_./,]") then
    return c
  end
  local tex = latex({ pandoc.Code(c.text) })
  tex = tex:gsub("\\_", "\\_\\allowbreak{}"):gsub("([./])", "%1\\allowbreak{}")
  return pandoc.RawInline("latex", tex)
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
          out[#out + 1] = pandoc.RawBlock("latex", "\\BookListingCaption{" .. latex(inlines) .. "}")
        elseif b.t == "Div" and has_class(b, "listing-runs") then
          for k, r in ipairs(b.content) do
            if k > 1 then
              out[#out + 1] = pandoc.RawBlock("latex", "\\BookListingCut")
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
    return nil
  end,
  Image = function(img)
    local name = img.src:match("^images/([%w_.-]+)%.svg$")
    if name then
      img.src = images .. "/" .. name .. ".pdf"
      return img
    end
    return nil
  end,
}

-- 4. Chapter 0 and the appendices.
local document = {
  Pandoc = function(doc)
    local out = pandoc.List()
    local first_chapter, appendix = true, false
    for _, b in ipairs(doc.blocks) do
      if b.t == "Header" and b.level == 1 then
        local kind = b.attributes["data-kind"] or "chapter"
        if kind == "chapter" and first_chapter then
          first_chapter = false
          if b.identifier:match("^00%-") then
            out:insert(pandoc.RawBlock("latex", "\\setcounter{chapter}{-1}"))
          end
        elseif kind ~= "chapter" and not appendix then
          appendix = true
          out:insert(pandoc.RawBlock("latex", "\\appendix"))
        end
      end
      out:insert(b)
    end
    doc.blocks = out
    return doc
  end,
}

return { marks, index, blocks, document }
