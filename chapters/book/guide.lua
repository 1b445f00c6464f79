--[[
guide.lua: pandoc Lua filter for the instructor's guide pages (guide.sh
writes them), run in the build's first pass after include-code.lua.

    BOOK_PAGES="01-keys=/tmp/w/1.json ..." pandoc ... --lua-filter=guide.lua

1. Links to chapter sections by title.  A link written as
       [text](02-shmget.html "section:Creating a segment")
   becomes a link to the section's anchor (02-shmget.html#creating-a-segment),
   looked up by title in the chapter's JSON (NAME=FILE pairs in BOOK_PAGES,
   from the first pass).  A title that no section has leaves the text
   without a link, and a note on stderr (tests/book/test-book.sh reports
   such references as failures).

2. Tables from the grader's data, as plain text (nothing in them is read
   as Markdown):
       ::: {.rubric file="build/book/gen/guide/shmget/rubric.tsv"}
       :::
   number, id, name, points, visibility, hint per line (tab-separated, as
   jq's @tsv writes them) becomes the rubric table (classes "rubric" and
   "cards", each
   cell with data-label=its column's name, which style.css shows on a
   phone, where each test is a card); in a hint,
   'See chapters/NN-name.md, "Section".' becomes 'See chapter N,
   "Section".', linked to that section (as in 1).
       ::: {.mistakes file=".../mistakes.tsv"}
       :::
   the bug, then the ids of the tests that catch it, becomes the table of
   mistakes.  A missing file stops the build.
]]

local stringify = pandoc.utils.stringify
local sections = nil        -- [page] = { [title] = id }

local function load()
  sections = {}
  for name, file in (os.getenv("BOOK_PAGES") or ""):gmatch("([^%s=]+)=(%S+)") do
    local fh = io.open(file, "rb")
    if fh then
      local doc = pandoc.read(fh:read("a"), "json")
      fh:close()
      local titles = {}
      pandoc.walk_block(pandoc.Div(doc.blocks), {
        Header = function(h)
          local t = stringify(h.content)
          if titles[t] == nil then
            titles[t] = h.identifier
          end
        end,
      })
      sections[name] = titles
    end
  end
end

-- The anchor of section TITLE of PAGE, or nil.
local function section_id(page, title)
  if not sections then
    load()
  end
  local id = sections[page] and sections[page][title]
  if id and id ~= "" then
    return id
  end
  io.stderr:write("guide.lua: " .. page .. " has no section \"" .. title .. "\"\n")
  return nil
end

function Link(el)
  local wanted = el.title:match("^section:(.*)$")
  if not wanted then
    return nil
  end
  local page = el.target:match("^([^/#]+)%.html$")
  local id = page and section_id(page, wanted)
  if id then
    el.target = page .. ".html#" .. id
    el.title = ""
    return el
  end
  return el.content
end

