--[[
anchors.lua: pandoc Lua filter that gives every call and flag of a chapter
an anchor, and marks what the quick reference is made of.

It runs on one chapter, after include-code.lua, in the build's first pass
(Markdown -> JSON), so every format gets the same anchors.

What it recognises, all from the chapter's own text:

  - a prototype: inline code that is a C declaration, such as
        `int shmget(key_t key, size_t size, int shmflg);`
    The call's home is the level-2 section whose title starts with
    "shmget()", else the section holding the prototype.  The prototype
    gets the class "prototype" and the attribute data-call=shmget, and
    data-header=<sys/shm.h> when the same or the previous paragraph names the
    header in inline code (else the last header the chapter named before).

  - a table whose first header cell is "errno" (the errors), "Flag"
    (flags), "cmd" (commands) or "Argument" (arguments), belonging to the
    call that
       1. a header cell names (`shmat()` fails because), else
       2. the section title names (Errors from shmget()), else
       3. was declared last in the same section (for flags, the last
          call with a ...flg parameter; for commands, with a cmd
          parameter; for arguments, the one whose parameters the table
          names most), else
       4. is the only call declared in the chapter.
    The table gets the attributes data-call=NAME and data-kind=errors|flags|
    commands|arguments.  A table that belongs to no call is left alone.

  - a "**Return value.** ..." paragraph, by rules 2 to 4: it is wrapped in
    a Div with data-call=NAME and data-kind=returns.

Anchors (HTML ids, LaTeX hypertargets):
    call-NAME        the call's home section: an empty Div (class call-anchor)
                     just before its heading
    NAME-FLAG        the row of FLAG (or command, or errno) in a table of
                     the call NAME, e.g. shmget-IPC_CREAT, shmat-EINVAL;
                     the first such row when a name has several rows
Every id is unique in the chapter.  The quick reference (quickref.lua)
and the tests rely on these names.

Listings and figures: one number each, and a link target.
  include-code.lua numbers a listing by its file: every excerpt of
  counter.c is "Listing 5-1", and an excerpt of a file outside the
  chapter's listing folder (exercises/...) has no number.  Here every
  code listing the chapter shows (a Div.listing whose caption names a
  source file, not "Output of ...") gets a number of its own, in order:
  5-1, 5-2, ... (an appendix: A-1, ...).  The Div gets the id
  listing-5-1, data-listing="5-1" (the shown number) and, when the file
  has one, data-program="5-1" (the file's own number, as its first lines
  say); the caption's Span.listing-number says "Listing 5-1".
  Each picture (an implicit figure: a paragraph holding only an image with
  a caption) gets the id figure-5-1 in order; the site and the EPUB put
  "Figure 5-1" before the caption (the PDF numbers its figures itself, in
  the same order).

  The text names listings as their files do ("Listing 5-1 calls
  sched_yield()"): the program's number, which does not move when an
  excerpt is added.  Each such mention becomes a link to the excerpt of
  that program nearest to it in the chapter (the next one when two are as
  near) and shows that excerpt's number.  "Figure 5-1" links to its
  figure.  A mention of another chapter's listing ("Listing 7-4" in
  chapter 8) becomes Span.xref with data-program="7-4": the site
  (site.lua) and the joined book (combine.lua) resolve it.

Concepts (the index of concepts): chapters/book/concepts.txt lists the
terms.  The first place in each level-2 section where the text names a
term (outside headings, tables and code blocks) is wrapped in a
Span.concept with data-concept=TERM and the id ix-SLUG-N; data-define="1"
when it is in bold there (where the term is explained).  The site's index
page (concepts.html) and the PDF's index are made from these spans.
]]

local stringify = pandoc.utils.stringify
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*/)") or "./"
local xref = dofile(here .. "xref.lua")

