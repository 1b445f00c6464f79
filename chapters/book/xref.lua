--[[
xref.lua: the cross references of the book, shared by site.lua (the HTML
site, page by page) and combine.lua (the PDF and the EPUB, one document).
Not a filter: they load it with dofile() and call

    local xref = dofile(".../xref.lua")
    local book = xref.book(work)      -- from WORK/pages (lib.sh's first pass)
    inlines = xref.link(inlines, ctx)

xref.book(WORK) reads the pages of the build ("N KIND NAME" per line, in
book order) and returns { pages = {...}, chapter = { ["5"] = NAME,
["A"] = NAME, ... } }: chapters are numbered by their file name (05-...),
appendices lettered A, B, ... in order.

xref.link(inlines, ctx) returns the inlines with
  - "chapter 5", "Chapter 5", "appendix A", "Appendix A" linked to that
    page (not on the page itself);
  - Span.xref data-program="7-4" (anchors.lua: a listing of another
    chapter, named by its file's number) made a link to the first excerpt
    of that program, showing that excerpt's number;
  - a man page named in inline code, `semget(2)`, `sysvipc(7)`, linked to
    its text on man7.org (the Linux man-pages project's own site);
  - with ctx.nobr, inline code followed by letters (`write()`s) kept with
    them on one line (Span.nobr), so that the "s" is not left apart.
Nothing inside a link or an image is changed.
ctx: page (this page's NAME), book (from xref.book), programs ([P] =
{ page = NAME, label = "7-5" }), href(NAME, ID) (the link to id ID of page
NAME, or to the page when ID is nil), nobr.
]]

local M = {}

local function read(path)
  local fh = io.open(path, "rb")
  if not fh then
    return nil
  end
  local s = fh:read("a")
  fh:close()
  return s
end
M.read = read

function M.book(work)
  local text = read(work .. "/pages") or error("xref.lua: no " .. work .. "/pages", 0)
  local book = { pages = {}, chapter = {}, label = {} }
  local appendices = 0
  for line in text:gmatch("[^\n]+") do
    local n, kind, name = line:match("^(%S+) (%S+) (%S+)$")
    if n then
      book.pages[#book.pages + 1] = { n = n, kind = kind, name = name }
      local label = nil
      if kind == "chapter" then
        label = tostring(tonumber(name:match("^(%d+)%-") or ""))
      elseif kind == "appendix" then
        appendices = appendices + 1
        label = string.char(string.byte("A") + appendices - 1)
      end
      if label and label ~= "nil" then
        book.chapter[label] = name
        book.label[name] = label
      end
    end
  end
  return book
end

-- A chapter's label from its page's name: "5" for 05-semaphores, "5a" for
-- 05a-counter (a chapter put between two others); nil for a page that is
-- not a chapter. Every filter that numbers chapters asks this one.
function M.chapter_label(name)
  local nn = name:match("^(%d%d%l?)%-")
  return nn and (nn:gsub("^0(%d)", "%1")) or nil
end

-- The man page of inline code like "semget(2)", "sem_overview(7)", or nil.
function M.man_url(text)
  local name, section = text:match("^([%a_][%w_%.%-]*)%((%d)%a*%)$")
  if not name then
    return nil
  end
  return "https://man7.org/linux/man-pages/man" .. section .. "/" .. name .. "."
    .. section .. ".html"
end

local CONTAINERS = { Emph = true, Strong = true, Underline = true, Strikeout = true,
                     Superscript = true, Subscript = true, SmallCaps = true,
                     Quoted = true, Span = true }

local function link_list(inlines, ctx)
  local out = pandoc.List()
  local k = 1
  while k <= #inlines do
    local a, b, c = inlines[k], inlines[k + 1], inlines[k + 2]
    local done = false
    -- "chapter 5" / "appendix A"
    if a.t == "Str" and b and (b.t == "Space" or b.t == "SoftBreak") and c and c.t == "Str" then
      local lead, word = a.text:match("^(%p*)(%a+)$")
      local lw = word and word:lower()
      local num, tail
      if lw == "chapter" then
        num, tail = c.text:match("^(%d+)(%p*)$")
      elseif lw == "appendix" then
        num, tail = c.text:match("^(%u)(%p*)$")
      end
      local name = num and ctx.book.chapter[tostring(tonumber(num) or num)]
      if name and name ~= ctx.page then
        if lead ~= "" then out:insert(pandoc.Str(lead)) end
        out:insert(pandoc.Link({ pandoc.Str(word), pandoc.Space(), pandoc.Str(num) },
          ctx.href(name, nil)))
        if tail ~= "" then out:insert(pandoc.Str(tail)) end
        k = k + 3
        done = true
      end
    end
    if not done and a.t == "Span" and a.classes:includes("xref") then
      local p = ctx.programs and ctx.programs[a.attributes["data-program"]]
      if p then
        out:insert(pandoc.Link({ pandoc.Str("Listing"), pandoc.Space(), pandoc.Str(p.label) },
          ctx.href(p.page, "listing-" .. p.label)))
      else
        out:extend(a.content)
      end
      k = k + 1
      done = true
    end
    if not done and a.t == "Code" then
      local url = M.man_url(a.text)
      local el = a
      if url then
        el = pandoc.Link({ a }, url, "", pandoc.Attr("", { "man" }))
      end
      if ctx.nobr and b and b.t == "Str" and b.text:match("^[%a’']") then
        local word, rest = b.text:match("^([%w’']+)(.*)$")
        out:insert(pandoc.Span({ el, pandoc.Str(word) }, pandoc.Attr("", { "nobr" })))
        if rest ~= "" then out:insert(pandoc.Str(rest)) end
        k = k + 2
      else
        out:insert(el)
        k = k + 1
      end
      done = true
    end
    if not done then
      if CONTAINERS[a.t] then
        a.content = link_list(a.content, ctx)
      end
      out:insert(a)
      k = k + 1
    end
  end
  return out
end

function M.link(inlines, ctx)
  return link_list(inlines, ctx)
end

-- The programs of every page: [P] = { page = NAME, label = "7-5" }, the
-- first excerpt of each (anchors.lua's data-program and data-listing).
function M.programs_of(page, blocks, programs)
  pandoc.walk_block(pandoc.Div(blocks), {
    Div = function(d)
      local p, l = d.attributes["data-program"], d.attributes["data-listing"]
      if p and l and not programs[p] then
        programs[p] = { page = page, label = l }
      end
    end,
  })
  return programs
end

return M