-- Plain text as inlines: words and spaces, nothing interpreted but the
-- double quotes around words, which become typographic ones (quotes inside
-- code such as err_exit("shmget") stay).
local function text(s)
  local out = {}
  for word, space in s:gmatch("(%S+)(%s*)") do
    if word:match('^"%a') then
      word = "\u{201C}" .. word:sub(2)
    end
    word = word:gsub('(%a)"([%.,;:%)]?)$', "%1\u{201D}%2")
    out[#out + 1] = pandoc.Str(word)
    if space ~= "" then
      out[#out + 1] = pandoc.Space()
    end
  end
  if s:match("^%s") and #out > 0 then
    table.insert(out, 1, pandoc.Space())
  end
  return out
end

-- A hint, with its 'chapters/NN-name.md, "Section"' references linked.
local function hint_inlines(s)
  local out = {}
  local pos = 1
  while true do
    local a, b, page, title = s:find('chapters/(%d%d%-[%w%-]+)%.md, "([^"]+)"', pos)
    if not a then
      break
    end
    for _, il in ipairs(text(s:sub(pos, a - 1))) do
      out[#out + 1] = il
    end
    -- Shown as the reader knows it: chapter 5, "Title" (not the file).
    local num = tonumber(page:match("^(%d+)"))
    local label = text('chapter ' .. tostring(num) .. ', "' .. title .. '"')
    local id = section_id(page, title)
    if id then
      out[#out + 1] = pandoc.Link(label, page .. ".html#" .. id)
    else
      for _, il in ipairs(label) do
        out[#out + 1] = il
      end
    end
    pos = b + 1
  end
  for _, il in ipairs(text(s:sub(pos))) do
    out[#out + 1] = il
  end
  return out
end

-- jq's @tsv escapes \t, \n, \r and \\.
local function unescape(s)
  return (s:gsub("\\(.)", { t = "\t", n = "\n", r = "\r", ["\\"] = "\\" }))
end

local function read_tsv(path)
  local fh, err = io.open(path, "rb")
  if not fh then
    error("guide.lua: cannot open " .. path .. ": " .. tostring(err), 0)
  end
  local rows = {}
  for line in fh:lines() do
    if line ~= "" then
      local fields = {}
      for f in (line .. "\t"):gmatch("([^\t]*)\t") do
        fields[#fields + 1] = unescape(f)
      end
      rows[#rows + 1] = fields
    end
  end
  fh:close()
  return rows
end

local function cell(inlines)
  return { pandoc.Plain(inlines) }
end

local function make_table(header, widths, aligns, rows)
  local hcells = {}
  for k, h in ipairs(header) do
    hcells[k] = cell(text(h))
  end
  return pandoc.utils.from_simple_table(pandoc.SimpleTable({}, aligns, widths,
    hcells, rows))
end

local function rubric(path)
  local rows = {}
  for _, f in ipairs(read_tsv(path)) do
    local num, id, name, points, visibility, hint = table.unpack(f)
    local test = { pandoc.Code(id or "?") }
    if visibility and visibility ~= "visible" then
      test[#test + 1] = pandoc.LineBreak()
      test[#test + 1] = pandoc.Emph(text("hidden (" .. visibility .. ")"))
    end
    rows[#rows + 1] = {
      cell(text(num or "")), cell(test), cell(text(points or "")),
      cell(text(name or "")), cell(hint_inlines(hint or "")),
    }
  end
  local A = pandoc.AlignDefault
  local header = { "#", "Test", "Points", "What it checks", "Hint on failure" }
  local t = make_table(header, { 0.04, 0.27, 0.07, 0.28, 0.34 },
    { pandoc.AlignRight, A, pandoc.AlignRight, A, A }, rows)
  t.attr = pandoc.Attr("", { "rubric", "cards" })
  for _, body in ipairs(t.bodies) do
    for _, row in ipairs(body.body) do
      for k, c in ipairs(row.cells) do
        if k > 1 then
          c.attr = pandoc.Attr("", {}, { { "data-label", header[k] .. ":" } })
        end
      end
    end
  end
  return t
end

local function mistakes(path)
  local rows = {}
  for _, f in ipairs(read_tsv(path)) do
    local bug, ids = f[1] or "", f[2] or ""
    local tests = {}
    for id in ids:gmatch("%S+") do
      if #tests > 0 then
        tests[#tests + 1] = pandoc.Str(",")
        tests[#tests + 1] = pandoc.Space()
      end
      tests[#tests + 1] = pandoc.Code(id)
    end
    rows[#rows + 1] = { cell(text(bug)), cell(tests) }
  end
  local A = pandoc.AlignDefault
  return make_table({ "The mistake", "Tests that fail" }, { 0.7, 0.3 }, { A, A }, rows)
end

function Div(el)
  local file = el.attributes.file
  if el.classes:includes("rubric") and file then
    return rubric(file)
  elseif el.classes:includes("mistakes") and file then
    return mistakes(file)
  end
  return nil
end