-- name, return type, parameter names of a C declaration; nil if the text
-- is not one.
local function parse_prototype(text)
  local ret, name, args = text:match(
    "^%s*([%a_][%w_ ]-[%s%*]+)([%a_][%w_]*)%s*%((.*)%)%s*;%s*$")
  if not ret then
    return nil
  end
  local first = ret:match("^%s*([%a_]+)")
  if first == "return" or first == "else" or first == "case" then
    return nil
  end
  local params = {}
  if not args:match("^%s*void%s*$") then
    for p in (args .. ","):gmatch("([^,]*),") do
      p = p:match("^%s*(.-)%s*$")
      if p ~= "..." then
        local pname = p:match("^[%a_][%w_%s]-[%s%*]+([%a_][%w_]*)%s*[%[%]%d]*$")
        if not pname then
          return nil
        end
        params[#params + 1] = pname
      end
    end
  end
  return name, ret, params
end

local function has_class(el, name)
  for _, c in ipairs(el.classes or {}) do
    if c == name then
      return true
    end
  end
  return false
end

-- Calls named as "name()" in a list of inlines (code or plain text).
local function named_calls(inlines, known)
  local found = {}
  local text = stringify(inlines)
  for name in text:gmatch("([%a_][%w_]*)%(%)") do
    if known[name] and not found[name] then
      found[#found + 1] = name
      found[name] = true
    end
  end
  return found
end

local function table_kind(tbl)
  local rows = tbl.head and tbl.head.rows or {}
  if #rows == 0 or #rows[1].cells == 0 then
    return nil
  end
  local first = stringify(rows[1].cells[1].contents):lower():gsub("`", "")
  first = first:match("^%s*(.-)%s*$")
  if first == "errno" then
    return "errors"
  elseif first == "flag" or first == "flags" then
    return "flags"
  elseif first == "cmd" then
    return "commands"
  elseif first == "argument" or first == "arguments" then
    return "arguments"
  end
  return nil
end

local function header_text(tbl)
  local parts = {}
  for k, cell in ipairs(tbl.head.rows[1].cells) do
    if k > 1 then
      parts[#parts + 1] = stringify(cell.contents)
    end
  end
  return table.concat(parts, " ")
end

local function first_column_names(tbl)
  local names = {}
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      if row.cells[1] then
        names[#names + 1] = stringify(row.cells[1].contents)
      end
    end
  end
  return names
end

-- ---- Listings and figures: numbers, ids, mentions --------------------------

-- The chapter's own number ("5", or "5a" for one put between 5 and 6) from
-- its file name chapters/05-name.md or chapters/05a-name.md.
local function chapter_number()
  for _, f in ipairs((PANDOC_STATE and PANDOC_STATE.input_files) or {}) do
    local label = xref.chapter_label(f:match("([^/]+)%.md$") or "")
    if label then
      return label
    end
  end
  return nil
end

-- The page's name, 05-semaphores: links name their page, so that they
-- still work when the quick reference copies the text around them.
local function page_name()
  for _, f in ipairs((PANDOC_STATE and PANDOC_STATE.input_files) or {}) do
    local name = f:match("([^/]+)%.md$")
    if name then
      return name
    end
  end
  return ""
end

local function is_appendix(doc)
  local h = doc.blocks[1]
  return h and h.t == "Header" and h.level == 1 and has_class(h, "appendix")
end

-- A code listing: Div.listing whose caption names a file (not "Output of").
-- Returns its caption's Plain and the Span.listing-number in it (or nil).
local function listing_caption(div)
  if div.t ~= "Div" or not has_class(div, "listing") then
    return nil
  end
  local title = div.content[1]
  if not (title and title.t == "Div" and has_class(title, "listing-title")) then
    return nil
  end
  local plain = title.content[1]
  if not (plain and (plain.t == "Plain" or plain.t == "Para")) then
    return nil
  end
  local first = plain.content[1]
  if first and first.t == "Span" and has_class(first, "listing-number") then
    return plain, first
  end
  if first and first.t == "Code" and not first.text:match("^build/") then
    return plain, nil
  end
  return nil
end

-- The top-level blocks of doc, each with a callback for every Div.listing,
-- picture and paragraph inside it (in document order).
local function each_block(blocks, fn)
  for i, b in ipairs(blocks) do
    pandoc.walk_block(pandoc.Div({ b }), {
      Div = function(d) fn(i, d) end,
      Para = function(p) fn(i, p) end,
      Plain = function(p) fn(i, p) end,
    })
  end
end

local function is_figure(p)
  return p.t == "Para" and #p.content == 1 and p.content[1].t == "Image"
    and p.content[1].title:match("^fig:")
end

-- A file's first line "/* Listing 3-1 (chapter 3, shmat) */" is how it
-- names its number (include-code.lua reads it): the caption says the
-- number the book gives this excerpt, which may differ, so the line is not
-- shown.  The numbering of the lines that follow is unchanged (startFrom).
local function drop_tag_line(div)
  for _, b in ipairs(div.content) do
    local cb = b
    if b.t == "Div" and has_class(b, "listing-runs") then
      cb = b.content[1]
    end
    if cb and cb.t == "CodeBlock" then
      local first, rest = cb.text:match("^([^\n]*)\n?(.*)$")
      if first:match("^/%* Listing [%dA-Z]+%-%d+ %b() %*/$") and rest:match("%S") then
        local dropped = 1
        while rest:match("^[ \t]*\n") do
          rest = rest:gsub("^[ \t]*\n", "", 1)
          dropped = dropped + 1
        end
        cb.text = rest
        local from = tonumber(cb.attributes.startFrom or cb.attributes["start-from"] or "")
        if from then
          cb.attributes.startFrom = tostring(from + dropped)
        end
      end
      return
    end
  end
end

-- Numbers every listing and figure; returns the tables the mentions need:
-- programs[P] = { {pos, label}, ... }, figures[label] = true, and the
-- chapter's label ("5", "A").
local function number_listings(doc)
  local prefix = nil
  -- An appendix is lettered by lib.sh; its listing files say their letter.
  each_block(doc.blocks, function(_, d)
    if d.t == "Div" and d.attributes["data-listing"] and not prefix then
      prefix = d.attributes["data-listing"]:match("^([%dA-Za-z]+)%-")
    end
  end)
  if is_appendix(doc) then
    if not (prefix and prefix:match("^%a+$")) then
      prefix = "A"
    end
  else
    prefix = chapter_number() or prefix or "0"
  end

  local programs = {}
  local figures = {}
  local n_listing, n_figure = 0, 0
  local function walk(blocks)
    for i, b in ipairs(blocks) do
      blocks[i] = pandoc.walk_block(pandoc.Div({ b }), {
        Div = function(d)
          local plain, span = listing_caption(d)
          if not plain then
            return nil
          end
          n_listing = n_listing + 1
          local label = prefix .. "-" .. n_listing
          local program = d.attributes["data-listing"]
          d.identifier = "listing-" .. label
          d.attributes["data-listing"] = label
          if program then
            d.attributes["data-program"] = program
            programs[program] = programs[program] or {}
            table.insert(programs[program], { pos = i, label = label })
          end
          drop_tag_line(d)
          local number = pandoc.Span({ pandoc.Str("Listing"), pandoc.Space(), pandoc.Str(label) },
            pandoc.Attr("", { "listing-number" }))
          if span then
            plain.content[1] = number
          else
            table.insert(plain.content, 1, pandoc.Space())
            table.insert(plain.content, 1, number)
          end
          return d
        end,
        Para = function(p)
          if not is_figure(p) then
            return nil
          end
          n_figure = n_figure + 1
          local label = prefix .. "-" .. n_figure
          p.content[1].identifier = "figure-" .. label
          p.content[1].attributes["data-figure"] = label
          figures[label] = true
          return p
        end,
      }).content[1]
    end
  end
  walk(doc.blocks)
  return programs, figures, prefix
end

-- fn(inlines, arg) on a list of inlines and on every list inside it, but
-- not inside links or images (no link may be put in a link).
local CONTAINERS = { Emph = true, Strong = true, Underline = true, Strikeout = true,
                     Superscript = true, Subscript = true, SmallCaps = true,
                     Quoted = true, Span = true }
local function walk_inlines(inlines, arg, fn)
  local out = fn(inlines, arg)
  for _, il in ipairs(out) do
    if CONTAINERS[il.t] and not (il.t == "Span" and has_class(il, "xref")) then
      il.content = walk_inlines(il.content, arg, fn)
    end
  end
  return out
end

-- "Listing 5-1" and "Figure 5-1" in the text: links (see the header).
local function link_mentions(doc, programs, figures, prefix)
  local function nearest(list, pos)
    local best, dist = nil, nil
    for _, e in ipairs(list) do
      local d = math.abs(e.pos - pos)
      if not best or d < dist or (d == dist and e.pos > pos and best.pos < pos) then
        best, dist = e, d
      end
    end
    return best
  end
  local function mentions(inlines, pos)
    local out = pandoc.List()
    local k = 1
    while k <= #inlines do
      local a, b, c = inlines[k], inlines[k + 1], inlines[k + 2]
      local lead, word = nil, nil
      if a.t == "Str" then
        lead, word = a.text:match("^(%p*)(%a+)$")
      end
      local num, tail = nil, nil
      if (word == "Listing" or word == "Figure") and b and (b.t == "Space" or b.t == "SoftBreak") and c and c.t == "Str" then
        num, tail = c.text:match("^([%dA-Z]+%-%d+)(.*)$")
      end
      local done = false
      if num then
        local target, label, xref = nil, nil, nil
        if word == "Listing" and programs[num] then
          local e = nearest(programs[num], pos)
          target, label = page_name() .. ".html#listing-" .. e.label, e.label
        elseif word == "Figure" and figures[num] then
          target, label = page_name() .. ".html#figure-" .. num, num
        elseif word == "Listing" and num:match("^([%dA-Z]+)%-") ~= prefix then
          xref = num
        end
        if lead ~= "" then
          out:insert(pandoc.Str(lead))
        end
        local text = { pandoc.Str(word), pandoc.Space(), pandoc.Str(label or num) }
        if target then
          out:insert(pandoc.Link(text, target))
        elseif xref then
          out:insert(pandoc.Span(text, pandoc.Attr("", { "xref" }, { { "data-program", xref } })))
        else
          for _, il in ipairs(text) do out:insert(il) end
        end
        if tail ~= "" then
          out:insert(pandoc.Str(tail))
        end
        k = k + 3
        done = true
      end
      if not done then
        out:insert(a)
        k = k + 1
      end
    end
    return out
  end
  -- The text of block b (top-level block number i), but not the captions
  -- of listings, nor headings.  Returns the block.
  local function inside(i, b)
    if b.t == "Para" or b.t == "Plain" then
      b.content = walk_inlines(b.content, i, mentions)
    elseif b.t == "Div" and has_class(b, "listing") then
      return b
    elseif b.t == "Div" or b.t == "BlockQuote" then
      for k, x in ipairs(b.content) do b.content[k] = inside(i, x) end
    elseif b.t == "BulletList" or b.t == "OrderedList" then
      for _, item in ipairs(b.content) do
        for k, x in ipairs(item) do item[k] = inside(i, x) end
      end
    elseif b.t == "Table" or b.t == "DefinitionList" then
      return pandoc.walk_block(b, {
        Plain = function(p) return inside(i, p) end,
        Para = function(p) return inside(i, p) end,
      })
    end
    return b
  end
  for i, b in ipairs(doc.blocks) do
    doc.blocks[i] = inside(i, b)
  end
end

-- ---- Concepts ----------------------------------------------------------------

-- concepts.txt: "TERM | PATTERN | PATTERN ..." per line, # comments.
local concepts_file = "chapters/book/concepts.txt"

local function load_concepts()
  local fh = io.open(concepts_file, "rb")
  if not fh then
    return {}
  end
  local list = {}
  for line in fh:lines() do
    if not line:match("^%s*#") and line:match("%S") then
      local fields = {}
      for f in (line .. "|"):gmatch("([^|]*)|") do
        fields[#fields + 1] = f:match("^%s*(.-)%s*$")
      end
      local term = fields[1]
      local pats = {}
      for k = 2, #fields do
        if fields[k] ~= "" then
          pats[#pats + 1] = fields[k]
        end
      end
      if #pats == 0 then
        pats[1] = term
      end
      local c = { term = term, slug = (term:lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")), patterns = {} }
      for _, p in ipairs(pats) do
        local code = p:match("^`(.*)`$")
        if code then
          c.patterns[#c.patterns + 1] = { code = code }
        else
          local words = {}
          for w in p:lower():gmatch("%S+") do
            words[#words + 1] = w
          end
          c.patterns[#c.patterns + 1] = { words = words }
        end
      end
      list[#list + 1] = c
    end
  end
  fh:close()
  return list
end

-- A word with what may come before it (an opening bracket or quote) and
-- the rest; a word and the punctuation after it.
local LEAD = "^([%(%[\"“‘]*)(.*)$"
local TRAIL = "^(.-)([%.,;:!%?%)%]\"”’]*)$"

-- Does pattern pat match inlines from position k?  Returns the position
-- after the match, the leading and trailing punctuation.
local function match_at(inlines, k, pat)
  local il = inlines[k]
  if pat.code then
    if il.t == "Code" and (il.text == pat.code or il.text:sub(1, #pat.code + 1) == pat.code .. " ") then
      return k + 1, "", ""
    end
    return nil
  end
  local lead, trail = "", ""
  local j = k
  for w = 1, #pat.words do
    local x = inlines[j]
    if not x or x.t ~= "Str" then
      return nil
    end
    local text = x.text
    if w == 1 then
      lead, text = text:match(LEAD)
    end
    if w == #pat.words then
      local body, t = text:match(TRAIL)
      text, trail = body, t
    end
    if text:lower() ~= pat.words[w] then
      return nil
    end
    j = j + 1
    if w < #pat.words then
      local sp = inlines[j]
      if not sp or (sp.t ~= "Space" and sp.t ~= "SoftBreak") then
        return nil
      end
      j = j + 1
    end
  end
  return j, lead, trail
end

-- The patterns by the first thing they match, in concepts.txt's order: a
-- code pattern by its first word (in inline code), a word pattern by its
-- first word without the punctuation TRAIL strips (in a Str).  So at each
-- inline only the patterns that may start there are tried, in the file's
-- order, as if all were: a page's text is scanned three times, and trying
-- every pattern at every inline made this filter most of the book's first
-- pass.
local function index_patterns(concepts)
  local index = { code = {}, word = {} }
  for _, c in ipairs(concepts) do
    for _, pat in ipairs(c.patterns) do
      local by, key = index.word, pat.words and (pat.words[1]:match(TRAIL))
      if pat.code then
        by, key = index.code, pat.code:match("^(%S*)")
      end
      by[key] = by[key] or {}
      table.insert(by[key], { concept = c, pat = pat })
    end
  end
  return index
end

-- The patterns that may match from inline il: a superset of those match_at
-- accepts there, in concepts.txt's order.
local function candidates(index, il)
  if il.t == "Code" then
    return index.code[il.text:match("^(%S*)")] or {}
  elseif il.t ~= "Str" then
    return {}
  end
  local _, text = il.text:match(LEAD)
  return index.word[(text:match(TRAIL)):lower()] or {}
end

-- Calls on_hit(concept, k, after, lead, trail, bold) for every mention in
-- inlines (a list of inlines, scanned in place, nested bold included), and
-- returns the list on_hit made (it returns the replacement inlines of a
-- mention, or nil to keep them).  index: index_patterns(concepts).
local function scan(index, inlines, bold, on_hit)
  local out = pandoc.List()
  local k = 1
  while k <= #inlines do
    local il = inlines[k]
    local hit = false
    if il.t == "Strong" or il.t == "Emph" then
      il.content = scan(index, il.content, bold or il.t == "Strong", on_hit)
    elseif il.t ~= "Link" and il.t ~= "Span" and il.t ~= "Image" then
      for _, e in ipairs(candidates(index, il)) do
        local after, lead, trail = match_at(inlines, k, e.pat)
        if after then
          local repl = on_hit(e.concept, inlines, k, after, lead, trail, bold)
          if repl then
            out:extend(repl)
          else
            for m = k, after - 1 do
              out:insert(inlines[m])
            end
          end
          k = after
          hit = true
          break
        end
      end
    end
    if not hit then
      out:insert(il)
      k = k + 1
    end
  end
  return out
end

local function mark_concepts(doc)
  local concepts = load_concepts()
  if #concepts == 0 then
    return
  end
  local index = index_patterns(concepts)
  -- The paragraphs of each section (split at level-1 and level-2 headings).
  local sections = { { heading = nil, paras = {} } }
  local function collect(bs)
    for _, b in ipairs(bs) do
      if b.t == "Header" and b.level <= 2 then
        sections[#sections + 1] = { heading = b, paras = {} }
      elseif (b.t == "Para" or b.t == "Plain") and not is_figure(b) then
        table.insert(sections[#sections].paras, b)
      elseif b.t == "BulletList" or b.t == "OrderedList" then
        for _, item in ipairs(b.content) do
          collect(item)
        end
      elseif b.t == "BlockQuote" then
        collect(b.content)
      elseif b.t == "Div" and not has_class(b, "listing") and not b.attributes["data-kind"] then
        collect(b.content)
      end
    end
  end
  collect(doc.blocks)

  local ids = {}              -- [slug] = ids given on this page
  for _, s in ipairs(sections) do
    -- First how often each term is named here, and where in bold.
    local n, bold_at, in_title = {}, {}, {}
    if s.heading then
      scan(index, s.heading.content:clone(), false, function(c)
        in_title[c.slug] = true
      end)
    end
    for _, p in ipairs(s.paras) do
      scan(index, p.content:clone(), false, function(c, _, _, _, _, _, bold)
        n[c.slug] = (n[c.slug] or 0) + 1
        if bold and not bold_at[c.slug] then
          bold_at[c.slug] = n[c.slug]
        end
      end)
    end
    -- Then mark one mention per term: the bold one, else the first.
    local seen = {}
    for _, p in ipairs(s.paras) do
      p.content = scan(index, p.content, false, function(c, inlines, k, after, lead, trail, bold)
        seen[c.slug] = (seen[c.slug] or 0) + 1
        if seen[c.slug] ~= (bold_at[c.slug] or 1) then
          return nil
        end
        ids[c.slug] = (ids[c.slug] or 0) + 1
        local body = {}
        for m = k, after - 1 do
          body[#body + 1] = inlines[m]
        end
        local out = pandoc.List()
        if lead ~= "" then
          body[1] = pandoc.Str(body[1].text:sub(#lead + 1))
          out:insert(pandoc.Str(lead))
        end
        local last = body[#body]
        if trail ~= "" then
          body[#body] = pandoc.Str(last.text:sub(1, #last.text - #trail))
        end
        local weight = n[c.slug] + (in_title[c.slug] and 2 or 0)
        local attrs = { { "data-concept", c.term }, { "data-weight", tostring(weight) } }
        if bold then
          attrs[#attrs + 1] = { "data-define", "1" }
        end
        out:insert(pandoc.Span(body, pandoc.Attr("ix-" .. c.slug .. "-" .. ids[c.slug],
          { "concept" }, attrs)))
        if trail ~= "" then
          out:insert(pandoc.Str(trail))
        end
        return out
      end)
    end
  end
end

local function number_listings_and_figures(doc)
  local programs, figures, prefix = number_listings(doc)
  link_mentions(doc, programs, figures, prefix)
end

local function anchor_calls(doc)
  -- Pass 1: the prototypes, in order, with their sections.
  local calls = {}            -- list of {name, params, section, header}
  local known = {}            -- [name] = call
  local sections = {}         -- list of {header = Header, calls = {...}}
  local current = { calls = {} }
  sections[1] = current

  local last_header = nil     -- the last <header.h> named in the chapter
  local function scan_inlines(inlines, prev_header)
    local header = nil
    for _, il in ipairs(inlines) do
      if il.t == "Code" and il.text:match("^<[%w_/%.]+%.h>$") then
        header = il.text
        last_header = il.text
      end
    end
    for _, il in ipairs(inlines) do
      if il.t == "Code" then
        local name, _, params = parse_prototype(il.text)
        if name and not known[name] then
          local c = { name = name, params = params, section = current,
                      header = header or prev_header or last_header, code = il }
          calls[#calls + 1] = c
          known[name] = c
          current.calls[#current.calls + 1] = c
        end
      end
    end
    return header
  end

  local function collect(blocks)
    local prev_header = nil
    for _, b in ipairs(blocks) do
      if b.t == "Header" and b.level <= 2 then
        current = { header = b, calls = {} }
        sections[#sections + 1] = current
        prev_header = nil
      elseif b.t == "Para" or b.t == "Plain" then
        prev_header = scan_inlines(b.content, prev_header)
      elseif b.t == "BlockQuote" or b.t == "Div" then
        collect(b.content)
      elseif b.t == "BulletList" or b.t == "OrderedList" then
        for _, item in ipairs(b.content) do
          collect(item)
        end
      else
        prev_header = nil
      end
    end
  end
  collect(doc.blocks)
  if #calls == 0 then
    return doc
  end

  for _, c in ipairs(calls) do
    c.code.classes = pandoc.List({ "prototype" })
    c.code.attributes["data-call"] = c.name
    if c.header then
      c.code.attributes["data-header"] = c.header
    end
  end

  -- The home section of each call: a section title starting with "name()".
  local used_ids = {}
  pandoc.walk_block(pandoc.Div(doc.blocks), {
    Header = function(h)
      if h.identifier ~= "" then used_ids[h.identifier] = true end
    end,
    Span = function(s)
      if s.identifier ~= "" then used_ids[s.identifier] = true end
    end,
    Div = function(d)
      if d.identifier ~= "" then used_ids[d.identifier] = true end
    end,
  })
  local homes = {}            -- [Header] = { ids of the calls at home there }
  for _, c in ipairs(calls) do
    local home = nil
    for _, s in ipairs(sections) do
      if s.header and s.header.level == 2
          and stringify(s.header.content):match("^" .. c.name .. "%(%)") then
        home = s.header
        break
      end
    end
    home = home or c.section.header
    local id = "call-" .. c.name
    if home and not used_ids[id] then
      used_ids[id] = true
      homes[home] = homes[home] or {}
      table.insert(homes[home], id)
    end
  end

  -- Which call a table or paragraph in section s belongs to.
  local function owner(kind, s, tbl, seen_in_section)
    if tbl then
      local named = named_calls(pandoc.List({ pandoc.Str(header_text(tbl)) }), known)
      if #named > 0 then
        return known[named[1]]
      end
    end
    if s.header then
      local named = named_calls(s.header.content, known)
      if #named > 0 then
        return known[named[1]]
      end
    end
    local candidates = {}
    for _, c in ipairs(seen_in_section) do
      local ok = true
      if kind == "flags" then
        ok = false
        for _, p in ipairs(c.params) do
          if p:match("flg$") or p:match("flags?$") then ok = true end
        end
      elseif kind == "commands" then
        ok = false
        for _, p in ipairs(c.params) do
          if p == "cmd" then ok = true end
        end
      end
      if ok then
        candidates[#candidates + 1] = c
      end
    end
    if kind == "arguments" and tbl and #candidates > 1 then
      local names = {}
      for _, n in ipairs(first_column_names(tbl)) do
        names[n] = true
      end
      local best, best_score = nil, -1
      for _, c in ipairs(candidates) do
        local score = 0
        for _, p in ipairs(c.params) do
          if names[p] then score = score + 1 end
        end
        if score >= best_score then
          best, best_score = c, score
        end
      end
      return best
    end
    if #candidates > 0 then
      return candidates[#candidates]
    end
    if #calls == 1 then
      return calls[1]
    end
    return nil
  end

  -- The anchor of each row: NAME-FLAG on the first code in its first cell.
  local function anchor_rows(tbl, call)
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.body) do
        local cell = row.cells[1]
        if cell and cell.contents[1] and
            (cell.contents[1].t == "Plain" or cell.contents[1].t == "Para") then
          local inlines = cell.contents[1].content
          for i, il in ipairs(inlines) do
            if il.t == "Code" and il.text:match("^[%a_][%w_]*$") then
              local id = call.name .. "-" .. il.text
              if not used_ids[id] then
                used_ids[id] = true
                inlines[i] = pandoc.Span({ il }, pandoc.Attr(id))
              end
            end
          end
        end
      end
    end
  end

  -- Pass 2: tables and return values, section by section.
  local sec = { calls = {} }
  local seen = {}
  local function mark(blocks)
    local out = pandoc.List()
    for _, b in ipairs(blocks) do
      if b.t == "Header" and b.level <= 2 then
        for _, s in ipairs(sections) do
          if s.header == b then sec = s end
        end
        seen = {}
        for _, id in ipairs(homes[b] or {}) do
          out:insert(pandoc.Div({}, pandoc.Attr(id, { "call-anchor" })))
        end
      elseif b.t == "Para" or b.t == "Plain" then
        for _, il in ipairs(b.content) do
          if il.t == "Code" and has_class(il, "prototype") then
            seen[#seen + 1] = known[il.attributes["data-call"]]
          end
        end
        local first = b.content[1]
        if first and first.t == "Strong"
            and stringify(first.content):match("^Return value") then
          local c = owner("returns", sec, nil, seen)
          if c then
            b = pandoc.Div({ b }, pandoc.Attr("", { "returns" },
              { { "data-call", c.name }, { "data-kind", "returns" } }))
          end
        end
      elseif b.t == "Table" then
        local kind = table_kind(b)
        if kind then
          local c = owner(kind, sec, b, seen)
          if c then
            b.attr = pandoc.Attr(b.identifier or "", b.classes or {},
              { { "data-call", c.name }, { "data-kind", kind } })
            if kind ~= "arguments" then
              anchor_rows(b, c)
            end
          end
        end
      elseif b.t == "BlockQuote" or b.t == "Div" then
        b.content = mark(b.content)
      end
      out:insert(b)
    end
    return out
  end
  doc.blocks = mark(doc.blocks)
  return doc
end

function Pandoc(doc)
  number_listings_and_figures(doc)
  doc = anchor_calls(doc)
  mark_concepts(doc)
  return doc
end
